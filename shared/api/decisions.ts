import * as z from "zod";

/**
 * The decision a provider returns, as the model writes it. The zod schemas are the source of truth: the strict JSON
 * Schema sent to OpenAI/Groq is generated from them (worker/ai/strict-schema.ts), and runs answer decisions in these
 * shapes, so the model, the engine and the web client cannot drift apart. Numbers that are
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

/** A plan the pipeline can act on; `kind` tells spot from futures. */
export const Decision = z.discriminatedUnion("kind", [
  SpotPlan.extend({ kind: z.literal("spot") }),
  FuturesPlan.extend({ kind: z.literal("futures") }),
]);
export type Decision = z.infer<typeof Decision>;
