import Big from "big.js";
import type { CashToken, Portfolio } from "#lib/api/client.ts";
import { CASH_TOKENS } from "./options.ts";

/** Equity and PnL since start summed over the valued portfolios that keep their cash in one token. */
export type CashTotal = {
  cashToken: CashToken;
  equity: string;
  pnl: string;
  /** PnL against the summed starting equity; null when that is 0. */
  pnlPct: string | null;
  valued: number;
  /** Portfolios in this cash token without a valuation yet (drafts, never run). */
  unvalued: number;
};

/** One total per cash token in use (USDT and USDC are never added together), in the form's order. */
export function totalsByCash(portfolios: readonly Portfolio[]): CashTotal[] {
  return CASH_TOKENS.flatMap((cashToken) => {
    const mine = portfolios.filter((p) => p.cashToken === cashToken);
    if (mine.length === 0) return [];
    let equity = Big(0);
    let pnl = Big(0);
    let valued = 0;
    for (const { performance } of mine) {
      if (!performance) continue;
      equity = equity.plus(performance.equity);
      pnl = pnl.plus(performance.pnl);
      valued += 1;
    }
    const start = equity.minus(pnl);
    return [
      {
        cashToken,
        equity: equity.toFixed(),
        pnl: pnl.toFixed(),
        pnlPct: start.gt(0) ? pnl.div(start).times(100).round(4).toFixed() : null,
        valued,
        unvalued: mine.length - valued,
      },
    ];
  });
}
