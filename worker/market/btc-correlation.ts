import type { Kline } from "../exchanges/contract.ts";

/**
 * How a token moves with BTC: Pearson correlation and beta of its hourly log returns against BTC's over the same
 * hours (matched by candle open time, so a missing candle on either side drops that hour, never shifts the series).
 *
 * - r_t = ln(c_t / c_{t−1h}) for token (x) and BTC (y), the last `WINDOW` hours both have
 * - correlation = cov(x, y) / (σx·σy); beta = cov(x, y) / var(y)
 * - null below `MIN_PAIRS` matched hours or when either series does not move
 */

export type BtcCorrelation = { correlation: number; beta: number; hours: number };

const HOUR_MS = 3_600_000;
/** 7 days of hourly returns. */
export const WINDOW = 168;
const MIN_PAIRS = 24;

function hourlyReturns(klines: Kline[]): Map<number, number> {
  const closes = new Map(klines.map((k) => [k.openTime, Number(k.close)]));
  const returns = new Map<number, number>();
  for (const [time, close] of closes) {
    const previous = closes.get(time - HOUR_MS);
    if (previous !== undefined && previous > 0 && close > 0) returns.set(time, Math.log(close / previous));
  }
  return returns;
}

/**
 * Answers by candle arrays already seen: the isolate shares one array of a symbol's candles for a minute
 * (shared-market-data.ts), so every review in that minute asks for the same pair, and the log returns were most of a
 * review's market-context CPU.
 */
const seen = new WeakMap<Kline[], WeakMap<Kline[], BtcCorrelation | null>>();

export function btcCorrelation(token: Kline[], btc: Kline[]): BtcCorrelation | null {
  let byBtc = seen.get(token);
  if (!byBtc) {
    byBtc = new WeakMap();
    seen.set(token, byBtc);
  }
  if (!byBtc.has(btc)) byBtc.set(btc, correlate(token, btc));
  const found = byBtc.get(btc) ?? null;
  return found && { ...found };
}

function correlate(token: Kline[], btc: Kline[]): BtcCorrelation | null {
  const x = hourlyReturns(token);
  const y = hourlyReturns(btc);
  const times = [...x.keys()]
    .filter((t) => y.has(t))
    .sort((a, b) => a - b)
    .slice(-WINDOW);
  if (times.length < MIN_PAIRS) return null;
  const xs = times.map((t) => x.get(t) ?? 0);
  const ys = times.map((t) => y.get(t) ?? 0);
  const meanX = xs.reduce((s, v) => s + v, 0) / xs.length;
  const meanY = ys.reduce((s, v) => s + v, 0) / ys.length;
  let cov = 0;
  let varX = 0;
  let varY = 0;
  xs.forEach((v, i) => {
    const dy = (ys[i] ?? 0) - meanY;
    cov += (v - meanX) * dy;
    varX += (v - meanX) ** 2;
    varY += dy ** 2;
  });
  if (varX === 0 || varY === 0) return null;
  return { correlation: cov / Math.sqrt(varX * varY), beta: cov / varY, hours: times.length };
}
