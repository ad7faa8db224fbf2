import { readConfig } from "../config.ts";
import { openDatabase } from "../db/client.ts";
import { recordHeartbeat } from "../db/heartbeats.ts";
import { createLogger } from "../http/logger.ts";
import { sweepExpired } from "./housekeeping.ts";
import { syncPortfolios, wakeDuePortfolios } from "./portfolio-sweep.ts";

export const CRON_HEARTBEAT = "cron";

/**
 * The every-minute sweeper: wakes overdue portfolios, syncs open orders every few minutes, deletes what expired.
 * Cron is at-least-once with no ordering promise, so everything here must be idempotent.
 */
export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const config = readConfig(env);
  const log = createLogger(config.logLevel, { cron: controller.cron });
  const db = openDatabase(env.DB);
  const at = new Date(controller.scheduledTime);
  const woken = await wakeDuePortfolios(env, db, at);
  const synced = await syncPortfolios(env, db, at);
  const swept = await sweepExpired(db, config, at);
  await recordHeartbeat(db, CRON_HEARTBEAT, at);
  log.info("cron tick", { scheduledTime: at.toISOString(), woken, synced, swept });
}
