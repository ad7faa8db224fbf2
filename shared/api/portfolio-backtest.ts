import { DecimalString } from "./exchanges.ts";
import { RefusalCode } from "./portfolio-replay.ts";
import * as z from "./zod.ts";

/**
 * A paper backtest of the built-in strategy over the venue's recent candles: the portfolio's settings and virtual
 * capital, the same planner, guards and paper fees as its reviews, one review per candle. Spot and USDT-perpetual
 * futures portfolios answer the same shape; futures add their positions' stops, liquidations, funding and refusals.
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

/** What filled a trade: an order a review planned, or a futures position's stop-loss, take-profit or liquidation. */
export const BacktestTrigger = z.enum(["review", "stop_loss", "take_profit", "liquidation"]).openapi("BacktestTrigger");
export type BacktestTrigger = z.infer<typeof BacktestTrigger>;

export const BacktestTrade = z
  .object({
    at: z.iso.datetime(),
    symbol: z.string(),
    side: z.enum(["buy", "sell"]),
    quantity: DecimalString,
    price: DecimalString,
    fee: DecimalString,
    feeAsset: z.string(),
    trigger: BacktestTrigger,
    /** Futures: what the trade did to the position (a stop or liquidation closes it); null on spot. */
    action: z.enum(["OPEN", "INCREASE", "REDUCE", "CLOSE"]).nullable(),
    positionSide: z.enum(["long", "short"]).nullable(),
    /** Futures: PnL the trade realized before its fee (a liquidation: the margin lost); null on spot. */
    realizedPnl: DecimalString.nullable(),
  })
  .openapi("BacktestTrade");
export type BacktestTrade = z.infer<typeof BacktestTrade>;

/**
 * Assumptions the result rests on, for the UI to word: `stop_loss_first` (a candle reaching both a stop-loss and a
 * take-profit counts the stop-loss, the worse case), `funding_charged` / `funding_partial` / `funding_unavailable`
 * (the venue's funding history covered every funding time / only some / none: those are left out, not guessed),
 * `liquidation_estimated` (isolated-margin formula, worker/exchanges/liquidation.ts), `candle_indicators` (the trend
 * rule reads the backtest's own candles, not hourly ones, when the interval is longer than an hour).
 */
export const BacktestNote = z
  .enum([
    "stop_loss_first",
    "funding_charged",
    "funding_partial",
    "funding_unavailable",
    "liquidation_estimated",
    "candle_indicators",
  ])
  .openapi("BacktestNote");
export type BacktestNote = z.infer<typeof BacktestNote>;

export const BacktestRefusal = z
  .object({
    at: z.iso.datetime(),
    symbol: z.string(),
    action: z.enum(["OPEN", "INCREASE", "REDUCE", "CLOSE", "HOLD"]),
    code: RefusalCode,
    reason: z.string(),
  })
  .openapi("BacktestRefusal");
export type BacktestRefusal = z.infer<typeof BacktestRefusal>;

export const BacktestPosition = z
  .object({
    symbol: z.string(),
    side: z.enum(["long", "short"]),
    size: DecimalString,
    entryPrice: DecimalString,
    leverage: z.number().int(),
    margin: DecimalString,
    stopLoss: DecimalString.nullable(),
    takeProfit: DecimalString.nullable(),
    liquidationPrice: DecimalString.nullable(),
    unrealizedPnl: DecimalString,
  })
  .openapi("BacktestPosition");
export type BacktestPosition = z.infer<typeof BacktestPosition>;

export const BacktestFutures = z
  .object({
    takerFeeRate: DecimalString.openapi({ description: "Of the notional, market orders and triggered stops" }),
    makerFeeRate: DecimalString.openapi({ description: "Of the notional, limit orders filled at their price" }),
    stopLossHits: z.number().int(),
    takeProfitHits: z.number().int(),
    liquidations: z.number().int(),
    fundingPaid: DecimalString.openapi({ description: "Funding paid (positive) or received (negative), in USDT" }),
    fundingPayments: z.number().int(),
    refusals: z.array(BacktestRefusal).openapi({ description: "Items of the strategy's decisions the guards refused" }),
    positions: z.array(BacktestPosition).openapi({ description: "Positions still open at the end" }),
  })
  .openapi("BacktestFutures");
export type BacktestFutures = z.infer<typeof BacktestFutures>;

export const BacktestResult = z
  .object({
    market: z.enum(["spot", "futures"]),
    interval: BacktestInterval,
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    cashToken: z.string(),
    feeRate: DecimalString.openapi({
      description: "The paper broker's fee: spot, of the asset received; futures, its taker rate of the notional",
    }),
    startingEquity: DecimalString,
    endingEquity: DecimalString,
    returnPct: DecimalString,
    maxDrawdownPct: DecimalString,
    feesPaid: DecimalString.openapi({ description: "In the cash token, each fee valued at its fill price" }),
    equityCurve: z.array(z.object({ at: z.iso.datetime(), equity: DecimalString })),
    trades: z.array(BacktestTrade),
    holdings: z
      .array(z.object({ asset: z.string(), quantity: DecimalString, lastClose: DecimalString }))
      .openapi({ description: "Spot: what is held at the end, the cash token at 1; futures: empty (see positions)" }),
    futures: BacktestFutures.nullable(),
    notes: z.array(BacktestNote),
  })
  .openapi("BacktestResult");
export type BacktestResult = z.infer<typeof BacktestResult>;
