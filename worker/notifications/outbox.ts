import type { NotificationEvent, NotificationParams } from "../../shared/api/notifications.ts";
import type { Logger } from "../http/logger.ts";

/**
 * Enqueueing an event: one INSERT that writes a row per enabled channel of the user subscribed to the event, so the
 * place where the event happens pays one statement (often inside a batch it sends anyway) and never waits for a
 * delivery. `key` names the event (a run id, an order id, a day): inserting it again is ignored, per channel.
 */
export type NotificationEventInput = {
  userId: string;
  type: NotificationEvent;
  key: string;
  params: NotificationParams;
};

export function enqueueStatement(d1: D1Database, event: NotificationEventInput, now: Date): D1PreparedStatement {
  const at = now.getTime();
  return d1
    .prepare(
      `INSERT OR IGNORE INTO "notification_outbox"
         ("event_key", "channel", "user_id", "type", "params", "status", "attempts", "next_attempt_at", "created_at")
       SELECT ?, "channel", "user_id", ?, ?, 'pending', 0, ?, ?
         FROM "notification_channels"
        WHERE "user_id" = ? AND "enabled" = 1 AND EXISTS (SELECT 1 FROM json_each("events") WHERE value = ?)`,
    )
    .bind(`${event.type}:${event.key}`, event.type, JSON.stringify(event.params), at, at, event.userId, event.type);
}

/** For callers outside a batch: a failure to enqueue is logged, never thrown into the work that had the event. */
export async function enqueueNotification(
  d1: D1Database,
  event: NotificationEventInput,
  now: Date,
  log: Logger,
): Promise<void> {
  try {
    await enqueueStatement(d1, event, now).run();
  } catch (error) {
    log.warn("notification not enqueued", {
      type: event.type,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** Delivered and failed rows are kept this long for the deliveries list, then deleted by the cron. */
export const OUTBOX_RETENTION_MS = 30 * 86_400_000;

export async function pruneOutbox(d1: D1Database, now: Date): Promise<number> {
  const result = await d1
    .prepare(`DELETE FROM "notification_outbox" WHERE "status" IN ('sent', 'failed') AND "created_at" < ?`)
    .bind(now.getTime() - OUTBOX_RETENTION_MS)
    .run();
  return result.meta.changes;
}
