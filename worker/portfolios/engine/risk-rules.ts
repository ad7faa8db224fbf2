import Big from "big.js";
import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import { PAUSE_AFTER_FAILED_RUNS } from "../../../shared/api/portfolios.ts";
import type { PortfolioRow } from "../store.ts";

/**
 * When Ballast pauses a portfolio by itself. Each rule answers the reason the owner sees, or null. Limits are
 * percentages (decimal strings) set per portfolio; unset limits never pause.
 */

/** A loss limit reached at this equity: the daily loss (from the day's start) or the drawdown (from the peak). */
export function lossLimitReason(row: PortfolioRow, equity: string, dayStart: string | null): EngineText | null {
  const now = Big(equity);
  const cash = row.cashToken;
  if (row.maxDrawdownPct !== null) {
    const candidates = [row.peakEquity, row.startingEquity, equity].filter((v): v is string => v !== null);
    const peak = candidates.reduce((a, b) => (Big(a).gt(b) ? a : b));
    if (Big(peak).gt(0)) {
      const drawdown = Big(peak).minus(now).div(peak).times(100);
      if (drawdown.gte(row.maxDrawdownPct)) {
        const params = {
          drawdownPct: drawdown.toFixed(2),
          peakAmount: Big(peak).round(2).toFixed(),
          cash,
          limitPct: row.maxDrawdownPct,
        };
        return engineText(
          "loss_drawdown",
          params,
          `Drawdown of ${params.drawdownPct}% from the peak of ${params.peakAmount} ${cash} reached the ${row.maxDrawdownPct}% limit.`,
        );
      }
    }
  }
  const start = dayStart ?? row.startingEquity;
  if (row.maxDailyLossPct !== null && start !== null && Big(start).gt(0)) {
    const loss = Big(start).minus(now).div(start).times(100);
    if (loss.gte(row.maxDailyLossPct)) {
      const params = {
        lossPct: loss.toFixed(2),
        startAmount: Big(start).round(2).toFixed(),
        nowAmount: now.round(2).toFixed(),
        cash,
        limitPct: row.maxDailyLossPct,
      };
      return engineText(
        "loss_daily",
        params,
        `Loss of ${params.lossPct}% today (from ${params.startAmount} to ${params.nowAmount} ${cash}) reached the ${row.maxDailyLossPct}% daily limit.`,
      );
    }
  }
  return null;
}

export function failedRunsReason(failedInARow: number, lastError: string): EngineText | null {
  if (failedInARow < PAUSE_AFTER_FAILED_RUNS) return null;
  return engineText(
    "failed_reviews",
    { count: failedInARow },
    `${failedInARow} reviews in a row failed; the last one: ${lastError}`,
  );
}

export function newPeak(row: PortfolioRow, equity: string): string {
  const peak = row.peakEquity ?? row.startingEquity ?? equity;
  return Big(equity).gt(peak) ? equity : peak;
}
