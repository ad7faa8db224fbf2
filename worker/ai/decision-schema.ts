import { z } from "@hono/zod-openapi";
import { strictJsonSchema } from "./strict-schema.ts";

/**
 * The decision a provider returns, as the model writes it. The zod schemas are the source of truth; the strict JSON
 * Schema sent to OpenAI/Groq is generated from them (strict-schema.ts), so the two cannot drift. Numbers that are
 * money (quantities, prices) are decimal strings; the guards parse and round them with big.js.
 *
 * Each decision is `{ result: plan | { error } }`: an `{ error }` is recorded as a failed decision, never as a hold.
 */

export const SUMMARY_MAX = 255;

const decimal = (what: string) => z.string().describe(`${what}, as a decimal string such as "0.0125"`);

export const SpotOrder = z.object({
  pair: z.string().describe("Exchange symbol of one of the routes, e.g. BTCUSDT or ETHBTC"),
  side: z.enum(["buy", "sell"]).describe("Buy or sell the pair's base asset"),
  quantity: decimal("Amount to trade, in quantityAsset"),
  quantityAsset: z.string().describe("The asset quantity is counted in: the pair's base or its quote"),
  limitPrice: decimal("Limit price in the quote asset").nullable().describe("Limit price; null for a market order"),
  referencePrice: decimal("The price you based the order on, in the quote asset"),
  maxDriftPct: z
    .number()
    .describe("Cancel instead of placing when the price moved more than this percent from referencePrice (1 = 1 %)"),
});
export type SpotOrder = z.infer<typeof SpotOrder>;

const planText = {
  summary: z.string().describe(`What you decided and why, at most ${SUMMARY_MAX} characters`),
  strategy: z.string().describe("Short name of the strategy"),
  rationale: z.string().describe("Reasoning behind the decision"),
};

export const SpotPlan = z.object({ orders: z.array(SpotOrder), ...planText });
export type SpotPlan = z.infer<typeof SpotPlan>;

export const DecisionError = z.object({
  error: z.string().describe("Why no decision can be made (missing data, contradictory rules)"),
});

export const SpotDecision = z.object({ result: z.union([SpotPlan, DecisionError]) });
export type SpotDecision = z.infer<typeof SpotDecision>;

export const FuturesActionKind = z.enum(["OPEN", "CLOSE", "INCREASE", "REDUCE", "HOLD"]);
export type FuturesActionKind = z.infer<typeof FuturesActionKind>;

export const FuturesAction = z.object({
  symbol: z.string().describe("Perpetual contract symbol from instruments, e.g. BTCUSDT"),
  action: FuturesActionKind,
  side: z.enum(["LONG", "SHORT"]).describe("Direction of the position the action concerns"),
  quantity: decimal("Contract quantity in the base asset")
    .nullable()
    .describe("Base quantity; give exactly one of quantity or notional for OPEN, INCREASE and REDUCE"),
  notional: decimal("Order value in USDT").nullable().describe("Order value in USDT instead of quantity"),
  orderType: z.enum(["MARKET", "LIMIT"]),
  limitPrice: decimal("Limit price").nullable().describe("Required for LIMIT orders, null for MARKET"),
  leverage: z.number().int().nullable().describe("Leverage for OPEN/INCREASE; null keeps the current or default"),
  stopLoss: decimal("Stop-loss trigger price").nullable().describe("Required for OPEN; HOLD with a value moves it"),
  takeProfit: decimal("Take-profit trigger price").nullable(),
});
export type FuturesAction = z.infer<typeof FuturesAction>;

export const FuturesPlan = z.object({ actions: z.array(FuturesAction), ...planText });
export type FuturesPlan = z.infer<typeof FuturesPlan>;

export const FuturesDecision = z.object({ result: z.union([FuturesPlan, DecisionError]) });
export type FuturesDecision = z.infer<typeof FuturesDecision>;

/** The strict schemas sent as `text.format` (Responses) or `response_format.json_schema` (chat completions). */
export const DECISION_SCHEMAS = {
  spot: { name: "spot_decision", schema: strictJsonSchema(SpotDecision) },
  futures: { name: "futures_decision", schema: strictJsonSchema(FuturesDecision) },
} as const;

/** A plan the pipeline can act on; `kind` tells spot from futures. */
export type Decision = ({ kind: "spot" } & SpotPlan) | ({ kind: "futures" } & FuturesPlan);

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
