import * as z from "zod";
import {
  ConditionalOrder,
  DecimalString,
  FuturesWallet,
  KlineInterval,
  Market,
  OrderSide,
  Position,
  PositionMode,
  Venue,
} from "./exchanges.ts";

/**
 * What a decision provider sees: plain data the portfolio engine assembles from the gateway and its own records
 * (no DB handles, no keys); runs answer it as it was, so the web can show it. The same object is serialized into the AI prompt and read by the built-in strategy, so
 * every field is named in the trader's language and carries its unit. Money is a decimal string; percentages and
 * indicators are numbers (analysis values, never used to size money directly).
 */

/** Fractional return over the timeframe, log-linear slope in % per bar of it, and its trend (up/down/flat). */
export const TimeframeContext = z.object({
  return: z.number().nullable(),
  slopePct: z.number().nullable(),
  trend: z.enum(["up", "down", "flat"]).nullable(),
});

/** Hourly realized volatility in %: the last 24 hours, the whole window, their ratio and the regime it gives. */
export const VolatilityRegime = z.object({
  recentPct: z.number(),
  baselinePct: z.number(),
  ratio: z.number(),
  regime: z.enum(["low", "normal", "high"]),
});

/** Per-token analysis from klines and the book top; see worker/market/indicators.ts for the formulas. */
export const TokenMarketContext = z.object({
  asset: z.string(),
  symbol: z.string(),
  interval: KlineInterval,
  lastClose: z.number().nullable(),
  /** Fractional returns keyed by horizon in candles ("1", "4", "24", "168"); 0.01 = +1 %. */
  returns: z.record(z.string(), z.number().nullable()),
  rsi14: z.number().nullable(),
  atr14Pct: z.number().nullable(),
  /** Log-linear slope in % per candle keyed by window in candles ("24", "72"). */
  trendSlopePct: z.record(z.string(), z.number().nullable()),
  /** Last candle's volume over the mean of the 20 before it. */
  volumeAnomaly: z.number().nullable(),
  /** Per timeframe (worker/market/multi-timeframe.ts); optional only so reviews recorded before it still read. */
  timeframes: z.object({ "1h": TimeframeContext, "4h": TimeframeContext, "1d": TimeframeContext }).optional(),
  /** Last day's realized volatility against the token's own (worker/market/volatility-regime.ts). */
  volatility: VolatilityRegime.nullable().optional(),
  /** Hourly returns against BTC's over 7 days (worker/market/btc-correlation.ts); BTC itself is 1 / 1. */
  btc: z.object({ correlation: z.number(), beta: z.number(), hours: z.number().int() }).nullable().optional(),
  book: z.object({ mid: z.number(), spreadBps: z.number(), imbalance: z.number() }).nullable(),
  riskFlags: z.array(z.enum(["overbought", "oversold", "volatile", "thin_book", "volume_spike"])),
  /** Why the context is missing or partial (a venue error); null when complete. */
  error: z.string().nullable(),
});
export type TokenMarketContext = z.infer<typeof TokenMarketContext>;

/**
 * The seam for optional news and sentiment sources: a source adds scored items here and nothing else changes.
 * `score` is −1 (bearish) … +1 (bullish).
 */
export const MarketSignal = z.object({
  source: z.string(),
  asset: z.string().nullable(),
  kind: z.enum(["news", "sentiment"]),
  score: z.number().min(-1).max(1),
  summary: z.string().max(500),
  at: z.iso.datetime(),
  /** How old the item was when the review read it. */
  ageMinutes: z.number().int().min(0).max(100_000).optional(),
  /** The story's link (news). */
  url: z.url().max(1_000).optional(),
});
export type MarketSignal = z.infer<typeof MarketSignal>;

/** What happened to an order a previous run placed (or tried to). */
export const PreviousOrder = z.object({
  symbol: z.string(),
  side: OrderSide,
  quantity: DecimalString,
  price: DecimalString.nullable(),
  status: z.enum(["placed", "open", "partially_filled", "filled", "canceled", "rejected", "expired"]),
  filledQuantity: DecimalString,
  reason: z.string().nullable(),
});

export const PreviousRun = z.object({
  at: z.iso.datetime(),
  status: z.enum(["decided", "failed", "hold"]),
  provider: z.string(),
  strategy: z.string().nullable(),
  summary: z.string().nullable(),
  error: z.string().nullable(),
  /** Portfolio value change in USD since the run before it. */
  pnlShiftUsd: DecimalString.nullable(),
  orders: z.array(PreviousOrder),
  /** Items the hard guards refused, with their reasons, so the model can learn from them. */
  rejected: z.array(z.object({ item: z.string(), reason: z.string() })),
});
export type PreviousRun = z.infer<typeof PreviousRun>;

export const Pnl = z.object({
  startValueUsd: DecimalString,
  startedAt: z.iso.datetime(),
  pnlUsd: DecimalString,
  /** Percent: 2.5 = +2.5 %. */
  pnlPct: z.number(),
});

