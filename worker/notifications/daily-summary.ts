import type { Database } from "../db/client.ts";
import type { Logger } from "../http/logger.ts";
import { enqueueStatement } from "./outbox.ts";

/** The hour (UTC) from which a day's summary is sent: the first tick at or after it each day. */
export const DAILY_SUMMARY_HOUR = 8;

type SummaryRow = { user_id: string; active: number; paused: number; fills: number; waiting: number };

/**
 * Once a day per user with a channel that takes `daily_summary`: counts of their portfolios, the last day's fills and
 * the reviews waiting for approval, enqueued with the day as the event key, so every later tick of the day (cron is
 * at-least-once) adds nothing. Never throws into the tick.
 */
export async function enqueueDailySummaries(db: Database, log: Logger, now: Date): Promise<number> {
  if (now.getUTCHours() < DAILY_SUMMARY_HOUR) return 0;
  const day = now.toISOString().slice(0, 10);
  const d1 = db.$client;
  try {
    const since = now.getTime() - 86_400_000;
    const { results } = await d1
      .prepare(
        `SELECT c."user_id" AS user_id,
           (SELECT count(*) FROM "portfolios" p WHERE p."user_id" = c."user_id" AND p."status" = 'active') AS active,
           (SELECT count(*) FROM "portfolios" p WHERE p."user_id" = c."user_id" AND p."status" = 'paused') AS paused,
           (SELECT count(*) FROM "portfolio_fills" f JOIN "portfolios" p ON p."id" = f."portfolio_id"
             WHERE p."user_id" = c."user_id" AND f."time" >= ?) AS fills,
           (SELECT count(*) FROM "portfolio_runs" r JOIN "portfolios" p ON p."id" = r."portfolio_id"
             WHERE p."user_id" = c."user_id" AND r."status" = 'awaiting_approval') AS waiting
         FROM "notification_channels" c
        WHERE c."enabled" = 1 AND EXISTS (SELECT 1 FROM json_each(c."events") WHERE value = 'daily_summary')
          AND NOT EXISTS (SELECT 1 FROM "notification_outbox" o
                           WHERE o."event_key" = 'daily_summary:' || ? || ':' || c."user_id")
        GROUP BY c."user_id" LIMIT 500`,
      )
      .bind(since, day)
      .all<SummaryRow>();
    if (results.length === 0) return 0;
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
