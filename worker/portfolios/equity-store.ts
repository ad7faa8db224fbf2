import { and, desc, eq, gte, lt, lte } from "drizzle-orm";
import type { EquityPoint } from "../../shared/api/portfolio-holdings.ts";
import type { Database } from "../db/client.ts";
import { equitySnapshots } from "../db/schema.ts";

/** The equity curve: one point per run (and one at start), in the portfolio's cash token. */

export type EquityRow = typeof equitySnapshots.$inferSelect;

export function insertEquityStatement(db: Database, row: typeof equitySnapshots.$inferInsert) {
  return db.insert(equitySnapshots).values(row).onConflictDoNothing();
}

export async function equityPoints(
  db: Database,
  portfolioId: string,
  range: { from: Date; to: Date; limit: number },
): Promise<EquityPoint[]> {
  // The newest `limit` points of the range, returned oldest first.
  const rows = await db
    .select()
    .from(equitySnapshots)
    .where(
      and(
        eq(equitySnapshots.portfolioId, portfolioId),
        gte(equitySnapshots.at, range.from),
        lte(equitySnapshots.at, range.to),
      ),
    )
    .orderBy(desc(equitySnapshots.at))
    .limit(range.limit);
  return rows.reverse().map((r) => ({ at: r.at.toISOString(), equity: r.equity, pnl: r.pnl }));
}

/**
 * The day's starting equity for the daily-loss limit: the last point before UTC midnight since the portfolio last
 * started. Null when it started today (the starting equity is then the day's start).
 */
export async function dayStartEquity(
  db: Database,
  portfolioId: string,
  now: Date,
  startedAt: Date,
): Promise<string | null> {
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (startedAt >= midnight) return null;
  const before = await db
    .select()
    .from(equitySnapshots)
    .where(
      and(
        eq(equitySnapshots.portfolioId, portfolioId),
        gte(equitySnapshots.at, startedAt),
        lt(equitySnapshots.at, midnight),
      ),
    )
    .orderBy(desc(equitySnapshots.at))
    .limit(1)
    .get();
  return before?.equity ?? null;
}
