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
 * OpenAI Responses API (POST {base}/v1/responses) with a strict JSON-schema output, optional web search and
 * reasoning effort. https://platform.openai.com/docs/api-reference/responses/create
 */

export function responsesRequest(input: DecisionInput, options: DecideOptions) {
  const prompt = buildPrompt(input);
  const format = DECISION_SCHEMAS[input.kind];
  return {
    version: prompt.version,
    body: {
      model: options.model,
      instructions: prompt.system,
      input: [{ role: "user", content: [{ type: "input_text", text: prompt.user }] }],
      text: { format: { type: "json_schema", name: format.name, strict: true, schema: format.schema } },
      ...(options.reasoningEffort ? { reasoning: { effort: options.reasoningEffort } } : {}),
      ...(options.webSearch ? { tools: [{ type: "web_search" }] } : {}),
      // Decisions are not conversations: nothing to keep on the provider's side.
      store: false,
    },
  };
}

export function openAiProvider(deps: ProviderDeps): DecisionProvider {
  const transport = transportDeps(deps);
  return {
    name: "openai",
    decide: (input, options) =>
      requestDecision(transport, deps, {
        provider: "openai",
        label: "OpenAI",
        path: "/v1/responses",
        model: options.model,
        request: responsesRequest(input, options),
        read: (body) => readResponse(input.kind, body, options.model),
      }),
  };
}

type ResponseItem = {
  type?: string;
  role?: string;
  content?: { type?: string; text?: string; refusal?: string }[];
};

type ResponseObject = {
  status?: string;
  model?: string;
  incomplete_details?: { reason?: string } | null;
  error?: { message?: string } | null;
  output?: ResponseItem[];
  usage?: {
    input_tokens?: number;
    input_tokens_details?: { cached_tokens?: number };
    output_tokens?: number;
    output_tokens_details?: { reasoning_tokens?: number };
  };
};

/** Reads a Response object: the assistant message's output_text is the decision JSON; usage becomes cost. */
export function readResponse(kind: "spot" | "futures", body: unknown, requestedModel: string): ReadOutcome {
  const response = (body ?? {}) as ResponseObject;
  const usage = responseUsage(response, requestedModel);
  const fail = (code: DecisionFailureCode, message: string) => readFailure(usage, code, message);
  if (response.status === "incomplete") {
    return fail("incomplete", `The model stopped early (${response.incomplete_details?.reason ?? "unknown reason"}).`);
  }
  if (response.status !== "completed") {
    return fail(
      "provider_error",
      `The response is ${response.status ?? "missing"}: ${response.error?.message ?? ""}`.trim(),
    );
  }
  const message = response.output?.find((item) => item.type === "message" && item.role === "assistant");
  const refusal = message?.content?.find((part) => part.type === "refusal");
  if (refusal) return fail("refused", `The model refused: ${refusal.refusal ?? ""}`.slice(0, 500));
  const text = message?.content?.find((part) => part.type === "output_text")?.text;
  if (text === undefined) return fail("invalid_output", "The response has no assistant message with output_text.");
  const parsed = parseDecision(kind, text);
  return parsed.ok ? { usage, ok: true, decision: parsed.decision } : fail(parsed.code, parsed.message);
}

function responseUsage(response: ResponseObject, requestedModel: string): TokenUsage | null {
  const usage = response.usage;
  if (!usage) return null;
  const counts = {
    inputTokens: usage.input_tokens ?? 0,
    cachedInputTokens: usage.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    webSearchCalls: response.output?.filter((item) => item.type === "web_search_call").length ?? 0,
  };
  return {
    ...counts,
    reasoningTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
    costUsd: estimateCostUsd(response.model ?? requestedModel, counts),
  };
}
