import Big from "big.js";
import type { NotificationParams } from "../../shared/api/notifications.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../http/logger.ts";
import { SUMMARY_PORTFOLIO_LINES } from "./messages.ts";
import { enqueueStatement } from "./outbox.ts";

/** The hour (UTC) from which a day's summary is sent: the first tick at or after it each day. */
export const DAILY_SUMMARY_HOUR = 8;

const DAY_MS = 86_400_000;

type SummaryRow = { user_id: string; active: number; paused: number; fills: number; waiting: number };
type EquityRow = { user_id: string; name: string; cash_token: string; now_equity: string; then_equity: string };

/** Who gets today's summary: users with an enabled channel that takes it and no summary queued today. */
const RECIPIENTS = `FROM "notification_channels" c
  WHERE c."enabled" = 1 AND EXISTS (SELECT 1 FROM json_each(c."events") WHERE value = 'daily_summary')
    AND NOT EXISTS (SELECT 1 FROM "notification_outbox" o
                     WHERE o."event_key" = 'daily_summary:' || ?1 || ':' || c."user_id")`;

/**
 * Once a day per user with a channel that takes `daily_summary`: counts of their portfolios, the last day's fills and
 * the reviews waiting for approval, and how their equity moved over the last 24 hours, enqueued with the day as the
 * event key, so every later tick of the day (cron is at-least-once) adds nothing. Never throws into the tick.
 */
export async function enqueueDailySummaries(db: Database, log: Logger, now: Date): Promise<number> {
  if (now.getUTCHours() < DAILY_SUMMARY_HOUR) return 0;
  const day = now.toISOString().slice(0, 10);
  const d1 = db.$client;
  try {
    const since = now.getTime() - DAY_MS;
    const [counts, equity] = await d1.batch([
      d1
        .prepare(
          `SELECT c."user_id" AS user_id,
             (SELECT count(*) FROM "portfolios" p WHERE p."user_id" = c."user_id" AND p."status" = 'active') AS active,
             (SELECT count(*) FROM "portfolios" p WHERE p."user_id" = c."user_id" AND p."status" = 'paused') AS paused,
             (SELECT count(*) FROM "portfolio_fills" f JOIN "portfolios" p ON p."id" = f."portfolio_id"
               WHERE p."user_id" = c."user_id" AND f."time" >= ?2) AS fills,
             (SELECT count(*) FROM "portfolio_runs" r JOIN "portfolios" p ON p."id" = r."portfolio_id"
               WHERE p."user_id" = c."user_id" AND r."status" = 'awaiting_approval') AS waiting
           ${RECIPIENTS}
           GROUP BY c."user_id" LIMIT 500`,
        )
        .bind(day, since),
      equityStatement(d1, day, since, now.getTime()),
    ]);
    const results = (counts?.results ?? []) as SummaryRow[];
    if (results.length === 0) return 0;
    const changes = equityChanges((equity?.results ?? []) as EquityRow[]);
    await d1.batch(
      results.map((row) =>
        enqueueStatement(
          d1,
          {
            userId: row.user_id,
            type: "daily_summary",
            key: `${day}:${row.user_id}`,
            params: {
              date: day,
              active: row.active,
              paused: row.paused,
              fills: row.fills,
              awaitingApproval: row.waiting,
              ...changes.get(row.user_id),
            },
          },
          now,
        ),
      ),
    );
    return results.length;
  } catch (error) {
    log.warn("daily summaries not enqueued", { error: error instanceof Error ? error.message : String(error) });
    return 0;
  }
}

/**
 * Each recipient's portfolios valued in the last 24 hours (an equity point in the window), from the stored curve:
 * the latest point, and the last one at or before the window's start, or the first one in it for a portfolio started
 * since (its starting point).
 */
function equityStatement(d1: D1Database, day: string, since: number, until: number): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT p."user_id" AS user_id, p."name" AS name, p."cash_token" AS cash_token,
         (SELECT e."equity" FROM "equity_snapshots" e WHERE e."portfolio_id" = p."id" AND e."at" <= ?3
           ORDER BY e."at" DESC LIMIT 1) AS now_equity,
         coalesce(
           (SELECT e."equity" FROM "equity_snapshots" e WHERE e."portfolio_id" = p."id" AND e."at" <= ?2
             ORDER BY e."at" DESC LIMIT 1),
           (SELECT e."equity" FROM "equity_snapshots" e WHERE e."portfolio_id" = p."id" AND e."at" > ?2
             ORDER BY e."at" LIMIT 1)) AS then_equity
       FROM "portfolios" p
      WHERE p."status" != 'deleted'
        AND p."user_id" IN (SELECT c."user_id" ${RECIPIENTS})
        AND EXISTS (SELECT 1 FROM "equity_snapshots" e WHERE e."portfolio_id" = p."id" AND e."at" > ?2 AND e."at" <= ?3)
      ORDER BY p."user_id", p."created_at"
      LIMIT 5000`,
    )
    .bind(day, since, until);
}

/**
 * Per user: the change summed per cash token (`equityChangeUSDT`, `equityChangeUSDC`), and the portfolios that moved
 * most, one line each (`portfolio<i>Name`, `…Change`, `…Cash`, `…ChangePct`), with how many more there are.
 */
function equityChanges(rows: EquityRow[]): Map<string, NotificationParams> {
  const byUser = new Map<string, EquityRow[]>();
  for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row]);
  const changes = new Map<string, NotificationParams>();
  for (const [userId, portfolios] of byUser) {
    const moved = portfolios.map((p) => ({ ...p, change: Big(p.now_equity).minus(p.then_equity) }));
    const params: NotificationParams = {};
    for (const cash of new Set(moved.map((p) => p.cash_token))) {
      const total = moved.filter((p) => p.cash_token === cash).reduce((sum, p) => sum.plus(p.change), Big(0));
      params[`equityChange${cash}`] = total.toFixed(2);
    }
    const listed = [...moved].sort((a, b) => b.change.abs().cmp(a.change.abs())).slice(0, SUMMARY_PORTFOLIO_LINES);
    listed.forEach((p, index) => {
      const i = index + 1;
      params[`portfolio${i}Name`] = p.name;
      params[`portfolio${i}Cash`] = p.cash_token;
      params[`portfolio${i}Change`] = p.change.toFixed(2);
      params[`portfolio${i}ChangePct`] = Big(p.then_equity).gt(0)
        ? p.change.div(p.then_equity).times(100).toFixed(2)
        : null;
    });
    if (moved.length > listed.length) params.portfoliosNotListed = moved.length - listed.length;
    changes.set(userId, params);
  }
  return changes;
}
