import Big from "big.js";
import type { ExchangeGateway, FundingPayment, FundingRateRecord } from "../contract.ts";
import type { PaperAccount } from "./paper-account.ts";
import type { Quote } from "./paper-quotes.ts";

/**
 * Funding on paper USDT perpetuals, settled lazily: each call first charges the funding times passed since the last
 * one it settled, with the positions as they stand. That is exact because positions only change inside calls: the
 * last call happened before any funding time still unsettled (it settled everything up to its own time), so the
 * position now is the one held at each of them, and a position opened after a funding time finds it already settled.
 * Funding times are the 8-hour grid both venues use for USDT perpetuals (00:00, 08:00, 16:00 UTC); rates and marks
 * come from the venue's public funding history, so a payment is what the venue would have charged:
 * -(signed size × mark × rate), a long paying a positive rate. A symbol funded more often than every 8 hours is
 * charged each entry of its history in the window at the position of the last call (exact on the 8-hour grid only).
 * A funding the venue has not published yet, or whose history could not be read, waits for a later call, which
 * charges it at the position held then.
 */

export const FUNDING_INTERVAL_MS = 8 * 3_600_000;
/** Both venues' funding logs answer at most 7 days back; an account idle longer is charged for those 7 days. */
const LOOKBACK_MS = 7 * 86_400_000;
const KEPT_MS = 8 * 86_400_000;
const MAX_KEPT = 300;
const COLLATERAL = "USDT";

/** The funding window a call must settle before it acts; `symbols` empty means nothing to charge, only to record. */
export type FundingDue = { since: number; through: number; symbols: string[] };

export type FundingHistory = Map<string, FundingRateRecord[]>;

export function lastFundingTime(now: number): number {
  return Math.floor(now / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS;
}

export function holdsPositions(account: PaperAccount): boolean {
  return Object.keys(account.positions).length > 0;
}

/**
 * Null when there is nothing to charge (no position, or no funding time passed since the last settlement), so such
 * a call reads nothing more from the venue. An account from before funding was modelled starts at the last one.
 */
export function fundingDue(account: PaperAccount, now: number): FundingDue | null {
  if (!holdsPositions(account)) return null;
  const through = lastFundingTime(now);
  const settled = account.fundingSettledAt;
  if (settled !== undefined && settled >= through) return null;
  if (settled === undefined) return { since: through, through, symbols: [] };
  const symbols = [...new Set(Object.values(account.positions).map((p) => p.symbol))].sort();
  return { since: Math.max(settled, through - LOOKBACK_MS), through, symbols };
}

/**
 * A call that opened the first position of a flat account starts its funding at the last funding time: earlier ones
 * were not the position's. A flat account keeps no cursor, so calls that change nothing save nothing.
 */
export function startFunding(account: PaperAccount, wasFlat: boolean, now: number): void {
  if (wasFlat && holdsPositions(account)) account.fundingSettledAt = lastFundingTime(now);
}

/**
 * The venue's public funding history of each held symbol over the window (one read per symbol). A failed read is an
 * empty history: the settlement waits for a later call instead of failing this one (orders, the review) over it.
 */
export async function readFundingHistory(market: ExchangeGateway, due: FundingDue): Promise<FundingHistory> {
  const lists = await Promise.all(
    due.symbols.map((symbol) => market.fundingHistory(symbol, due.since).catch((): FundingRateRecord[] => [])),
  );
  return new Map(due.symbols.map((symbol, i) => [symbol, lists[i] ?? []]));
}

function signedExposure(account: PaperAccount, symbol: string): Big {
  let size = Big(0);
  for (const position of Object.values(account.positions)) {
    if (position.symbol !== symbol) continue;
    size = position.side === "long" ? size.plus(position.size) : size.minus(position.size);
  }
  return size;
}

/**
 * Charges the window into the wallet and records the payments under `paper:<symbol>:<fundingTime>` ids, once each.
 * Until the venue has published the window's last funding for every held symbol, nothing is settled: the next call
 * tries again rather than skip a charge.
 */
export function settleFunding(
  account: PaperAccount,
  due: FundingDue | null,
  history: FundingHistory,
  quotes: Map<string, Quote>,
): void {
  if (!due) return;
  const records = due.symbols.map((symbol) =>
    (history.get(symbol) ?? []).filter((r) => r.fundingTime > due.since && r.fundingTime <= due.through),
  );
  if (records.some((list) => !list.some((r) => r.fundingTime === due.through))) return;
  const payments: FundingPayment[] = [];
  for (const [i, symbol] of due.symbols.entries()) {
    const size = signedExposure(account, symbol);
    for (const record of records[i] ?? []) {
      const mark = record.markPrice ?? quotes.get(symbol)?.mark;
      if (!mark) continue;
      const amount = size.times(mark).times(record.fundingRate).neg().round(8);
      if (amount.eq(0)) continue;
      payments.push({
        id: `paper:${symbol}:${record.fundingTime}`,
        symbol,
        asset: COLLATERAL,
        amount: amount.toFixed(),
        time: record.fundingTime,
      });
    }
  }
  let wallet = Big(account.futuresWallet);
  for (const payment of payments) wallet = wallet.plus(payment.amount);
  account.futuresWallet = wallet.toFixed();
  const kept = [...(account.funding ?? []), ...payments]
    .sort((a, b) => a.time - b.time)
    .filter((p) => p.time > due.through - KEPT_MS);
  account.funding = kept.slice(-MAX_KEPT);
  account.fundingSettledAt = due.through;
}

export function fundingPaymentsSince(account: PaperAccount, since: number): FundingPayment[] {
  return (account.funding ?? []).filter((p) => p.time >= since).map((p) => ({ ...p }));
}
