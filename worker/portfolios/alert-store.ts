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

/** Records a finding: the open alert of the same code and symbol is refreshed, or a new one is opened. */
export async function recordAlert(db: Database, portfolioId: string, finding: AlertFinding, now: Date): Promise<void> {
  const params = JSON.stringify(finding.params);
  const open = await db
    .select({ id: portfolioAlerts.id })
    .from(portfolioAlerts)
    .where(openAlert(portfolioId, finding.code, finding.symbol))
    .get();
  if (open) {
    await db.update(portfolioAlerts).set({ params, seenAt: now }).where(eq(portfolioAlerts.id, open.id));
    return;
  }
  await db.insert(portfolioAlerts).values({
    id: crypto.randomUUID(),
    portfolioId,
    code: finding.code,
    symbol: finding.symbol,
    params,
    createdAt: now,
    seenAt: now,
  });
}

/** Closes the open alerts this check no longer finds. */
export async function resolveAlertsExcept(
  db: Database,
  portfolioId: string,
  found: AlertFinding[],
  now: Date,
): Promise<void> {
  const open = await db
    .select({ id: portfolioAlerts.id, code: portfolioAlerts.code, symbol: portfolioAlerts.symbol })
    .from(portfolioAlerts)
    .where(and(eq(portfolioAlerts.portfolioId, portfolioId), isNull(portfolioAlerts.resolvedAt)));
  const still = new Set(found.map((f) => `${f.code}:${f.symbol}`));
  for (const alert of open) {
    if (still.has(`${alert.code}:${alert.symbol}`)) continue;
    await db.update(portfolioAlerts).set({ resolvedAt: now }).where(eq(portfolioAlerts.id, alert.id));
  }
}

function openAlert(portfolioId: string, code: string, symbol: string) {
  return and(
    eq(portfolioAlerts.portfolioId, portfolioId),
    eq(portfolioAlerts.code, code),
    eq(portfolioAlerts.symbol, symbol),
    isNull(portfolioAlerts.resolvedAt),
  );
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
