import Big from "big.js";
import type { BacktestResult } from "../../shared/api/portfolio-backtest.ts";

/** The equity curve's totals, the same for spot and futures backtests. */

export type EquityPoint = { at: string; equity: Big };

const HOUR_MS = 3_600_000;
/** A candle's length per backtest interval. */
export const INTERVAL_MS = { "1h": HOUR_MS, "4h": 4 * HOUR_MS, "1d": 24 * HOUR_MS } as const;

/** The candles that have closed by `now`, oldest first: the one still open has no close to review yet. */
export function closedCandles<T extends { openTime: number }>(klines: T[], step: number, now: number): T[] {
  return klines.filter((k) => k.openTime + step <= now).sort((a, b) => a.openTime - b.openTime);
}

/** A candle's close, as the time of the review that reads it (the next candle's open). */
export function closeTime(times: number[], i: number): string {
  const open = times[i] as number;
  const step = (times[1] as number) - (times[0] as number);
  return new Date(open + step).toISOString();
}

/** The largest fall from a peak, in percent of that peak. */
export function maxDrawdown(equity: Big[]): Big {
  let peak = Big(0);
  let worst = Big(0);
  for (const value of equity) {
    if (value.gt(peak)) peak = value;
    if (peak.gt(0)) {
      const drawdown = peak.minus(value).div(peak).times(100);
      if (drawdown.gt(worst)) worst = drawdown;
    }
  }
  return worst;
}

/** Starting and ending equity, return, drawdown and the curve, as the result carries them. */
export function equityTotals(
  capital: Big,
  curve: EquityPoint[],
): Pick<BacktestResult, "startingEquity" | "endingEquity" | "returnPct" | "maxDrawdownPct" | "equityCurve"> {
  const ending = curve[curve.length - 1]?.equity ?? capital;
  return {
    startingEquity: capital.toFixed(),
    endingEquity: ending.toFixed(8),
    returnPct: capital.gt(0) ? ending.minus(capital).div(capital).times(100).toFixed(4) : "0",
    maxDrawdownPct: maxDrawdown(curve.map((p) => p.equity)).toFixed(4),
    equityCurve: curve.map((p) => ({ at: p.at, equity: p.equity.toFixed(8) })),
  };
}
