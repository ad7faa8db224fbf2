import { DecisionInput } from "./decision-input.ts";
import { Decision } from "./decisions.ts";
import { EngineMessage, engineMessageOrNull } from "./engine-messages.ts";
import { DecimalInput, DecimalString } from "./exchanges.ts";
import { PortfolioOrder } from "./portfolio-orders.ts";
import { ReasoningEffort } from "./portfolios.ts";
import * as z from "./zod.ts";

/**
 * Review runs as the owner sees them: what triggered a run, where it is, what was decided and what happened to each
 * order. One run in full adds the decision input, the prompt and the provider's raw answer.
 */

export const RUN_TRIGGERS = ["schedule", "manual", "start"] as const;
export const RunTrigger = z.enum(RUN_TRIGGERS).openapi("RunTrigger");
export type RunTrigger = z.infer<typeof RunTrigger>;

export const RUN_STATUSES = ["queued", "running", "awaiting_approval", "completed", "failed", "aborted"] as const;
export const RunStatus = z.enum(RUN_STATUSES).openapi("RunStatus", {
  description:
    "`awaiting_approval`: planned orders wait for you (manual mode). `aborted`: the portfolio was stopped or paused during the run.",
});
export type RunStatus = z.infer<typeof RunStatus>;

/** Journal steps, in order. A restarted run resumes at its step without repeating what was sent. */
export const RUN_STEPS = [
  "cancel",
  "snapshot",
  "decide",
  "plan",
  "approval",
  "place",
  "reconcile",
  "record",
  "done",
] as const;
export const RunStep = z.enum(RUN_STEPS).openapi("RunStep");
export type RunStep = z.infer<typeof RunStep>;

export const RunUsage = z
  .object({
    inputTokens: z.number().int(),
    cachedInputTokens: z.number().int(),
    outputTokens: z.number().int(),
    reasoningTokens: z.number().int(),
    webSearchCalls: z.number().int(),
    costUsd: DecimalString.nullable().openapi({ description: "Estimate from list prices; null when unknown" }),
  })
  .openapi("RunUsage");

export const RunAiOptions = z
  .object({ reasoningEffort: ReasoningEffort.nullable(), webSearch: z.boolean() })
  .openapi("RunAiOptions", { description: "What was sent with the AI request (null effort: the model's default)" });
export type RunAiOptions = z.infer<typeof RunAiOptions>;

export const RunFallback = z
  .object({
    provider: z.string().openapi({ description: "The portfolio's AI provider that did not decide" }),
    model: z.string(),
    code: z.string().openapi({
      description:
        "`spend_cap` (the portfolio's monthly AI spend cap was reached), or `decision_<failure>` (the provider failed: " +
        "timeout, provider_error, refused, invalid_output, ...)",
    }),
    message: z.string(),
    engineMessage: engineMessageOrNull("`message` as a code with parameters"),
  })
  .openapi("RunFallback", { description: "The built-in strategy decided instead of the portfolio's AI, and why" });
export type RunFallback = z.infer<typeof RunFallback>;

export const RunNote = z
  .object({
    kind: z.enum(["cancel", "stops", "settings", "risk", "info"]),
    message: z.string(),
    engineMessage: engineMessageOrNull("`message` as a code with parameters; null for notes written before codes"),
    symbol: z.string().nullable(),
  })
  .openapi("RunNote");
export type RunNote = z.infer<typeof RunNote>;

export const RunSummary = z
  .object({
    id: z.string(),
    portfolioId: z.string(),
    seq: z.number().int().openapi({ description: "Run number within the portfolio" }),
    trigger: RunTrigger,
    status: RunStatus,
    step: RunStep,
    requestedAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    summary: z.string().nullable().openapi({ description: "The decision's summary, or why there was none" }),
    summaryMessage: engineMessageOrNull(
      "`summary` as a code with parameters when Ballast wrote it (null when an AI wrote it)",
    ),
    rationaleMessages: z.array(EngineMessage).nullable().openapi({
      description: "The built-in strategy's rationale as codes with parameters (null when an AI wrote it)",
    }),
    decision: Decision.nullable().openapi({
      description: "The parsed decision (spot orders or futures actions); null before the provider answered",
    }),
    error: z
      .object({
        code: z.string(),
        message: z.string(),
        engineMessage: engineMessageOrNull("`message` as a code with parameters"),
      })
      .nullable(),
    equityBefore: DecimalString.nullable(),
    equityAfter: DecimalString.nullable(),
    usage: RunUsage.nullable(),
    aiOptions: RunAiOptions.nullable().openapi({ description: "Null when no AI was asked" }),
    fallback: RunFallback.nullable(),
    orders: z.array(PortfolioOrder).openapi({ description: "Planned, placed and refused orders, by leg" }),
    notes: z.array(RunNote),
  })
  .openapi("RunSummary");
export type RunSummary = z.infer<typeof RunSummary>;

export const RunDetail = RunSummary.extend({
  input: DecisionInput.nullable().openapi({
    description: "The decision input exactly as the provider saw it; null before the snapshot",
  }),
  prompt: z
    .object({ version: z.string(), system: z.string(), user: z.string() })
    .nullable()
    .openapi({ description: "The messages sent to the AI provider (null for the built-in strategy)" }),
  rawResponse: z.unknown().openapi({ description: "The provider's answer as received" }),
  durationsMs: z.record(z.string(), z.number()).openapi({ description: "Milliseconds per step" }),
}).openapi("RunDetail");
export type RunDetail = z.infer<typeof RunDetail>;

export const RunListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(10),
  cursor: z.string().max(200).optional().openapi({ description: "`nextCursor` of the previous page" }),
});

export const RunList = z.object({ runs: z.array(RunSummary), nextCursor: z.string().nullable() }).openapi("RunList");

export const RunParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
  runId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "runId", in: "path" } }),
});

export const RunRequested = z
  .object({
    runId: z.string(),
    status: RunStatus,
    alreadyRunning: z
      .boolean()
      .openapi({ description: "A review was already queued or running; this is its id (runs never overlap)" }),
  })
  .openapi("RunRequested");
export type RunRequested = z.infer<typeof RunRequested>;

export const ApprovalItem = z.object({
  orderId: z.string().min(1).max(64),
  action: z.enum(["approve", "reject"]),
  quantity: DecimalInput.optional().openapi({ description: "Approve with this base quantity instead" }),
  price: DecimalInput.optional().openapi({ description: "Approve a limit order with this price instead" }),
});
export type ApprovalItem = z.infer<typeof ApprovalItem>;

export const ApprovalRequest = z
  .object({ decisions: z.array(ApprovalItem).min(1).max(20) })
  .openapi("ApprovalRequest", {
    description: "Approve (optionally edited), or reject, orders of a run waiting for approval",
  });
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;
