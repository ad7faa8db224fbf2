/**
 * Returns and trend per timeframe, read from hourly closes (oldest first, one per hour): 4h and 1d bars are every
 * 4th and 24th hourly close counted back from the newest, so no extra candles are fetched. Analysis numbers only.
 *
 * - return over a timeframe: c_{n-1} / c_{n-1-h} − 1 with h its length in hours
 * - slope: least-squares slope of ln(close) over the timeframe's last `bars` bars, as % per bar (100·(e^b − 1))
 * - trend: "up"/"down" when the fitted move over the window, |b|·(bars − 1), exceeds the noise a random walk would
 *   show over it, s·√(bars − 1), with s the sample standard deviation of the bars' log returns; otherwise "flat"
 */

export type Trend = "up" | "down" | "flat";
export type TimeframeContext = { return: number | null; slopePct: number | null; trend: Trend | null };
export type Timeframe = "1h" | "4h" | "1d";

/** Hours per bar and bars in the trend window: 12 hours, 48 hours, 7 days. */
export const TIMEFRAMES: Record<Timeframe, { hours: number; bars: number }> = {
  "1h": { hours: 1, bars: 12 },
  "4h": { hours: 4, bars: 12 },
  "1d": { hours: 24, bars: 7 },
};

/** Every `step`-th close counted back from the newest, oldest first. */
export function resample(closes: number[], step: number): number[] {
  const bars: number[] = [];
  for (let i = closes.length - 1; i >= 0; i -= step) bars.push(closes[i] ?? 0);
  return bars.reverse();
}

export function trendOf(bars: number[]): { slopePct: number; trend: Trend } | null {
  const n = bars.length;
  if (n < 3 || bars.some((c) => !(c > 0))) return null;
  const ys = bars.map((c) => Math.log(c));
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  ys.forEach((y, x) => {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  });
  const slope = numerator / denominator;
  const steps = ys.slice(1).map((y, i) => y - (ys[i] ?? y));
  const meanStep = steps.reduce((sum, s) => sum + s, 0) / steps.length;
  const variance = steps.reduce((sum, s) => sum + (s - meanStep) ** 2, 0) / Math.max(steps.length - 1, 1);
  const move = slope * (n - 1);
  const noise = Math.sqrt(variance) * Math.sqrt(n - 1);
  // A float-exact flat series has a move of a few ulps; it is not a trend.
  const trend = Math.abs(move) <= Math.max(noise, 1e-9) ? "flat" : move > 0 ? "up" : "down";
  return { slopePct: 100 * (Math.exp(slope) - 1), trend };
}

export function timeframeContext(hourlyCloses: number[], timeframe: Timeframe): TimeframeContext {
  const { hours, bars } = TIMEFRAMES[timeframe];
  const last = hourlyCloses.at(-1);
  const then = hourlyCloses.length > hours ? hourlyCloses.at(-1 - hours) : undefined;
  const series = resample(hourlyCloses, hours);
  const fitted = series.length >= bars ? trendOf(series.slice(-bars)) : null;
  return {
    return: last !== undefined && then !== undefined && then > 0 ? last / then - 1 : null,
    slopePct: fitted?.slopePct ?? null,
    trend: fitted?.trend ?? null,
  };
}

export function multiTimeframe(hourlyCloses: number[]): Record<Timeframe, TimeframeContext> {
  return {
    "1h": timeframeContext(hourlyCloses, "1h"),
    "4h": timeframeContext(hourlyCloses, "4h"),
    "1d": timeframeContext(hourlyCloses, "1d"),
  };
}
