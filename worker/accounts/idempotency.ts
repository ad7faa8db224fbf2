import { and, eq, lt } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { idempotencyKeys } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";

/**
 * Idempotency-Key for order-creating requests. The first successful answer is stored and replayed; failures are not
 * stored, so a retry runs again — safe because the order's client id is derived from (user, key) and the action
 * looks that order up on the venue before placing anything.
 */

/** A request still "pending" after this long died midway; a retry may take it over (the client id protects it). */
const PENDING_TAKEOVER_MS = 60_000;

export type IdempotentRequest = {
  userId: string;
  /** The Idempotency-Key header, if any. */
  key: string | undefined;
  method: string;
  path: string;
  body: unknown;
  now: Date;
};

export type IdempotentResult<T> = { body: T; replayed: boolean };

export async function runIdempotent<T>(
  db: Database,
  request: IdempotentRequest,
  action: (clientOrderId: string) => Promise<T>,
): Promise<IdempotentResult<T>> {
  const { userId, key } = request;
  if (key === undefined) return { body: await action(randomClientOrderId()), replayed: false };
  const requestHash = await sha256Hex(`${request.method} ${request.path}\n${JSON.stringify(request.body)}`);
  const replay = await claim(db, userId, key, requestHash, request.now);
  if (replay) return { body: JSON.parse(replay) as T, replayed: true };
  let body: T;
  try {
    body = await action(await clientOrderIdFor(userId, key));
  } catch (error) {
    await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
    throw error;
  }
  await db
    .update(idempotencyKeys)
    .set({ status: "done", responseStatus: 200, responseBody: JSON.stringify(body) })
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
  return { body, replayed: false };
}

/** Client order ids both venues accept (≤ 36 of [A-Za-z0-9_-]), the same for every retry of one key. */
export async function clientOrderIdFor(userId: string, key: string): Promise<string> {
  return `m${(await sha256Hex(`${userId}:${key}`)).slice(0, 30)}`;
}

function randomClientOrderId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  return `m${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Claims the key for this request, or returns the stored answer to replay; refuses reuse and concurrent twins. */
async function claim(db: Database, userId: string, key: string, requestHash: string, now: Date) {
  const [inserted] = await db
    .insert(idempotencyKeys)
    .values({ userId, key, requestHash, status: "pending", createdAt: now })
    .onConflictDoNothing()
    .returning();
  if (inserted) return null;
  const row = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
    .get();
  if (!row) return claim(db, userId, key, requestHash, now);
  if (row.requestHash !== requestHash)
    throw new ApiError(
      "idempotency_key_reused",
      "This Idempotency-Key was already used for a different request; use a new key for a new order.",
      { status: 409 },
    );
  if (row.status === "done" && row.responseBody !== null) return row.responseBody;
  const [takenOver] = await db
    .update(idempotencyKeys)
    .set({ createdAt: now })
    .where(
      and(
        eq(idempotencyKeys.userId, userId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.status, "pending"),
        lt(idempotencyKeys.createdAt, new Date(now.getTime() - PENDING_TAKEOVER_MS)),
      ),
    )
    .returning();
  if (takenOver) return null;
  throw new ApiError(
    "idempotency_in_progress",
    "A request with this Idempotency-Key is still being processed; retry in a few seconds.",
    { status: 409, headers: { "Retry-After": "2" } },
  );
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
