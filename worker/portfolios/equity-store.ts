import { and, desc, eq, gte, lte } from "drizzle-orm";
import type { EquityPoint } from "../../shared/api/portfolio-holdings.ts";
import type { Database } from "../db/client.ts";
import { insertStatements } from "../db/rows.ts";
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

/** One point of the curve, for a batch (worker/db/rows.ts). */
export function equityPointStatement(d1: D1Database, row: typeof equitySnapshots.$inferInsert): D1PreparedStatement {
  return insertStatements(d1, equitySnapshots, [row], "ON CONFLICT DO NOTHING")[0] as D1PreparedStatement;
}

/** UTC midnight of `now`'s day: the daily-loss limit counts from the last equity point before it. */
export function utcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * The day's starting equity for the daily-loss limit: the last point before UTC midnight since the portfolio last
 * started, none when it started today (the starting equity is then the day's start) or never. One row, with the
 * midnight it counts from (`midnight`, ms) and the equity (`equity`, or null).
 */
export function dayStartStatement(
  d1: D1Database,
  portfolioId: string,
  now: Date,
  startedAt: Date | null,
): D1PreparedStatement {
  const midnight = utcMidnight(now).getTime();
  // An empty range when it started today (or never started): no point counts.
  const from = startedAt === null ? midnight : Math.min(startedAt.getTime(), midnight);
  return d1
    .prepare(
      `SELECT ? AS "midnight", (SELECT "equity" FROM "equity_snapshots" WHERE "portfolio_id" = ? AND "at" >= ?
         AND "at" < ? ORDER BY "at" DESC LIMIT 1) AS "equity"`,
    )
    .bind(midnight, portfolioId, from, midnight);
}

/** The row `dayStartStatement` answered. */
export function readDayStart(raw: Record<string, unknown> | undefined): { midnight: number; equity: string | null } {
  return { midnight: Number(raw?.midnight ?? Number.NaN), equity: (raw?.equity as string | null | undefined) ?? null };
}
