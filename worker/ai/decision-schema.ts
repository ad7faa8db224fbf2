import * as z from "zod";
import {
  type Decision,
  FuturesDecision,
  type FuturesPlan,
  SpotDecision,
  type SpotPlan,
  SUMMARY_MAX,
} from "../../shared/api/decisions.ts";
import { strictJsonSchema } from "./strict-schema.ts";

/**
 * The decision schemas (shared/api/decisions.ts) as the providers use them: the strict JSON Schema sent to OpenAI and
 * Groq, generated from the zod schemas, and the reading of a model's answer into a decision or a coded failure.
 */
export * from "../../shared/api/decisions.ts";

/** The strict schemas sent as `text.format` (Responses) or `response_format.json_schema` (chat completions). */
export const DECISION_SCHEMAS = {
  spot: { name: "spot_decision", schema: strictJsonSchema(SpotDecision) },
  futures: { name: "futures_decision", schema: strictJsonSchema(FuturesDecision) },
} as const;

export type ParsedDecision =
  | { ok: true; decision: Decision }
  | { ok: false; code: "invalid_output" | "model_error"; message: string };

/** Reads the model's JSON text into a decision: malformed output and `{ error }` are failures with a code. */
export function parseDecision(kind: "spot" | "futures", text: string): ParsedDecision {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: "invalid_output", message: "The model's answer is not JSON." };
  }
  const parsed = (kind === "spot" ? SpotDecision : FuturesDecision).safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      code: "invalid_output",
      message: `The model's answer does not fit the ${kind} decision schema: ${z.prettifyError(parsed.error).slice(0, 500)}`,
    };
  }
  const result = parsed.data.result;
  if ("error" in result) return { ok: false, code: "model_error", message: result.error.slice(0, 1000) };
  // The summary limit is not expressible in strict mode, so it is applied here rather than failing the decision.
  const plan = { ...result, summary: result.summary.slice(0, SUMMARY_MAX) };
  return { ok: true, decision: kind === "spot" ? { kind, ...(plan as SpotPlan) } : { kind, ...(plan as FuturesPlan) } };
}
