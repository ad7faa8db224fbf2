import { lt, or } from "drizzle-orm";
import type { Database } from "./client.ts";
import { idempotencyKeys, sessions } from "./schema.ts";

/** Sessions past their absolute expiry, or unused since `idleBefore`: they can no longer authenticate anyone. */
export async function deleteExpiredSessions(db: Database, now: Date, idleBefore: Date): Promise<number> {
  const deleted = await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, idleBefore)))
    .returning({ id: sessions.id });
  return deleted.length;
}

export async function deleteIdempotencyKeysBefore(db: Database, before: Date): Promise<number> {
  const deleted = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, before))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}
