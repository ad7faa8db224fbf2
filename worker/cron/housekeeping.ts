import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { deleteExpiredSessions, deleteIdempotencyKeysBefore } from "../db/housekeeping.ts";

/**
 * How long an Idempotency-Key answer is replayed. Forgetting it later is still safe: the order's client id is derived
 * from (user, key), so a very late retry finds the earlier order on the venue before placing anything.
 */
export const IDEMPOTENCY_RETENTION_MS = 7 * 24 * 3_600_000;

/** Deletes what can no longer be used: expired sessions and old idempotency records. Idempotent by nature. */
export async function sweepExpired(db: Database, config: Config, now: Date) {
  const sessions = await deleteExpiredSessions(db, now, new Date(now.getTime() - config.auth.sessionIdleMs));
  const idempotencyKeys = await deleteIdempotencyKeysBefore(db, new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS));
  return { sessions, idempotencyKeys };
}
