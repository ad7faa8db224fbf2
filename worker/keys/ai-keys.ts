import { and, asc, eq } from "drizzle-orm";
import type { AiKey, AiProvider } from "../../shared/api/keys.ts";
import type { Database } from "../db/client.ts";
import { columnList, readRow } from "../db/rows.ts";
import { aiKeys } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import { checkedAiBaseUrl } from "./ai-base-url.ts";
import type { AiKeyVerifier } from "./ai-key-verifier.ts";
import type { Keyring } from "./keyring.ts";
import { last4, maskLast4 } from "./masking.ts";
import { openSecret, SecretUnreadableError, sealSecret } from "./sealed-secret.ts";
import { aiKeyUnreadable } from "./unreadable-key.ts";

type AiKeyRow = typeof aiKeys.$inferSelect;

const UNVERIFIED_NOTE = "Not verified with the provider yet.";

export async function listAiKeys(db: Database, userId: string): Promise<AiKey[]> {
  const rows = await db.select().from(aiKeys).where(eq(aiKeys.userId, userId)).orderBy(asc(aiKeys.provider)).all();
  return rows.map((row) => toAiKeyView(row));
}

/** Adds or replaces the user's key for a provider after asking the provider (`GET /v1/models`) whether it works. */
export async function setAiKey(
  services: { db: Database; keyring: Keyring; verify: AiKeyVerifier; now: Date; extraHosts: string[] },
  userId: string,
  provider: AiProvider,
  input: { apiKey: string; baseUrl?: string | undefined },
): Promise<AiKey> {
  const { apiKey } = input;
  const baseUrl = input.baseUrl === undefined ? null : checkedAiBaseUrl(input.baseUrl, services.extraHosts);
  const verification = await services.verify(provider, apiKey, baseUrl);
  if (verification.outcome === "rejected") throw new ApiError("key_rejected", verification.reason, { status: 400 });
  const existing = await findAiKey(services.db, userId, provider);
  const id = existing?.id ?? crypto.randomUUID();
  const sealed = await sealSecret(services.keyring, { userId, kind: "ai_key", recordId: id }, apiKey);
  const verified = verification.outcome === "verified";
  const columns = {
    sealed: sealed.sealed,
    keyVersion: sealed.keyVersion,
    apiKeyLast4: last4(apiKey),
    baseUrl,
    status: verified ? ("verified" as const) : ("unverified" as const),
    verifiedAt: verified ? services.now : null,
    updatedAt: services.now,
  };
  const [row] = await services.db
    .insert(aiKeys)
    .values({ id, userId, provider, ...columns, createdAt: services.now })
    .onConflictDoUpdate({ target: [aiKeys.userId, aiKeys.provider], set: columns })
    .returning();
  if (!row) throw new Error("AI key upsert returned nothing");
  return toAiKeyView(row, verified ? null : verification.reason);
}

export async function deleteAiKey(db: Database, userId: string, provider: AiProvider): Promise<void> {
  const deleted = await db
    .delete(aiKeys)
    .where(and(eq(aiKeys.userId, userId), eq(aiKeys.provider, provider)))
    .returning({ id: aiKeys.id });
  if (deleted.length === 0) throw new ApiError("not_found", `You have no ${provider} key.`);
}

/**
 * Decrypts the key for the AI call that needs it, and nowhere else. Null when the user has none; 424
 * `ai_key_unreadable` when it cannot be decrypted.
 */
export async function openAiKey(
  db: Database,
  keyring: Keyring,
  userId: string,
  provider: AiProvider,
): Promise<{ apiKey: string; baseUrl: string | null } | null> {
  const row = await findAiKey(db, userId, provider);
  return row ? { apiKey: await openAiKeyRow(keyring, row), baseUrl: row.baseUrl } : null;
}

/** The user's key row for a provider, as a statement for a review's batch (worker/db/rows.ts). */
export function aiKeyStatement(d1: D1Database, userId: string, provider: AiProvider): D1PreparedStatement {
  return d1
    .prepare(`SELECT ${AI_KEY_COLUMNS} FROM "ai_keys" WHERE "user_id" = ? AND "provider" = ?`)
    .bind(userId, provider);
}

export function readAiKeyRow(raw: Record<string, unknown>): AiKeyRow {
  return readRow(aiKeys, raw);
}

const AI_KEY_COLUMNS = columnList(aiKeys);

export function openAiKeyRow(keyring: Keyring, row: AiKeyRow): Promise<string> {
  const binding = { userId: row.userId, kind: "ai_key" as const, recordId: row.id };
  return openSecret(keyring, binding, { sealed: row.sealed, keyVersion: row.keyVersion }).catch((error: unknown) => {
    if (error instanceof SecretUnreadableError) throw aiKeyUnreadable(row.provider);
    throw error;
  });
}

function findAiKey(db: Database, userId: string, provider: AiProvider): Promise<AiKeyRow | undefined> {
  return db
    .select()
    .from(aiKeys)
    .where(and(eq(aiKeys.userId, userId), eq(aiKeys.provider, provider)))
    .get();
}

function toAiKeyView(row: AiKeyRow, note: string | null = null): AiKey {
  const verified = row.status === "verified";
  return {
    provider: row.provider,
    baseUrl: row.baseUrl,
    apiKey: maskLast4(row.apiKeyLast4),
    status: row.status,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    verificationNote: verified ? null : (note ?? UNVERIFIED_NOTE),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
