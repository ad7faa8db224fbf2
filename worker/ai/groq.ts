import type { DecisionInput } from "./decision-input.ts";
import { DECISION_SCHEMAS, parseDecision } from "./decision-schema.ts";
import { estimateCostUsd } from "./pricing.ts";
import { buildPrompt } from "./prompt.ts";
import {
  type DecideOptions,
  type DecisionFailureCode,
  type DecisionProvider,
  type ReadOutcome,
  readFailure,
  type TokenUsage,
} from "./provider.ts";
import { type ProviderDeps, requestDecision, transportDeps } from "./transport.ts";

/**
 * Groq through its OpenAI-compatible chat completions ({base}/v1/chat/completions, base = …/openai). Groq's
 * constrained decoding (`strict: true`) exists only for some models (GPT-OSS at the time of writing,
 * https://console.groq.com/docs/structured-outputs); others get best-effort `strict: false` with the same schema,
 * and the answer is validated with zod either way. No web search.
 */

const STRICT_MODELS = /^openai\/gpt-oss-/;

export function supportsStrictOutput(model: string): boolean {
  return STRICT_MODELS.test(model);
}

export function chatRequest(input: DecisionInput, options: DecideOptions) {
  const prompt = buildPrompt(input);
  const format = DECISION_SCHEMAS[input.kind];
  return {
    version: prompt.version,
    body: {
      model: options.model,
      messages: [
        { role: "system", content: prompt.system },
        { role: "user", content: prompt.user },
      ],
      response_format: {
        type: "json_schema",
        json_schema: { name: format.name, strict: supportsStrictOutput(options.model), schema: format.schema },
      },
      // Groq accepts low/medium/high for GPT-OSS only.
      ...(options.reasoningEffort && supportsStrictOutput(options.model)
        ? { reasoning_effort: options.reasoningEffort === "minimal" ? "low" : options.reasoningEffort }
        : {}),
    },
  };
}

export function groqProvider(deps: ProviderDeps): DecisionProvider {
  const transport = transportDeps(deps);
  return {
    name: "groq",
    decide: (input, options) =>
      requestDecision(transport, deps, {
        provider: "groq",
        label: "Groq",
        path: "/v1/chat/completions",
        model: options.model,
        request: chatRequest(input, options),
        read: (body) => readCompletion(input.kind, body, options.model),
      }),
  };
}

type Completion = {
  model?: string;
  choices?: { finish_reason?: string; message?: { content?: string | null; refusal?: string | null } }[];
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number };
    completion_tokens_details?: { reasoning_tokens?: number };
  };
};

export function readCompletion(kind: "spot" | "futures", body: unknown, requestedModel: string): ReadOutcome {
  const completion = (body ?? {}) as Completion;
  const usage = completionUsage(completion, requestedModel);
  const fail = (code: DecisionFailureCode, message: string) => readFailure(usage, code, message);
  const choice = completion.choices?.[0];
  if (!choice) return fail("invalid_output", "The completion has no choices.");
  if (choice.finish_reason === "length") return fail("incomplete", "The model stopped early (max tokens).");
  if (choice.message?.refusal) return fail("refused", `The model refused: ${choice.message.refusal}`.slice(0, 500));
  const text = choice.message?.content;
  if (typeof text !== "string") return fail("invalid_output", "The completion has no message content.");
  const parsed = parseDecision(kind, text);
  return parsed.ok ? { usage, ok: true, decision: parsed.decision } : fail(parsed.code, parsed.message);
}

function completionUsage(completion: Completion, requestedModel: string): TokenUsage | null {
  const usage = completion.usage;
  if (!usage) return null;
  const counts = {
    inputTokens: usage.prompt_tokens ?? 0,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    webSearchCalls: 0,
  };
  return {
    ...counts,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    costUsd: estimateCostUsd(completion.model ?? requestedModel, counts),
  };
}
