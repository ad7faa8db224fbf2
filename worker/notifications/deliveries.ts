import { desc, eq } from "drizzle-orm";
import { type NotificationDelivery, NotificationParams } from "../../shared/api/notifications.ts";
import type { Database } from "../db/client.ts";
import { notificationOutbox } from "../db/schema.ts";

/** The user's latest deliveries, newest first: what went out, what is retrying and what failed (and why). */
export async function recentDeliveries(db: Database, userId: string, limit = 50): Promise<NotificationDelivery[]> {
  const rows = await db
    .select()
    .from(notificationOutbox)
    .where(eq(notificationOutbox.userId, userId))
    .orderBy(desc(notificationOutbox.createdAt))
    .limit(limit)
    .all();
  return rows.map((row) => ({
    event: row.type,
    channel: row.channel,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    lastError: row.lastError,
    params: NotificationParams.catch({}).parse(JSON.parse(row.params)),
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  }));
}
