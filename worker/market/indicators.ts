import type { Kline, OrderBookTop } from "../exchanges/contract.ts";
import { multiTimeframe, type Timeframe, type TimeframeContext } from "./multi-timeframe.ts";
import { type VolatilityRegime, volatilityRegime } from "./volatility-regime.ts";

/**
 * Market context from candles (oldest first) and the top of the book. These are analysis numbers handed to the
 * decision layer, so plain floats are fine here; money never flows through this file.
 *
 * Formulas (n = number of candles, c_i close, h_i high, l_i low, v_i volume, i = 0 oldest … n-1 newest):
 * - return over k candles: c_{n-1} / c_{n-1-k} − 1
 * - RSI(p), Wilder: gains g_i = max(c_i − c_{i−1}, 0), losses d_i = max(c_{i−1} − c_i, 0); the first averages are
 *   simple means over p changes, then avg = (avg·(p−1) + x) / p; RSI = 100 − 100 / (1 + avgGain/avgLoss)
 *   (100 when avgLoss = 0, 50 when both are 0)
 * - ATR(p), Wilder: TR_i = max(h_i − l_i, |h_i − c_{i−1}|, |l_i − c_{i−1}|); first ATR = mean of p TRs, then
 *   ATR = (ATR·(p−1) + TR) / p; reported also as % of the last close
 * - trend slope over w candles: least-squares slope of ln(c) against the candle index, as % per candle
 *   (100·(e^slope − 1))
 * - volume anomaly: v_{n-1} / mean(v_{n-1-w} … v_{n-2}) (1 = ordinary, 3 = three times the recent average)
 * - spread in basis points: (ask − bid) / mid · 10 000; book imbalance: (bidQty − askQty) / (bidQty + askQty)
 */

export type MarketContext = {
  lastClose: number;
  returns: Record<string, number | null>;
  rsi14: number | null;
  atr14: number | null;
  atr14Pct: number | null;
  trendSlopePct: Record<string, number | null>;
  volumeAnomaly: number | null;
  timeframes: Record<Timeframe, TimeframeContext>;
  volatility: VolatilityRegime | null;
};

export type BookContext = { spreadBps: number; imbalance: number; mid: number };

export function returnOver(closes: number[], k: number): number | null {
  const last = closes.at(-1);
  const then = closes.at(-1 - k);
  if (last === undefined || then === undefined || then === 0 || closes.length <= k) return null;
  return last / then - 1;
}

export function rsi(closes: number[], period = 14): number | null {
  if (closes.length <= period) return null;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const change = (closes[i] ?? 0) - (closes[i - 1] ?? 0);
    gain += Math.max(change, 0);
    loss += Math.max(-change, 0);
  }
  gain /= period;
  loss /= period;
  for (let i = period + 1; i < closes.length; i++) {
    const change = (closes[i] ?? 0) - (closes[i - 1] ?? 0);
    gain = (gain * (period - 1) + Math.max(change, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-change, 0)) / period;
  }
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}

export function atr(candles: { high: number; low: number; close: number }[], period = 14): number | null {
  if (candles.length <= period) return null;
  const trueRange = (i: number) => {
    const c = candles[i];
    const previousClose = candles[i - 1]?.close ?? c?.close ?? 0;
    if (!c) return 0;
    return Math.max(c.high - c.low, Math.abs(c.high - previousClose), Math.abs(c.low - previousClose));
  };
  let value = 0;
  for (let i = 1; i <= period; i++) value += trueRange(i);
  value /= period;
  for (let i = period + 1; i < candles.length; i++) value = (value * (period - 1) + trueRange(i)) / period;
  return value;
}

export function trendSlopePct(closes: number[], window: number): number | null {
  if (closes.length < window || window < 2) return null;
  const ys = closes.slice(-window).map((c) => Math.log(c));
  const meanX = (window - 1) / 2;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / window;
  let numerator = 0;
  let denominator = 0;
  ys.forEach((y, x) => {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  });
  return 100 * (Math.exp(numerator / denominator) - 1);
}

export function volumeAnomaly(volumes: number[], window = 20): number | null {
  if (volumes.length < window + 1) return null;
  const previous = volumes.slice(-1 - window, -1);
  const mean = previous.reduce((sum, v) => sum + v, 0) / window;
  const last = volumes.at(-1) ?? 0;
  return mean === 0 ? null : last / mean;
}

/** Horizons in candles for returns and slopes; with hourly candles these are 1h, 4h, 24h and 7d. */
const RETURN_HORIZONS = { "1": 1, "4": 4, "24": 24, "168": 168 } as const;
const SLOPE_WINDOWS = { "24": 24, "72": 72 } as const;

/**
 * Computed once per candle list: shared market data (worker/exchanges/shared-market-data.ts) hands every review in
 * the isolate the same list for a minute. Readers never change what they get.
 */
const computed = new WeakMap<Kline[], Readonly<MarketContext>>();

export function marketContext(klines: Kline[]): MarketContext {
  let context = computed.get(klines);
  if (!context) {
    context = computeMarketContext(klines);
    computed.set(klines, context);
  }
  return context;
}

function computeMarketContext(klines: Kline[]): MarketContext {
  const candles = klines.map((k) => ({
    high: Number(k.high),
    low: Number(k.low),
    close: Number(k.close),
    volume: Number(k.volume),
  }));
  const closes = candles.map((c) => c.close);
  const lastClose = closes.at(-1) ?? 0;
  const atr14 = atr(candles, 14);
  return {
    lastClose,
    returns: Object.fromEntries(Object.entries(RETURN_HORIZONS).map(([name, k]) => [name, returnOver(closes, k)])),
    rsi14: rsi(closes, 14),
    atr14,
    atr14Pct: atr14 === null || lastClose === 0 ? null : (100 * atr14) / lastClose,
    trendSlopePct: Object.fromEntries(
      Object.entries(SLOPE_WINDOWS).map(([name, w]) => [name, trendSlopePct(closes, w)]),
    ),
    volumeAnomaly: volumeAnomaly(
      candles.map((c) => c.volume),
      20,
    ),
    timeframes: multiTimeframe(closes),
    volatility: volatilityRegime(closes),
  };
}

export function bookContext(top: OrderBookTop): BookContext {
  const bid = Number(top.bidPrice);
  const ask = Number(top.askPrice);
  const bidQty = Number(top.bidQty);
  const askQty = Number(top.askQty);
  const mid = (bid + ask) / 2;
  return {
    mid,
    spreadBps: mid === 0 ? 0 : ((ask - bid) / mid) * 10_000,
    imbalance: bidQty + askQty === 0 ? 0 : (bidQty - askQty) / (bidQty + askQty),
  };
}
