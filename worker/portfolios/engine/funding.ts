import Big from "big.js";
import { engineText } from "../../../shared/api/engine-messages.ts";
import type { RunNote } from "../../../shared/api/portfolio-runs.ts";
import { insertStatements } from "../../db/rows.ts";
import { portfolioFunding } from "../../db/schema.ts";
import type { FundingPayment, Position } from "../../exchanges/contract.ts";
import { runNote } from "../engine-text-columns.ts";
import { applyFunding, type FuturesLedger } from "../ledger.ts";

/**
 * Funding fees on a futures portfolio's contracts, booked into its ledger once each (by the venue's payment id, kept
 * in `portfolio_funding`), so equity and PnL include them. Read at each review's snapshot: the venue's log of the last
 * week (both venues answer at most 7 days per request) against the ids booked in that window, which the snapshot
 * step reads with its other rows (no extra D1 round trip).
 *
 * Only payments since the portfolio started, on its own contracts, count. When the venue's position on a contract is
 * larger than the ledger's (someone trades the same contract by hand) the portfolio books its share, ledger size over
 * venue size; with no position left on either side it books the payment whole (the position it held was closed since).
 */

/** A little under 7 days, so the venue's window never exceeds its limit. */
const LOOKBACK_MS = 7 * 24 * 3_600_000 - 60_000;

export type BookedFunding = {
  venueId: string;
  symbol: string;
  asset: string;
  venueAmount: string;
  amount: string;
  time: number;
};

export function fundingSince(startedAt: Date | null, now: number): number {
  return Math.max(startedAt?.getTime() ?? now, now - LOOKBACK_MS);
}

export function bookedFundingStatement(d1: D1Database, portfolioId: string, since: number): D1PreparedStatement {
  return d1
    .prepare(`SELECT "venue_id" FROM "portfolio_funding" WHERE "portfolio_id" = ? AND "time" >= ?`)
    .bind(portfolioId, since);
}

export function readBookedFunding(result: D1Result | undefined): Set<string> {
  return new Set(((result?.results ?? []) as { venue_id: string }[]).map((r) => r.venue_id));
}

export function fundingInsertStatements(
  d1: D1Database,
  portfolioId: string,
  runId: string,
  booked: BookedFunding[],
  now: Date,
): D1PreparedStatement[] {
  if (booked.length === 0) return [];
  return insertStatements(
    d1,
    portfolioFunding,
    booked.map((b) => ({
      portfolioId,
      venueId: b.venueId,
      runId,
      symbol: b.symbol,
      asset: b.asset,
      venueAmount: b.venueAmount,
      amount: b.amount,
      time: new Date(b.time),
      bookedAt: now,
    })),
    "ON CONFLICT DO NOTHING",
  );
}

export function bookFunding(
  ledger: FuturesLedger,
  payments: FundingPayment[],
  context: { booked: ReadonlySet<string>; symbols: ReadonlySet<string>; since: number; positions: Position[] },
): { ledger: FuturesLedger; booked: BookedFunding[]; notes: RunNote[] } {
  let next = ledger;
  const booked: BookedFunding[] = [];
  const notes: RunNote[] = [];
  for (const payment of payments) {
    if (context.booked.has(payment.id) || !context.symbols.has(payment.symbol)) continue;
    if (payment.time < context.since || payment.asset !== ledger.asset) continue;
    const amount = Big(payment.amount)
      .times(shareOf(ledger, context.positions, payment.symbol))
      .round(8);
    if (amount.eq(0)) continue;
    next = applyFunding(next, amount.toFixed());
    booked.push({
      venueId: payment.id,
      symbol: payment.symbol,
      asset: payment.asset,
      venueAmount: payment.amount,
      amount: amount.toFixed(),
      time: payment.time,
    });
    const flow = amount.gt(0) ? "received" : "paid";
    const paidAt = new Date(payment.time).toISOString();
    notes.push(
      runNote(
        "info",
        payment.symbol,
        engineText(
          "note_funding",
          { flow, symbol: payment.symbol, amount: amount.abs().toFixed(), asset: payment.asset, paidAt },
          `Funding ${flow} on ${payment.symbol}: ${amount.abs().toFixed()} ${payment.asset} (${paidAt}).`,
        ),
      ),
    );
  }
  return { ledger: next, booked, notes };
}

function shareOf(ledger: FuturesLedger, positions: Position[], symbol: string): Big {
  const held = Object.entries(ledger.positions)
    .filter(([key]) => key.split(":")[0] === symbol)
    .reduce((sum, [, quantity]) => sum.plus(Big(quantity).abs()), Big(0));
  const onVenue = positions.filter((p) => p.symbol === symbol).reduce((sum, p) => sum.plus(Big(p.size).abs()), Big(0));
  if (onVenue.eq(0)) return Big(1);
  return held.gte(onVenue) ? Big(1) : held.div(onVenue);
}
