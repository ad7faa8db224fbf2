import type { HealthStatus } from "../../shared/api/health.ts";
import { CRON_HEARTBEAT } from "../cron/scheduled.ts";
import type { Database } from "../db/client.ts";
import { readHeartbeat } from "../db/heartbeats.ts";

export async function checkHealth(
  db: Database,
  setup: { version: string; adminsConfigured: boolean },
  now: Date,
): Promise<HealthStatus> {
  const { version, adminsConfigured } = setup;
  const started = Date.now();
  try {
    const lastCron = await readHeartbeat(db, CRON_HEARTBEAT);
    return {
      status: "ok",
      version,
      time: now.toISOString(),
      database: { reachable: true, latencyMs: Date.now() - started },
      lastCronAt: lastCron?.toISOString() ?? null,
      adminsConfigured,
    };
  } catch {
    return {
      status: "degraded",
      version,
      time: now.toISOString(),
      database: { reachable: false, latencyMs: null },
      lastCronAt: null,
      adminsConfigured,
    };
  }
}
