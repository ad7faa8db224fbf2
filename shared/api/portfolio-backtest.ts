import { DecimalString } from "./exchanges.ts";
import * as z from "./zod.ts";

/**
 * A paper backtest of the built-in strategy over the venue's recent candles: the portfolio's settings and virtual
 * capital, the same planner, guards and paper fees as its reviews, one review per candle.
 */

const INTERVAL_HOURS = { "1h": 1, "4h": 4, "1d": 24 } as const;
export const BacktestInterval = z.enum(["1h", "4h", "1d"]).openapi("BacktestInterval");
export type BacktestInterval = z.infer<typeof BacktestInterval>;

/** At most this many candles (one review each), to stay well inside a request's CPU budget. */
export const MAX_BACKTEST_CANDLES = 500;
export const MAX_BACKTEST_DAYS = 90;

export const BacktestRequest = z
  .object({
    interval: BacktestInterval.default("4h"),
    candles: z
      .number()
      .int()
      .min(2)
      .max(MAX_BACKTEST_CANDLES)
      .default(180)
      .openapi({ description: `How many of the latest candles, one review each (at most ${MAX_BACKTEST_DAYS} days)` }),
  })
  .refine((r) => r.candles * INTERVAL_HOURS[r.interval] <= MAX_BACKTEST_DAYS * 24, {
    message: `at most ${MAX_BACKTEST_DAYS} days of candles`,
    path: ["candles"],
  })
  .openapi("BacktestRequest");
export type BacktestRequest = z.infer<typeof BacktestRequest>;

export const BacktestTrade = z
  .object({
    at: z.iso.datetime(),
    symbol: z.string(),
    side: z.enum(["buy", "sell"]),
    quantity: DecimalString,
    price: DecimalString,
    fee: DecimalString,
    feeAsset: z.string(),
  })
  .openapi("BacktestTrade");
export type BacktestTrade = z.infer<typeof BacktestTrade>;

export const BacktestResult = z
  .object({
    interval: BacktestInterval,
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    cashToken: z.string(),
    feeRate: DecimalString.openapi({ description: "The paper broker's spot fee, of the asset received" }),
    startingEquity: DecimalString,
    endingEquity: DecimalString,
    returnPct: DecimalString,
    maxDrawdownPct: DecimalString,
    feesPaid: DecimalString.openapi({ description: "In the cash token, each fee valued at its fill price" }),
    equityCurve: z.array(z.object({ at: z.iso.datetime(), equity: DecimalString })),
    trades: z.array(BacktestTrade),
    holdings: z
      .array(z.object({ asset: z.string(), quantity: DecimalString, lastClose: DecimalString }))
      .openapi({ description: "What is held at the end; the cash token at 1" }),
  })
  .openapi("BacktestResult");
export type BacktestResult = z.infer<typeof BacktestResult>;
