import { and, desc, eq, gt } from "drizzle-orm";
import type { Session } from "../../shared/api/auth.ts";
import type { Database } from "../db/client.ts";
import { sessions, users } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import type { Principal } from "./context.ts";
import { randomToken, sha256Hex } from "./encoding.ts";

export const SESSION_COOKIE = "ballast_session";
/** Writing last-seen on every request would cost a D1 write each; a minute of precision is enough for idle expiry. */
const TOUCH_INTERVAL_MS = 60_000;
/** How long a fresh 2FA code unlocks sensitive actions. */
export const ELEVATION_MS = 10 * 60_000;

export type SessionPolicy = { absoluteMs: number; idleMs: number };

export async function createSession(
  db: Database,
  userId: string,
  options: SessionPolicy & { now: Date; elevated: boolean; userAgent: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const now = options.now.getTime();
  const expiresAt = new Date(now + options.absoluteMs);
  await db.insert(sessions).values({
    id: crypto.randomUUID(),
    tokenHash: await sha256Hex(token),
    userId,
    createdAt: options.now,
    lastSeenAt: options.now,
    expiresAt,
    elevatedUntil: options.elevated ? new Date(now + ELEVATION_MS) : null,
    userAgent: options.userAgent?.slice(0, 200) ?? null,
  });
  return { token, expiresAt };
}

/** The principal behind a session cookie, or null when it is unknown, expired (absolute or idle) or disabled. */
export async function resolveSession(
  db: Database,
  token: string,
  policy: SessionPolicy & { now: Date },
): Promise<Principal | null> {
  const row = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, await sha256Hex(token)))
    .get();
  if (!row?.user.enabled) return null;
  const now = policy.now.getTime();
  const idleExpired = row.session.lastSeenAt.getTime() + policy.idleMs <= now;
  if (row.session.expiresAt.getTime() <= now || idleExpired) {
    await db.delete(sessions).where(eq(sessions.id, row.session.id));
    return null;
  }
  if (now - row.session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS)
    await db.update(sessions).set({ lastSeenAt: policy.now }).where(eq(sessions.id, row.session.id));
  return {
    kind: "session",
    user: {
      id: row.user.id,
      email: row.user.email,
      role: row.user.role,
      twoFactorEnabled: row.user.totpEnabled,
    },
    sessionId: row.session.id,
    elevatedUntil: row.session.elevatedUntil,
  };
}

export async function listSessions(
  db: Database,
  userId: string,
  currentSessionId: string,
  policy: SessionPolicy & { now: Date },
): Promise<Session[]> {
  const idleCutoff = new Date(policy.now.getTime() - policy.idleMs);
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, policy.now), gt(sessions.lastSeenAt, idleCutoff)))
    .orderBy(desc(sessions.lastSeenAt))
    .all();
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    userAgent: row.userAgent,
    current: row.id === currentSessionId,
  }));
}

/** Someone else's session id answers like a missing one: ids are not an oracle. */
export async function revokeSession(db: Database, userId: string, sessionId: string): Promise<void> {
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  if (deleted.length === 0) throw new ApiError("not_found", "No such session.");
}

export async function revokeAllSessions(db: Database, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

export async function elevateSession(db: Database, sessionId: string, now: Date): Promise<Date> {
  const until = new Date(now.getTime() + ELEVATION_MS);
  await db.update(sessions).set({ elevatedUntil: until }).where(eq(sessions.id, sessionId));
  return until;
}
