import Big from "big.js";
import type { CashToken, Portfolio, PortfolioGlance } from "#lib/api/client.ts";
import { CASH_TOKENS } from "./options.ts";

/** A portfolio as the list answers it: with its glance (the dashboard's figures), which other sources lack. */
type Totalled = Pick<Portfolio, "cashToken" | "performance"> & { glance?: PortfolioGlance };

/** Equity and PnL (since start and today) summed over the valued portfolios that keep their cash in one token. */
export type CashTotal = {
  cashToken: CashToken;
  equity: string;
  pnl: string;
  /** PnL against the summed starting equity; null when that is 0. */
  pnlPct: string | null;
  /** Summed over the portfolios with a PnL today; null when none has one. */
  pnlToday: string | null;
  valued: number;
  /** Portfolios in this cash token without a valuation yet (drafts, never run). */
  unvalued: number;
};

/** One total per cash token in use (USDT and USDC are never added together), in the form's order. */
export function totalsByCash(portfolios: readonly Totalled[]): CashTotal[] {
  return CASH_TOKENS.flatMap((cashToken) => {
    const mine = portfolios.filter((p) => p.cashToken === cashToken);
    if (mine.length === 0) return [];
    let equity = Big(0);
    let pnl = Big(0);
    let pnlToday: Big | null = null;
    let valued = 0;
    for (const { performance, glance } of mine) {
      if (glance?.pnlToday != null) pnlToday = (pnlToday ?? Big(0)).plus(glance.pnlToday);
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
        pnlToday: pnlToday?.toFixed() ?? null,
        valued,
        unvalued: mine.length - valued,
      },
    ];
  });
}

/** What needs a look across every portfolio, whatever its cash token. */
export type PortfolioCounts = {
  total: number;
  running: number;
  paused: number;
  openPositions: number;
  openOrders: number;
  awaitingApproval: number;
};

export function portfolioCounts(
  portfolios: readonly (Pick<Portfolio, "status"> & { glance?: PortfolioGlance })[],
): PortfolioCounts {
  const counts: PortfolioCounts = {
    total: portfolios.length,
    running: 0,
    paused: 0,
    openPositions: 0,
    openOrders: 0,
    awaitingApproval: 0,
  };
  for (const { status, glance } of portfolios) {
    if (status === "active") counts.running += 1;
    if (status === "paused") counts.paused += 1;
    counts.openPositions += glance?.openPositions ?? 0;
    counts.openOrders += glance?.openOrders ?? 0;
    counts.awaitingApproval += glance?.awaitingApproval ?? 0;
  }
  return counts;
}
