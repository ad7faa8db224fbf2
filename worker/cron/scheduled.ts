import { readConfig } from "../config.ts";
import { openDatabase } from "../db/client.ts";
import { recordHeartbeat } from "../db/heartbeats.ts";
import { createLogger } from "../http/logger.ts";
import { enqueueDailySummaries } from "../notifications/daily-summary.ts";
import { deliverDueNotifications } from "../notifications/delivery.ts";
import { pruneOutbox } from "../notifications/outbox.ts";
import { sweepExpired } from "./housekeeping.ts";
import { readMarketFeeds } from "./market-feeds.ts";
import { syncPortfolios, wakeDuePortfolios } from "./portfolio-sweep.ts";

export const CRON_HEARTBEAT = "cron";

/**
 * The every-minute sweeper: wakes overdue portfolios, syncs open orders every few minutes, deletes what expired, reads
 * news and sentiment at their own cadence, and delivers due notifications (retries included).
 * Cron is at-least-once with no ordering promise, so everything here must be idempotent.
 */
export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const config = readConfig(env);
  const log = createLogger(config.logLevel, { cron: controller.cron });
  const db = openDatabase(env.DB);
  const at = new Date(controller.scheduledTime);
  // News and sentiment go alongside the sweep (they never throw), so a slow feed never delays a portfolio's wake.
  const feedsRead = readMarketFeeds(db, config, log, at);
  const woken = await wakeDuePortfolios(env, db, at);
  const synced = await syncPortfolios(env, db, at);
  const swept = await sweepExpired(db, config, at);
  const feeds = await feedsRead;
  // After the sweep, so the events its wakes and syncs enqueued go out on this tick; a delivery never throws.
  await enqueueDailySummaries(db, log, at);
  const notifications = await deliverDueNotifications({ db, config, fetch, log }, at).catch((error: unknown) => {
    log.warn("notifications not delivered", { error: error instanceof Error ? error.message : String(error) });
    return null;
  });
  // Hourly is often enough for a 30-day retention.
  if (at.getUTCMinutes() === 0) await pruneOutbox(env.DB, at).catch(() => 0);
  await recordHeartbeat(db, CRON_HEARTBEAT, at);
  log.info("cron tick", { scheduledTime: at.toISOString(), woken, synced, swept, feeds, notifications });
}
