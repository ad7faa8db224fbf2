import Big from "big.js";
import { and, eq } from "drizzle-orm";
import type { AdminAiKeyShare, ShareAiKey, SharedAiKey } from "../../shared/api/ai-key-shares.ts";
import type { IssueRule } from "../../shared/api/error.ts";
import type { AiProvider } from "../../shared/api/keys.ts";
import type { Database } from "../db/client.ts";
import { columnList, readRow } from "../db/rows.ts";
import { aiKeyShares, aiKeys, users } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import { fieldIssue } from "../http/field-issue.ts";
import { openAiKeyRow } from "./ai-keys.ts";
import type { Keyring } from "./keyring.ts";

/**
 * Administrators lend one of their AI keys to a user with a monthly budget (USD). The user's portfolios decide with
 * it without the secret ever leaving the engine; a month's spend is the sum of the cost of the runs and AI what-if
 * replays that used the share since the month began (UTC), read from the run journal and the replays' spend records.
 * Revoking deletes the share: the next review finds none and uses the built-in strategy.
 */

type ShareRow = typeof aiKeyShares.$inferSelect;
type AiKeyRow = typeof aiKeys.$inferSelect;

/** Shares per administrator: each is a list row and a budget to watch. */
export const MAX_SHARES_PER_ADMIN = 100;

export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Shares the administrator's key for `provider` with the user signed in as `email`, or sets its budget anew. */
export async function shareAiKey(
  db: Database,
  adminId: string,
  input: ShareAiKey,
  now: Date,
): Promise<AdminAiKeyShare> {
  const key = await db
    .select()
    .from(aiKeys)
    .where(and(eq(aiKeys.userId, adminId), eq(aiKeys.provider, input.provider)))
    .get();
  if (!key)
    throw invalid(
      "provider",
      "no_key_to_share",
      `You have no ${input.provider} key to share; add one on the Keys page first.`,
    );
  const user = await db.select().from(users).where(eq(users.email, input.email.toLowerCase())).get();
  if (!user) throw invalid("email", "unknown_user", "No user has signed in with this email yet.");
  if (user.id === adminId)
    throw invalid("email", "own_account", "This is your own account: your portfolios use your key already.");
  const count = await db.$count(aiKeyShares, eq(aiKeyShares.adminId, adminId));
  const existing = await db
    .select()
    .from(aiKeyShares)
    .where(and(eq(aiKeyShares.aiKeyId, key.id), eq(aiKeyShares.userId, user.id)))
    .get();
  if (!existing && count >= MAX_SHARES_PER_ADMIN)
    throw new ApiError("limit_reached", `You already share ${MAX_SHARES_PER_ADMIN} keys; revoke one first.`, {
      details: { limit: MAX_SHARES_PER_ADMIN },
    });
  const [row] = await db
    .insert(aiKeyShares)
    .values({
      id: crypto.randomUUID(),
      aiKeyId: key.id,
      adminId,
      userId: user.id,
      monthlyBudgetUsd: input.monthlyBudgetUsd,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [aiKeyShares.aiKeyId, aiKeyShares.userId],
      set: { monthlyBudgetUsd: input.monthlyBudgetUsd, updatedAt: now },
    })
    .returning();
  if (!row) throw new Error("AI key share upsert returned nothing");
  const spent = await spentOf(db, [row.id], monthStart(now));
  return adminView(row, key, user.email, spent.get(row.id) ?? "0");
}

export async function listAdminShares(db: Database, adminId: string, now: Date): Promise<AdminAiKeyShare[]> {
  const rows = await db
    .select({ share: aiKeyShares, key: aiKeys, email: users.email })
    .from(aiKeyShares)
    .innerJoin(aiKeys, eq(aiKeys.id, aiKeyShares.aiKeyId))
    .innerJoin(users, eq(users.id, aiKeyShares.userId))
    .where(eq(aiKeyShares.adminId, adminId))
    .orderBy(users.email, aiKeys.provider)
    .all();
  const spent = await spentOf(
    db,
    rows.map((r) => r.share.id),
    monthStart(now),
  );
  return rows.map((r) => adminView(r.share, r.key, r.email, spent.get(r.share.id) ?? "0"));
}

/** Revokes one of the administrator's shares at once (another administrator's share is "not found"). */
export async function revokeShare(db: Database, adminId: string, id: string): Promise<void> {
  const deleted = await db
    .delete(aiKeyShares)
    .where(and(eq(aiKeyShares.id, id), eq(aiKeyShares.adminId, adminId)))
    .returning({ id: aiKeyShares.id });
  if (deleted.length === 0) throw new ApiError("not_found", "No such share.");
}

/** The keys shared with the user, with this month's spend and what is left; never the key or its owner. */
export async function listSharedWithUser(db: Database, userId: string, now: Date): Promise<SharedAiKey[]> {
  const rows = await db
    .select({ share: aiKeyShares, provider: aiKeys.provider })
    .from(aiKeyShares)
    .innerJoin(aiKeys, eq(aiKeys.id, aiKeyShares.aiKeyId))
    .where(eq(aiKeyShares.userId, userId))
    .orderBy(aiKeys.provider, aiKeyShares.createdAt)
    .all();
  const spent = await spentOf(
    db,
    rows.map((r) => r.share.id),
    monthStart(now),
  );
  return rows.map((r) => ({
    id: r.share.id,
    provider: r.provider,
    ...budgetOf(r.share.monthlyBudgetUsd, spent.get(r.share.id) ?? "0"),
  }));
}

