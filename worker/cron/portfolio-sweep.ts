import { and, eq, isNotNull, isNull, lte, or } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { portfolios } from "../db/schema.ts";
import { portfoliosWithLiveOrders } from "../portfolios/engine/order-sync.ts";
import { portfolioEngine } from "../portfolios/engine-client.ts";

/**
 * The cron's part in the engine, a safety net behind each portfolio's own alarm: running portfolios whose next run
 * is overdue (a lost alarm, a never-scheduled object) are woken, and every few minutes every portfolio with orders
 * the venue may still change is synced, and every running one whose risk is checked between reviews. Both are idempotent (waking a busy or scheduled object changes nothing), so
 * an extra or repeated tick is harmless.
 */

/** An alarm is expected to fire on time; only runs overdue by more than this are woken by the cron. */
export const OVERDUE_MS = 60_000;
export const SYNC_EVERY_MINUTES = 3;
/** Objects called at once, to bound the tick's concurrent subrequests. */
const CONCURRENCY = 50;

async function inBatches<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<PromiseSettledResult<unknown>[]> {
  const results: PromiseSettledResult<unknown>[] = [];
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    results.push(...(await Promise.allSettled(items.slice(i, i + CONCURRENCY).map(work))));
  }
  return results;
}

export async function wakeDuePortfolios(env: Env, db: Database, now: Date) {
  const due = await db
    .select({ id: portfolios.id })
    .from(portfolios)
    .where(
      and(
        eq(portfolios.status, "active"),
        or(isNull(portfolios.nextRunAt), lte(portfolios.nextRunAt, new Date(now.getTime() - OVERDUE_MS))),
      ),
    );
  const results = await inBatches(due, ({ id }) => portfolioEngine(env, id).wake());
  return { due: due.length, failed: results.filter((r) => r.status === "rejected").length };
}

export async function syncPortfolios(env: Env, db: Database, now: Date) {
  if (now.getUTCMinutes() % SYNC_EVERY_MINUTES !== 0) return { synced: 0, failed: 0 };
  const withOrders = await portfoliosWithLiveOrders({ db });
  // Running futures portfolios too (a venue-triggered stop-loss is a trade no order of ours made; their stop-losses
  // are checked against liquidation), and running ones with a loss limit, checked between reviews.
  const watched = await db
    .select({ id: portfolios.id })
    .from(portfolios)
    .where(
      and(
        eq(portfolios.status, "active"),
        or(
          eq(portfolios.market, "futures"),
          isNotNull(portfolios.maxDailyLossPct),
          isNotNull(portfolios.maxDrawdownPct),
        ),
      ),
    );
  const ids = [...new Set([...withOrders, ...watched.map((f) => f.id)])];
  const results = await inBatches(ids, (id) => portfolioEngine(env, id).sync());
  return { synced: ids.length, failed: results.filter((r) => r.status === "rejected").length };
}
