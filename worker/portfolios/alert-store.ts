import { and, desc, eq, isNotNull, isNull } from "drizzle-orm";
import type { PortfolioAlert, PortfolioAlertCode, StopLiquidationParams } from "../../shared/api/portfolio-alerts.ts";
import type { Database } from "../db/client.ts";
import { portfolioAlerts } from "../db/schema.ts";
import { ownedPortfolio } from "./store.ts";

/**
 * A portfolio's risk alerts: one open row per (code, symbol) while the condition lasts, so a sync every third minute
 * does not pile up copies (a new row, for notifications to pick up, only when the condition starts again). Written
 * only from inside the portfolio's Durable Object, its one writer, so read-then-write needs no transaction.
 */

export type AlertFinding = { code: PortfolioAlertCode; symbol: string; params: StopLiquidationParams };

/**
 * Saves one check's findings: the open alert of the same code and symbol is refreshed, a new one is opened, and the
 * open alerts the check no longer finds are closed. One read and one batch of writes, whatever the count.
 */
export async function syncAlerts(db: Database, portfolioId: string, found: AlertFinding[], now: Date): Promise<void> {
  const open = await db
    .select({ id: portfolioAlerts.id, code: portfolioAlerts.code, symbol: portfolioAlerts.symbol })
    .from(portfolioAlerts)
    .where(and(eq(portfolioAlerts.portfolioId, portfolioId), isNull(portfolioAlerts.resolvedAt)));
  const openId = new Map(open.map((a) => [`${a.code}:${a.symbol}`, a.id]));
  const still = new Set(found.map((f) => `${f.code}:${f.symbol}`));
  const writes = [
    ...found.map((finding) => {
      const params = JSON.stringify(finding.params);
      const id = openId.get(`${finding.code}:${finding.symbol}`);
      if (id) return db.update(portfolioAlerts).set({ params, seenAt: now }).where(eq(portfolioAlerts.id, id));
      return db.insert(portfolioAlerts).values({
        id: crypto.randomUUID(),
        portfolioId,
        code: finding.code,
        symbol: finding.symbol,
        params,
        createdAt: now,
        seenAt: now,
      });
    }),
    ...open
      .filter((a) => !still.has(`${a.code}:${a.symbol}`))
      .map((a) => db.update(portfolioAlerts).set({ resolvedAt: now }).where(eq(portfolioAlerts.id, a.id))),
  ];
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
}

/** Resolved alerts shown after the open ones. */
const RECENT_RESOLVED = 10;

export async function portfolioAlertList(
  db: Database,
  userId: string,
  portfolioId: string,
): Promise<{ alerts: PortfolioAlert[] }> {
  await ownedPortfolio(db, userId, portfolioId);
  const mine = eq(portfolioAlerts.portfolioId, portfolioId);
  const [open, resolved] = await db.batch([
    db
      .select()
      .from(portfolioAlerts)
      .where(and(mine, isNull(portfolioAlerts.resolvedAt)))
      .orderBy(desc(portfolioAlerts.createdAt)),
    db
      .select()
      .from(portfolioAlerts)
      .where(and(mine, isNotNull(portfolioAlerts.resolvedAt)))
      .orderBy(desc(portfolioAlerts.resolvedAt))
      .limit(RECENT_RESOLVED),
  ]);
  return { alerts: [...open, ...resolved].map(toAlert) };
}

function toAlert(row: typeof portfolioAlerts.$inferSelect): PortfolioAlert {
  return {
    id: row.id,
    code: row.code as PortfolioAlertCode,
    symbol: row.symbol,
    params: JSON.parse(row.params) as StopLiquidationParams,
    createdAt: row.createdAt.toISOString(),
    seenAt: row.seenAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}