export const PortfolioHeader = z.object({
  id: z.string(),
  name: z.string(),
  venue: Venue,
  reviewIntervalMinutes: z.number().int().positive(),
  /** The quote the portfolio keeps its cash in (USDT, USDC, …). */
  cashAsset: z.string(),
  /** The owner's instructions; appended to the system rules, never replacing them. */
  instructions: z.string().max(4000),
});

/**
 * The cash token's USD price from the venue's own book (USDT is the reference dollar: no venue lists a USD book).
 * `assumed`: the book could not be read and the coin counts at 1. Optional only for reviews recorded before it.
 */
export const CashPeg = z.object({
  asset: z.string(),
  priceUsd: DecimalString,
  pair: z.string().nullable(),
  source: z.enum(["book", "reference", "assumed"]),
});
export type CashPeg = z.infer<typeof CashPeg>;

export const SpotPosition = z.object({
  asset: z.string(),
  free: DecimalString,
  locked: DecimalString,
  priceUsd: DecimalString,
  /** (free + locked) × priceUsd. */
  valueUsd: DecimalString,
  /** Share of the portfolio's total value in percent. */
  allocationPct: z.number(),
  /** Floor: the share this asset must not be sold below, in percent. */
  minAllocationPct: z.number().min(0).max(100),
  /** Wanted share in percent; null lets the strategy spread the rest evenly. */
  targetPct: z.number().min(0).max(100).nullable(),
});
export type SpotPosition = z.infer<typeof SpotPosition>;

/** A tradable pair between two of the portfolio's assets with the gateway's filters and current prices. */
export const SpotRoute = z.object({
  symbol: z.string(),
  base: z.string(),
  quote: z.string(),
  last: DecimalString,
  bid: DecimalString.nullable(),
  ask: DecimalString.nullable(),
  market: Market,
});
export type SpotRoute = z.infer<typeof SpotRoute>;

export const SpotLimits = z.object({
  /** Largest value of one order in USD; null for no cap. */
  maxOrderUsd: DecimalString.nullable(),
  /** Allocations within ±band percentage points of target are left alone by the built-in strategy. */
  toleranceBandPct: z.number().min(0).max(50),
});

export const SpotDecisionInput = z.object({
  kind: z.literal("spot"),
  at: z.iso.datetime(),
  portfolio: PortfolioHeader,
  totalValueUsd: DecimalString,
  cashPeg: CashPeg.optional(),
  positions: z.array(SpotPosition),
  routes: z.array(SpotRoute),
  pnl: Pnl.nullable(),
  previousRuns: z.array(PreviousRun).max(10),
  marketContext: z.array(TokenMarketContext),
  signals: z.array(MarketSignal),
  limits: SpotLimits,
});
export type SpotDecisionInput = z.infer<typeof SpotDecisionInput>;

export const FuturesInstrument = z.object({
  symbol: z.string(),
  base: z.string(),
  last: DecimalString,
  mark: DecimalString,
  /** Per funding interval as a fraction (0.0001 = 0.01 %); positive means longs pay shorts. */
  fundingRate: DecimalString.nullable(),
  /** When the next funding is charged (ISO time); null when the venue did not say. Optional for older reviews. */
  nextFundingAt: z.iso.datetime().nullable().optional(),
  /** Open contracts on the venue, in the base asset and in USDT; null when the venue did not say. */
  openInterest: DecimalString.nullable().optional(),
  openInterestUsd: DecimalString.nullable().optional(),
  market: Market,
});
export type FuturesInstrument = z.infer<typeof FuturesInstrument>;

export const FuturesLimits = z.object({
  maxLeverage: z.number().int().min(1).max(125),
  /** Leverage for an open that names none. */
  defaultLeverage: z.number().int().min(1).max(125),
  /** Sum of |size × mark| over all positions, in USD. */
  maxExposureUsd: DecimalString,
  maxOrderUsd: DecimalString.nullable(),
  /** A stop-loss must sit between these distances from the mark price, in percent. */
  stopLossMinPct: z.number().positive(),
  stopLossMaxPct: z.number().positive(),
  /** Share of the wallet the built-in strategy risks between entry and stop, in percent. */
  riskPerTradePct: z.number().positive().max(10),
});
export type FuturesLimits = z.infer<typeof FuturesLimits>;

export const FuturesDecisionInput = z.object({
  kind: z.literal("futures"),
  at: z.iso.datetime(),
  portfolio: PortfolioHeader,
  wallet: FuturesWallet,
  cashPeg: CashPeg.optional(),
  positionMode: PositionMode,
  positions: z.array(Position),
  stops: z.array(ConditionalOrder),
  instruments: z.array(FuturesInstrument),
  pnl: Pnl.nullable(),
  previousRuns: z.array(PreviousRun).max(10),
  marketContext: z.array(TokenMarketContext),
  signals: z.array(MarketSignal),
  limits: FuturesLimits,
});
export type FuturesDecisionInput = z.infer<typeof FuturesDecisionInput>;

export const DecisionInput = z.discriminatedUnion("kind", [SpotDecisionInput, FuturesDecisionInput]);
export type DecisionInput = z.infer<typeof DecisionInput>;
