import { and, desc, eq } from "drizzle-orm";
import type { ApiToken, TokenScope } from "../../shared/api/auth.ts";
import { insertWithinCap } from "../db/capped-insert.ts";
import type { Database } from "../db/client.ts";
import { apiTokens, users } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import type { Principal } from "./context.ts";
import { randomToken, sha256Hex } from "./encoding.ts";

/** Recognisable in leaked-secret scanners and logs. */
const TOKEN_PREFIX = "blt_";
const TOUCH_INTERVAL_MS = 60_000;
export const MAX_TOKENS_PER_USER = 50;

type TokenRow = typeof apiTokens.$inferSelect;

export async function createApiToken(
  db: Database,
  userId: string,
  input: { name: string; scopes: TokenScope[]; expiresInDays?: number | undefined },
  now: Date,
): Promise<{ token: string; apiToken: ApiToken }> {
  const token = `${TOKEN_PREFIX}${randomToken()}`;
  const scopes = [...new Set(input.scopes)].sort();
  const row = {
    id: crypto.randomUUID(),
    tokenHash: await sha256Hex(token),
    userId,
    name: input.name,
    scopes: scopes.join(","),
    createdAt: now,
    expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null,
    lastUsedAt: null,
  };
  if (!(await insertWithinCap(db, apiTokens, row, eq(apiTokens.userId, userId), MAX_TOKENS_PER_USER)))
    throw new ApiError("limit_reached", `You already have ${MAX_TOKENS_PER_USER} API tokens; revoke one first.`, {
      details: { limit: MAX_TOKENS_PER_USER },
    });
  return { token, apiToken: toApiTokenView(row) };
}

export async function listApiTokens(db: Database, userId: string): Promise<ApiToken[]> {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt))
    .all();
  return rows.map(toApiTokenView);
}

export async function revokeApiToken(db: Database, userId: string, tokenId: string): Promise<void> {
  const deleted = await db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
    .returning({ id: apiTokens.id });
  if (deleted.length === 0) throw new ApiError("not_found", "No such API token.");
}

export async function revokeAllApiTokens(db: Database, userId: string): Promise<void> {
  await db.delete(apiTokens).where(eq(apiTokens.userId, userId));
}

/** The principal behind a Bearer token. A token that is unknown, expired or whose owner is disabled is refused. */
export async function resolveApiToken(db: Database, token: string, now: Date): Promise<Principal> {
  const row = token.startsWith(TOKEN_PREFIX)
    ? await db
        .select({ token: apiTokens, user: users })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(eq(apiTokens.tokenHash, await sha256Hex(token)))
        .get()
    : undefined;
  const expired = row?.token.expiresAt && row.token.expiresAt.getTime() <= now.getTime();
  if (!row || expired || !row.user.enabled)
    throw new ApiError("unauthorized", "The API token is invalid, expired or revoked.");
  const lastUsed = row.token.lastUsedAt?.getTime() ?? 0;
  if (now.getTime() - lastUsed > TOUCH_INTERVAL_MS)
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id));
  return {
    kind: "token",
    user: { id: row.user.id, email: row.user.email, role: row.user.role, twoFactorEnabled: row.user.totpEnabled },
    tokenId: row.token.id,
    scopes: parseScopes(row.token.scopes),
  };
}

function parseScopes(stored: string): TokenScope[] {
  return stored.split(",").filter((scope): scope is TokenScope => scope === "read" || scope === "trade");
}

function toApiTokenView(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    scopes: parseScopes(row.scopes),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}
