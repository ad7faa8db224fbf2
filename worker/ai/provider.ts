import * as z from "zod";
import type { EngineMessage, EngineText } from "../../shared/api/engine-messages.ts";
import type { ReasoningEffort } from "../../shared/api/portfolios.ts";
import type { DecimalString } from "../exchanges/contract.ts";
import type { DecisionInput } from "./decision-input.ts";
import type { Decision } from "./decision-schema.ts";

/** Who makes decisions: an AI provider with the owner's key, or the built-in rule-based strategy (no key). */
export const DecisionProviderName = z.enum(["openai", "groq", "builtin"]);
export type DecisionProviderName = z.infer<typeof DecisionProviderName>;

export type DecideOptions = {
  model: string;
  /** Sent only when set; models without reasoning refuse the parameter. */
  reasoningEffort: ReasoningEffort | null;
  /** OpenAI only (ignored by Groq and the built-in strategy); off unless the portfolio turns it on. */
  webSearch: boolean;
};

export type TokenUsage = {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  /** Part of outputTokens spent on hidden reasoning. */
  reasoningTokens: number;
  webSearchCalls: number;
  /** Estimate from pricing.ts; null for models without a known price. */
  costUsd: DecimalString | null;
};

/**
 * Why a decision failed. A failure is recorded as a failed run, never turned into a hold:
 * - `timeout`, `unreachable`: no answer in time / no connection
 * - `rate_limited`, `provider_error`: 429 or 5xx still failing after the retries
 * - `unauthorized`: the key was refused (401/403); `bad_request`: any other 4xx (not retried)
 * - `incomplete`, `refused`: the model stopped early (token limit) or refused
 * - `invalid_output`: not JSON or not the schema; `model_error`: the model answered `{ error }`
 */
export const DecisionFailureCode = z.enum([
  "timeout",
  "unreachable",
  "rate_limited",
  "provider_error",
  "unauthorized",
  "bad_request",
  "incomplete",
  "refused",
  "invalid_output",
  "model_error",
]);
export type DecisionFailureCode = z.infer<typeof DecisionFailureCode>;

/** `text`: the failure in Ballast's own words as an engine text (the built-in strategy's); absent for a provider's. */
export type DecisionFailure = {
  code: DecisionFailureCode;
  message: string;
  httpStatus: number | null;
  text?: EngineText;
};

/** The built-in strategy's summary and rationale lines as engine texts; an AI's words have none. */
export type PlanTexts = { summary: EngineText; rationale: EngineMessage[] };

export type DecisionResult = {
  provider: DecisionProviderName;
  model: string;
  /** Version id of the system rules the decision was made under (prompts/). */
  promptVersion: string;
  durationMs: number;
  /** HTTP attempts made (1 without retries; 0 for the built-in strategy). */
  attempts: number;
  usage: TokenUsage | null;
  /** The provider's last answer as received (for the run log); never contains the key. */
  raw: unknown;
} & ({ ok: true; decision: Decision; texts?: PlanTexts } | { ok: false; failure: DecisionFailure });

export interface DecisionProvider {
  readonly name: DecisionProviderName;
  decide(input: DecisionInput, options: DecideOptions): Promise<DecisionResult>;
}

/** What reading a provider's answer yields, before timing and attempts are added. */
export type ReadOutcome = { usage: TokenUsage | null } & (
  | { ok: true; decision: Decision }
  | { ok: false; failure: DecisionFailure }
);

export function readFailure(usage: TokenUsage | null, code: DecisionFailureCode, message: string): ReadOutcome {
  return { usage, ok: false, failure: { code, message, httpStatus: null } };
}
