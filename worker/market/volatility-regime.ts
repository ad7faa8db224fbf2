/**
 * Volatility regime from hourly closes (oldest first): realized volatility of the last day against the token's own
 * history in the same candles, so "high" means high for this token, not compared with BTC.
 *
 * - realized volatility: sample standard deviation of hourly log returns, in % per hour
 * - recent = the last 24 returns, baseline = every return available (at least 72)
 * - regime: ratio = recent / baseline; "low" below 0.67, "high" above 1.5, otherwise "normal"
 */

export type VolatilityRegime = {
  recentPct: number;
  baselinePct: number;
  ratio: number;
  regime: "low" | "normal" | "high";
};

const RECENT = 24;
const MIN_BASELINE = 72;
const LOW_BELOW = 0.67;
const HIGH_ABOVE = 1.5;

export function logReturns(closes: number[]): number[] {
  const returns: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const previous = closes[i - 1] ?? 0;
    const close = closes[i] ?? 0;
    if (previous > 0 && close > 0) returns.push(Math.log(close / previous));
  }
  return returns;
}

export function standardDeviation(values: number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
}

export function volatilityRegime(hourlyCloses: number[]): VolatilityRegime | null {
  const returns = logReturns(hourlyCloses);
  if (returns.length < MIN_BASELINE) return null;
  const recent = standardDeviation(returns.slice(-RECENT));
  const baseline = standardDeviation(returns);
  if (baseline === 0) return null;
  const ratio = recent / baseline;
  return {
    recentPct: 100 * recent,
    baselinePct: 100 * baseline,
    ratio,
    regime: ratio < LOW_BELOW ? "low" : ratio > HIGH_ABOVE ? "high" : "normal",
  };
}