/** A portfolio may name a share only if it is shared with its owner, for the portfolio's provider. */
export async function checkShareChoice(
  db: Database,
  userId: string,
  choice: { provider: AiProvider; sharedKeyId: string },
): Promise<void> {
  const row = await db
    .select({ provider: aiKeys.provider })
    .from(aiKeyShares)
    .innerJoin(aiKeys, eq(aiKeys.id, aiKeyShares.aiKeyId))
    .where(and(eq(aiKeyShares.id, choice.sharedKeyId), eq(aiKeyShares.userId, userId)))
    .get();
  if (!row)
    throw invalid(
      "decisionSource.sharedKeyId",
      "shared_key_unknown",
      "No AI key with this id is shared with you.",
      false,
    );
  if (row.provider !== choice.provider)
    throw invalid(
      "decisionSource.sharedKeyId",
      "shared_key_unknown",
      `This shared key is a ${row.provider} key, not ${choice.provider}.`,
      false,
    );
}

/** The key a share lends, opened for a call made on the user's behalf (model lists); null when not shared with them. */
export async function openSharedKey(
  db: Database,
  keyring: Keyring,
  userId: string,
  shareId: string,
): Promise<{ provider: AiProvider; apiKey: string; baseUrl: string | null } | null> {
  const raw = await sharedKeyStatement(db.$client, shareId, userId).first<Record<string, unknown>>();
  if (!raw) return null;
  const { key } = readSharedKey(raw);
  return { provider: key.provider, apiKey: await openAiKeyRow(keyring, key), baseUrl: key.baseUrl };
}

// ---------------------------------------------------------------------------------------------------------------
// Statements for a review's batch (worker/db/rows.ts)

const SHARE_COLUMNS = columnList(aiKeyShares)
  .split(", ")
  .map((column) => `s.${column} AS ${column.replace(/^"/, '"share_')}`)
  .join(", ");
const KEY_COLUMNS = columnList(aiKeys)
  .split(", ")
  .map((column) => `k.${column}`)
  .join(", ");

/** The share (for this user only) with the administrator's key it lends: one row, or none once revoked. */
export function sharedKeyStatement(d1: D1Database, shareId: string, userId: string): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${SHARE_COLUMNS}, ${KEY_COLUMNS} FROM "ai_key_shares" s JOIN "ai_keys" k ON k."id" = s."ai_key_id"
       WHERE s."id" = ? AND s."user_id" = ?`,
    )
    .bind(shareId, userId);
}

export function readSharedKey(raw: Record<string, unknown>): { share: ShareRow; key: AiKeyRow } {
  const shareRaw = Object.fromEntries(
    Object.entries(raw)
      .filter(([name]) => name.startsWith("share_"))
      .map(([name, value]) => [name.slice("share_".length), value]),
  );
  const keyRaw = Object.fromEntries(Object.entries(raw).filter(([name]) => !name.startsWith("share_")));
  return { share: readRow(aiKeyShares, shareRaw), key: readRow(aiKeys, keyRaw) };
}

/**
 * What the share's decisions cost since `since`, across all the user's portfolios: their runs' and their AI replays'.
 * One row: `spent` as text.
 */
export function shareSpendStatement(d1: D1Database, shareId: string, since: Date): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT CAST(COALESCE(SUM(CAST("cost_usd" AS REAL)), 0) AS TEXT) AS "spent" FROM (
         SELECT "cost_usd" FROM "portfolio_runs" WHERE "ai_share_id" = ?1 AND "requested_at" >= ?2
         UNION ALL
         SELECT "cost_usd" FROM "ai_replay_spend" WHERE "ai_share_id" = ?1 AND "requested_at" >= ?2
       ) WHERE "cost_usd" IS NOT NULL`,
    )
    .bind(shareId, since.getTime());
}

// ---------------------------------------------------------------------------------------------------------------

async function spentOf(db: Database, shareIds: string[], since: Date): Promise<Map<string, string>> {
  const spent = new Map<string, string>();
  if (shareIds.length === 0) return spent;
  const d1 = db.$client;
  const results = await d1.batch(shareIds.map((id) => shareSpendStatement(d1, id, since)));
  shareIds.forEach((id, i) => {
    spent.set(id, String((results[i]?.results?.[0] as { spent?: unknown } | undefined)?.spent ?? "0"));
  });
  return spent;
}

function budgetOf(monthlyBudgetUsd: string, spent: string) {
  const spentUsd = Big(spent).round(6);
  const left = Big(monthlyBudgetUsd).minus(spentUsd);
  return {
    monthlyBudgetUsd,
    spentUsd: spentUsd.toFixed(),
    remainingUsd: (left.gt(0) ? left : Big(0)).toFixed(),
  };
}

function adminView(row: ShareRow, key: AiKeyRow, email: string, spent: string): AdminAiKeyShare {
  return {
    id: row.id,
    provider: key.provider,
    baseUrl: key.baseUrl,
    userId: row.userId,
    email,
    ...budgetOf(row.monthlyBudgetUsd, spent),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function invalid(field: string, rule: IssueRule, message: string, json = true): ApiError {
  return fieldIssue(json ? `json.${field}` : field, rule, message, { summary: message });
}
