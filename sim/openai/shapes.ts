/**
 * Wire shapes of OpenAI's Responses API and Groq's chat completions, as the real services send them (ids with
 * their prefixes, reasoning item before the message, usage with token details).
 */

const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Roughly four characters per token, like English text in OpenAI's tokenizers. */
export const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export type ResponsesRequest = {
  model: string;
  instructions?: string;
  input?: unknown;
  text?: { format?: { type?: string; name?: string; strict?: boolean; schema?: unknown } };
  reasoning?: { effort?: string };
  tools?: { type?: string }[];
  max_output_tokens?: number;
  store?: boolean;
};

export function responseObject(request: ResponsesRequest, outputText: string, status: "completed" | "incomplete") {
  const reasoningTokens = request.reasoning?.effort ? 128 : 0;
  const inputTokens = tokens(JSON.stringify(request.input ?? "") + (request.instructions ?? ""));
  const outputTokens = tokens(outputText) + reasoningTokens;
  const webSearch = request.tools?.some((t) => t.type === "web_search") ?? false;
  const output: unknown[] = [{ id: `rs_${hex(24)}`, type: "reasoning", summary: [] }];
  if (webSearch) {
    output.push({
      id: `ws_${hex(24)}`,
      type: "web_search_call",
      status: "completed",
      action: { type: "search", query: "crypto market today" },
    });
  }
  if (status === "completed") {
    output.push({
      id: `msg_${hex(24)}`,
      type: "message",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", annotations: [], logprobs: [], text: outputText }],
    });
  }
  return {
    id: `resp_${hex(24)}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    background: false,
    error: null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: request.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: null },
    service_tier: "default",
    store: request.store ?? true,
    temperature: 1,
    text: { format: request.text?.format ?? { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: request.tools ?? [],
    top_p: 1,
    truncation: "disabled",
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: reasoningTokens },
      total_tokens: inputTokens + outputTokens,
    },
    user: null,
    metadata: {},
  };
}

export type ChatRequest = {
  model: string;
  messages?: { role?: string; content?: unknown }[];
  response_format?: { type?: string; json_schema?: { name?: string; strict?: boolean; schema?: unknown } };
  reasoning_effort?: string;
};

/** Groq takes `reasoning_effort` (low, medium, high) from GPT-OSS models only. */
export function unsupportedChatOption(request: ChatRequest): string | null {
  const effort = request.reasoning_effort;
  if (effort === undefined) return null;
  if (!request.model.startsWith("openai/gpt-oss-")) return "`reasoning_effort` is not supported with this model";
  return ["low", "medium", "high"].includes(effort) ? null : `'reasoning_effort' must be one of: low, medium, high`;
}

export function chatCompletion(request: ChatRequest, content: string) {
  const promptTokens = tokens(JSON.stringify(request.messages ?? []));
  const completionTokens = tokens(content);
  return {
    id: `chatcmpl-${crypto.randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [{ index: 0, message: { role: "assistant", content }, logprobs: null, finish_reason: "stop" }],
    usage: {
      queue_time: 0.01,
      prompt_tokens: promptTokens,
      prompt_time: 0.02,
      completion_tokens: completionTokens,
      completion_time: 0.1,
      total_tokens: promptTokens + completionTokens,
      total_time: 0.12,
    },
    system_fingerprint: `fp_${hex(5)}`,
    x_groq: { id: `req_${hex(13)}` },
  };
}

export const OPENAI_MODELS = ["gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-4.1-mini", "text-embedding-3-small", "tts-1"];
export const GROQ_MODELS = ["openai/gpt-oss-120b", "openai/gpt-oss-20b", "llama-3.3-70b-versatile", "whisper-large-v3"];

/**
 * What OpenAI refuses with a 400 among the options Ballast sends: `reasoning.effort` for a model that does not
 * reason, an effort the model does not take, and the web_search tool at minimal effort or on a model without it.
 */
export function unsupportedOption(request: ResponsesRequest): string | null {
  const effort = request.reasoning?.effort;
  const reasons = /^(gpt-5|o\d)/.test(request.model);
  if (effort !== undefined && !reasons)
    return `Unsupported parameter: 'reasoning.effort' is not supported with this model.`;
  const efforts = /^gpt-5\.\d/.test(request.model)
    ? ["none", "low", "medium", "high"]
    : /^gpt-5/.test(request.model)
      ? ["minimal", "low", "medium", "high"]
      : ["low", "medium", "high"];
  if (effort !== undefined && !efforts.includes(effort))
    return `Unsupported value: 'reasoning.effort' does not support '${effort}' with this model. Supported values are: ${efforts.map((e) => `'${e}'`).join(", ")}.`;
  const webSearch = request.tools?.some((t) => t.type === "web_search") ?? false;
  if (webSearch && effort === "minimal") return "Web search is not supported with minimal reasoning effort.";
  if (webSearch && /^gpt-4\.1-nano/.test(request.model))
    return `Hosted tool 'web_search' is not supported with ${request.model}.`;
  return null;
}

export function modelList(ids: string[], ownedBy: string) {
  return {
    object: "list",
    data: ids.map((id) => ({ id, object: "model", created: 1_754_000_000, owned_by: ownedBy })),
  };
}

export function errorBody(status: number, message?: string) {
  const [type, code] =
    status === 401
      ? ["invalid_request_error", "invalid_api_key"]
      : status === 429
        ? ["requests", "rate_limit_exceeded"]
        : status >= 500
          ? ["server_error", null]
          : ["invalid_request_error", null];
  return { error: { message: message ?? defaultMessage(status), type, param: null, code } };
}

function defaultMessage(status: number): string {
  if (status === 401)
    return "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.";
  if (status === 429) return "Rate limit reached for requests. Please try again in 1s.";
  if (status >= 500) return "The server had an error while processing your request. Sorry about that!";
  return "Invalid request.";
}

/** Strict structured outputs refuse schemas with optional or open objects, like the real services (400). */
export function strictViolation(schema: unknown, path = "$"): string | null {
  if (schema === null || typeof schema !== "object") return null;
  const node = schema as Record<string, unknown>;
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.includes("object")) {
    const names = Object.keys((node.properties ?? {}) as object);
    const required = Array.isArray(node.required) ? node.required : [];
    if (node.additionalProperties !== false) return `${path}: 'additionalProperties' is required to be false`;
    const missing = names.find((name) => !required.includes(name));
    if (missing) return `${path}: 'required' is required to include every property; missing '${missing}'`;
    for (const name of names) {
      const inner = strictViolation((node.properties as Record<string, unknown>)[name], `${path}.${name}`);
      if (inner) return inner;
    }
  }
  for (const child of [node.items, ...(Array.isArray(node.anyOf) ? node.anyOf : [])]) {
    const inner = strictViolation(child, path);
    if (inner) return inner;
  }
  return null;
}

/** The default when nothing is scripted: a valid hold (no orders or actions). */
export function holdDecision(schemaName: string | undefined) {
  const plan = {
    summary: "Simulator default: no changes this review.",
    strategy: "hold",
    rationale: "Nothing was scripted for this call, so the simulated model holds.",
  };
  return schemaName?.includes("futures") ? { result: { actions: [], ...plan } } : { result: { orders: [], ...plan } };
}
