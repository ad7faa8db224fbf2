import { Decision } from "./decisions.ts";
import { DecimalString } from "./exchanges.ts";
import { GUARD_CODES } from "./guard-codes.ts";
import { RunAiOptions, RunUsage } from "./portfolio-runs.ts";
import { FuturesSettings, RiskLimits, UpdatePortfolio } from "./portfolios.ts";
import * as z from "./zod.ts";

/**
 * A what-if replay of a stored review: its saved decision input planned again, on paper, with other limits or
 * instructions and a chosen decision source, then compared with the orders the review planned. Nothing is sent.
 */

export const REPLAY_SOURCES = ["recorded", "builtin", "ai"] as const;
export const ReplaySource = z.enum(REPLAY_SOURCES).openapi("ReplaySource", {
  description:
    "`recorded`: the decision the review stored; `builtin`: the built-in strategy on the saved input; `ai`: the " +
    "portfolio's own AI (provider, model, options and key as a review uses them) asked on the saved input, a billed " +
    "request that counts toward the portfolio's monthly AI spend cap and a shared key's budget, at most 10 per hour " +
    "per portfolio",
});
export type ReplaySource = z.infer<typeof ReplaySource>;

export const ReplayRequest = z
  .object({
    source: ReplaySource.default("recorded"),
    // The portfolio's own fields and bounds; omitted ones keep the portfolio's current value.
    maxOrderPct: RiskLimits.shape.maxOrderPct.unwrap().optional(),
    maxExposurePct: RiskLimits.shape.maxExposurePct.unwrap().optional(),
    maxLeverage: FuturesSettings.shape.maxLeverage.optional().openapi({ description: "Futures portfolios only" }),
    tokens: UpdatePortfolio.shape.tokens.openapi({
      description: "The portfolio's tokens with other allocations (the same tokens, none added or left out)",
    }),
    instructions: UpdatePortfolio.shape.instructions.openapi({
      description:
        "Given to the AI with source `ai`, after the system rules as a review's are; the recorded decision and the " +
        "built-in strategy do not read them",
    }),
  })
  .openapi("ReplayRequest");
export type ReplayRequest = z.infer<typeof ReplayRequest>;

/** Codes of the reasons an item was refused (the guards' codes and the portfolio's own maximum per token). */
export const REFUSAL_CODES = [...GUARD_CODES, "above_max_allocation"] as const;
export const RefusalCode = z.enum(REFUSAL_CODES).openapi("RefusalCode");

export const ReplayRefusal = z
  .object({ leg: z.number().int(), symbol: z.string(), code: RefusalCode, reason: z.string() })
  .openapi("ReplayRefusal");

/** One order as planned: by the stored review (with what became of it) or by the replay. */
const orderFields = {
  leg: z.number().int(),
  symbol: z.string(),
  action: z.string().openapi({ description: "buy/sell (spot) or OPEN/CLOSE/INCREASE/REDUCE (futures)" }),
  side: z.enum(["buy", "sell"]),
  type: z.enum(["market", "limit"]),
  quantity: DecimalString,
  price: DecimalString.nullable(),
  status: z.string().openapi({ description: "The stored order's status; `planned` for the replay's" }),
};
export const ReplayOrder = z.object(orderFields).openapi("ReplayOrder");
export type ReplayOrder = z.infer<typeof ReplayOrder>;

export const ReplayChange = z.enum(["added", "removed", "changed"]).openapi("ReplayChange", {
  description: "`added`: only the replay plans it; `removed`: only the review did; `changed`: both, differently",
});

export const ReplayDiffEntry = z
  .object({
    change: ReplayChange,
    symbol: z.string(),
    fields: z
      .array(z.enum(["side", "type", "quantity", "price"]))
      .openapi({ description: "What differs, for `changed`" }),
    // Inline rather than the named schema: a nullable reference does not survive the generated client's types.
    recorded: z.object(orderFields).nullable(),
    replay: z.object(orderFields).nullable(),
  })
  .openapi("ReplayDiffEntry");
export type ReplayDiffEntry = z.infer<typeof ReplayDiffEntry>;

export const ReplayResult = z
  .object({
    runId: z.string(),
    source: ReplaySource,
    prices: z.enum(["plan", "input"]).openapi({
      description:
        "`plan`: the prices the review planned at; `input`: the decision input's (runs stored before plan prices were kept)",
    }),
    decision: Decision,
    decidedBy: z
      .object({ provider: z.string(), model: z.string() })
      .openapi({ description: "Who made the decision: the review's provider and model (`recorded`), or the replay's" }),
    usage: RunUsage.nullable().openapi({
      description: "What the AI request cost (`ai`), counted toward the month's AI spend; null for the other sources",
    }),
    aiOptions: RunAiOptions.nullable().openapi({ description: "What was sent with the AI request; null without one" }),
    orders: z.array(ReplayOrder).openapi({ description: "What the replay would place" }),
    refusals: z.array(ReplayRefusal),
    recorded: z.array(ReplayOrder).openapi({ description: "What the review planned (refused items left out)" }),
    recordedRefusals: z.array(z.object({ leg: z.number().int(), symbol: z.string(), reason: z.string() })),
    diff: z.array(ReplayDiffEntry).openapi({ description: "Empty when the replay plans what the review did" }),
  })
  .openapi("ReplayResult");
export type ReplayResult = z.infer<typeof ReplayResult>;
