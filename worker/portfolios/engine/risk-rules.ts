import Big from "big.js";
import { PAUSE_AFTER_FAILED_RUNS } from "../../../shared/api/portfolios.ts";
import type { PortfolioRow } from "../store.ts";

/**
 * When Ballast pauses a portfolio by itself. Each rule answers the reason the owner sees, or null. Limits are
 * percentages (decimal strings) set per portfolio; unset limits never pause.
 */

/** A loss limit reached at this equity: the daily loss (from the day's start) or the drawdown (from the peak). */
export function lossLimitReason(row: PortfolioRow, equity: string, dayStart: string | null): string | null {
  const now = Big(equity);
  const cash = row.cashToken;
  if (row.maxDrawdownPct !== null) {
    const candidates = [row.peakEquity, row.startingEquity, equity].filter((v): v is string => v !== null);
    const peak = candidates.reduce((a, b) => (Big(a).gt(b) ? a : b));
    if (Big(peak).gt(0)) {
      const drawdown = Big(peak).minus(now).div(peak).times(100);
      if (drawdown.gte(row.maxDrawdownPct))
        return `Drawdown of ${drawdown.toFixed(2)}% from the peak of ${Big(peak).round(2).toFixed()} ${cash} reached the ${row.maxDrawdownPct}% limit.`;
    }
  }
  const start = dayStart ?? row.startingEquity;
  if (row.maxDailyLossPct !== null && start !== null && Big(start).gt(0)) {
    const loss = Big(start).minus(now).div(start).times(100);
    if (loss.gte(row.maxDailyLossPct))
      return `Loss of ${loss.toFixed(2)}% today (from ${Big(start).round(2).toFixed()} to ${now.round(2).toFixed()} ${cash}) reached the ${row.maxDailyLossPct}% daily limit.`;
  }
  return null;
}

export function failedRunsReason(failedInARow: number, lastError: string): string | null {
  if (failedInARow < PAUSE_AFTER_FAILED_RUNS) return null;
  return `${failedInARow} reviews in a row failed; the last one: ${lastError}`;
}

export function newPeak(row: PortfolioRow, equity: string): string {
  const peak = row.peakEquity ?? row.startingEquity ?? equity;
  return Big(equity).gt(peak) ? equity : peak;
}
