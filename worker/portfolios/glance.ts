import Big from "big.js";
import { LIVE_ORDER_STATUSES } from "../../shared/api/portfolio-orders.ts";
import type { PortfolioGlance } from "../../shared/api/portfolios.ts";
import type { Database } from "../db/client.ts";
import { dayStartStatement, readDayStart } from "./equity-store.ts";
import { type PortfolioLedger, readLedger } from "./ledger.ts";
import type { PortfolioRow } from "./store.ts";

/**
 * The dashboard's figures for a page of portfolios (PnL today, exposure, positions, open orders, waiting approvals),
 * read in one D1 round trip however many rows the page has, so the dashboard never asks once per portfolio.
 */
export async function portfolioGlances(
  db: Database,
  rows: readonly PortfolioRow[],
  now: Date,
): Promise<PortfolioGlance[]> {
  if (rows.length === 0) return [];
  const d1 = db.$client;
  const valued = rows.filter((row) => row.equity !== null);
  const results = await d1.batch<Record<string, unknown>>([
    orderCountsStatement(
      d1,
      rows.map((row) => row.id),
    ),
    ...valued.map((row) => dayStartStatement(d1, row.id, now, row.startedAt)),
  ]);
  const [counts, ...dayStarts] = results;
  const countsById = new Map((counts?.results ?? []).map((raw) => [String(raw.portfolioId), raw]));
  const dayStartById = new Map(valued.map((row, i) => [row.id, readDayStart(dayStarts[i]?.results[0]).equity]));
  return rows.map((row) => {
    const orders = countsById.get(row.id);
    return {
      pnlToday: pnlToday(row, dayStartById.get(row.id) ?? null),
      exposurePct: row.exposurePct,
      openPositions: openPositions(row),
      openOrders: Number(orders?.openOrders ?? 0),
      awaitingApproval: Number(orders?.awaitingApproval ?? 0),
    };
  });
}

/** Against the same baseline as the daily loss limit (engine/risk-rules.ts), so the figure and the limit agree. */
function pnlToday(row: PortfolioRow, dayStart: string | null): string | null {
  const start = dayStart ?? row.startingEquity;
  if (row.equity === null || start === null) return null;
  return Big(row.equity).minus(start).toFixed();
}

function openPositions(row: PortfolioRow): number {
  const ledger = ledgerOf(row);
  if (!ledger) return 0;
  if (ledger.kind === "futures") return Object.values(ledger.positions).filter((q) => !Big(q).eq(0)).length;
  return Object.entries(ledger.assets).filter(([asset, q]) => asset !== row.cashToken && Big(q).gt(0)).length;
}

/** A ledger that does not read shows no positions rather than failing the whole listing. */
function ledgerOf(row: PortfolioRow): PortfolioLedger | null {
  try {
    return readLedger(row.ledger);
  } catch {
    return null;
  }
}

const LIVE = LIVE_ORDER_STATUSES.map((status) => `'${status}'`).join(", ");

/** The ids travel as one JSON parameter: D1 binds at most 100 parameters, and a page holds up to 100 portfolios. */
function orderCountsStatement(d1: D1Database, portfolioIds: string[]): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT "portfolio_id" AS "portfolioId",
         SUM("status" IN (${LIVE})) AS "openOrders",
         SUM("status" = 'pending_approval') AS "awaitingApproval"
       FROM "portfolio_orders"
       WHERE "portfolio_id" IN (SELECT "value" FROM json_each(?)) AND "status" IN (${LIVE}, 'pending_approval')
       GROUP BY "portfolio_id"`,
    )
    .bind(JSON.stringify(portfolioIds));
}
