import { and, asc, eq } from "drizzle-orm";
import type { CreateExchangeKey, ExchangeKey, MarketBaseUrls, ReplaceExchangeKey } from "../../shared/api/keys.ts";
import { insertWithinCap } from "../db/capped-insert.ts";
import type { Database } from "../db/client.ts";
import { exchangeKeys } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import { createLogger } from "../http/logger.ts";
import { enqueueNotification } from "../notifications/outbox.ts";
import { checkedBaseUrls } from "./custom-base-url.ts";
import { storedBaseUrls } from "./exchange-credentials.ts";
import type { ExchangeKeyCheck, ExchangeKeyPermissions, ExchangeKeyVerifier } from "./exchange-key-verifier.ts";
import type { Keyring } from "./keyring.ts";
import { last4, maskLast4 } from "./masking.ts";
import type { PortfolioControl } from "./portfolio-control.ts";
import { sealSecret } from "./sealed-secret.ts";

type ExchangeKeyRow = typeof exchangeKeys.$inferSelect;

export type ExchangeKeyServices = {
  db: Database;
  keyring: Keyring;
  verify: ExchangeKeyVerifier;
  portfolios: PortfolioControl;
  extraHosts: string[];
  now: Date;
};

/** Each key is verified with a venue and read by every review of its portfolios: one account keeps a bounded number. */
export const MAX_EXCHANGE_KEYS_PER_USER = 20;

const UNVERIFIED_NOTE = "Not verified with the exchange yet, so it is not used for trading.";

export async function listExchangeKeys(db: Database, userId: string): Promise<ExchangeKey[]> {
  const rows = await db
    .select()
    .from(exchangeKeys)
    .where(eq(exchangeKeys.userId, userId))
    .orderBy(asc(exchangeKeys.createdAt))
    .all();
  return rows.map((row) => toExchangeKeyView(row));
}

export async function getExchangeKey(db: Database, userId: string, keyId: string): Promise<ExchangeKey> {
  return toExchangeKeyView(await findOwnedKey(db, userId, keyId));
}

/** Verifies with the venue, refuses keys that can withdraw, then stores the key sealed. */
export async function addExchangeKey(
  services: ExchangeKeyServices,
  userId: string,
  input: CreateExchangeKey,
): Promise<ExchangeKey> {
  const baseUrls = checkedBaseUrls(input.venue, input.environment, input, services.extraHosts);
  await refuseDuplicateLabel(services.db, userId, input.venue, input.label, null);
  const ownKeys = eq(exchangeKeys.userId, userId);
  // Checked before asking the venue (no call for a key that cannot be kept) and again inside the insert (races).
  if ((await services.db.$count(exchangeKeys, ownKeys)) >= MAX_EXCHANGE_KEYS_PER_USER) throw tooManyKeys();
  const check = { ...input, baseUrls, extraHosts: services.extraHosts };
  const verification = await verifyForSaving(services.verify, check);
  const id = crypto.randomUUID();
  const sealed = await sealCredentials(services.keyring, userId, id, input);
  const values = {
    id,
    userId,
    venue: input.venue,
    environment: input.environment,
    ...baseUrlColumns(baseUrls),
    label: input.label,
    ...sealed,
    ...verificationColumns(verification, services.now),
    createdAt: services.now,
    updatedAt: services.now,
  };
  if (!(await insertWithinCap(services.db, exchangeKeys, values, ownKeys, MAX_EXCHANGE_KEYS_PER_USER)))
    throw tooManyKeys();
  await notifyIfUnverified(
    services,
    { id, userId, venue: input.venue, label: input.label },
    verification.permissions ? null : verification.note,
  );
  return toExchangeKeyView(await findOwnedKey(services.db, userId, id), verification.note);
}

/** A key the venue could not confirm never trades: its owner hears so (enqueueing never fails the save). */
async function notifyIfUnverified(
  services: ExchangeKeyServices,
  key: Pick<ExchangeKeyRow, "id" | "userId" | "venue" | "label">,
  note: string | null,
): Promise<void> {
  if (!note) return;
  const event = {
    userId: key.userId,
    type: "key_unverified" as const,
    key: `${key.id}:${services.now.getTime()}`,
    params: { keyId: key.id, label: key.label, venue: key.venue, reason: note },
  };
  await enqueueNotification(services.db.$client, event, services.now, createLogger("warn"));
}

function tooManyKeys(): ApiError {
  return new ApiError(
    "limit_reached",
    `You already have ${MAX_EXCHANGE_KEYS_PER_USER} exchange keys, the most one account may keep; delete one first.`,
    { details: { limit: MAX_EXCHANGE_KEYS_PER_USER } },
  );
}

/** Replacing credentials stops the portfolios trading with the old ones first. */
export async function replaceExchangeKey(
  services: ExchangeKeyServices,
  userId: string,
  keyId: string,
  input: ReplaceExchangeKey,
): Promise<ExchangeKey> {
  const existing = await findOwnedKey(services.db, userId, keyId);
  const baseUrls = checkedBaseUrls(existing.venue, input.environment, input, services.extraHosts);
  await refuseDuplicateLabel(services.db, userId, existing.venue, input.label, keyId);
  const verification = await verifyForSaving(services.verify, {
    ...input,
    venue: existing.venue,
    baseUrls,
    extraHosts: services.extraHosts,
  });
  await services.portfolios.stopPortfoliosUsingKey(userId, keyId, "replaced");
  const sealed = await sealCredentials(services.keyring, userId, keyId, input);
  const [row] = await services.db
    .update(exchangeKeys)
    .set({
      environment: input.environment,
      ...baseUrlColumns(baseUrls),
      label: input.label,
      ...sealed,
      ...verificationColumns(verification, services.now),
      updatedAt: services.now,
    })
    .where(and(eq(exchangeKeys.id, keyId), eq(exchangeKeys.userId, userId)))
    .returning();
  if (!row) throw notFound();
  await notifyIfUnverified(services, row, verification.permissions ? null : verification.note);
  return toExchangeKeyView(row, verification.note);
}

/** Deleting a key stops the portfolios that use it (the engine cancels their open orders) before it disappears. */
export async function deleteExchangeKey(
  db: Database,
  portfolios: PortfolioControl,
  userId: string,
  keyId: string,
): Promise<void> {
  await findOwnedKey(db, userId, keyId);
  await portfolios.stopPortfoliosUsingKey(userId, keyId, "deleted");
  await db.delete(exchangeKeys).where(and(eq(exchangeKeys.id, keyId), eq(exchangeKeys.userId, userId)));
}

async function verifyForSaving(
  verify: ExchangeKeyVerifier,
  check: ExchangeKeyCheck,
): Promise<{ permissions: ExchangeKeyPermissions | null; note: string | null }> {
  const result = await verify(check);
  if (result.outcome === "rejected")
    throw new ApiError("key_rejected", `The exchange refused this key: ${result.reason}`, { status: 400 });
  if (result.outcome === "unavailable")
    return {
      permissions: null,
      note: `Saved as unverified: ${result.reason} Replace the key to try again; unverified keys never trade.`,
    };
  if (result.permissions.canWithdraw)
    throw new ApiError(
      "key_can_withdraw",
      "This key allows withdrawals. Create a key without withdrawal permission: Ballast only needs reading and trading.",
      { status: 400, details: { permissions: result.permissions } },
    );
  return { permissions: result.permissions, note: result.note ?? null };
}

/** A verified key keeps its note (what its environment could not report); an unverified key's reason is transient. */
function verificationColumns(
  verification: { permissions: ExchangeKeyPermissions | null; note: string | null },
  now: Date,
) {
  const { permissions, note } = verification;
  if (!permissions)
    return {
      status: "unverified" as const,
      canTrade: null,
      canWithdraw: null,
      spot: null,
      futures: null,
      verifiedAt: null,
      verificationNote: null,
    };
  return { status: "verified" as const, ...permissions, verifiedAt: now, verificationNote: note };
}

function baseUrlColumns(baseUrls: MarketBaseUrls | null) {
  return { spotBaseUrl: baseUrls?.spot ?? null, linearBaseUrl: baseUrls?.linear ?? null };
}

async function sealCredentials(
  keyring: Keyring,
  userId: string,
  keyId: string,
  input: { apiKey: string; apiSecret: string },
) {
  const plaintext = JSON.stringify({ apiKey: input.apiKey, apiSecret: input.apiSecret });
  const sealed = await sealSecret(keyring, { userId, kind: "exchange_key", recordId: keyId }, plaintext);
  return {
    sealed: sealed.sealed,
    keyVersion: sealed.keyVersion,
    apiKeyLast4: last4(input.apiKey),
    apiSecretLast4: last4(input.apiSecret),
  };
}

async function refuseDuplicateLabel(
  db: Database,
  userId: string,
  venue: ExchangeKeyRow["venue"],
  label: string,
  exceptKeyId: string | null,
): Promise<void> {
  const clash = await db
    .select({ id: exchangeKeys.id })
    .from(exchangeKeys)
    .where(and(eq(exchangeKeys.userId, userId), eq(exchangeKeys.venue, venue), eq(exchangeKeys.label, label)))
    .get();
  if (clash && clash.id !== exceptKeyId)
    throw new ApiError("conflict", `You already have a ${venue} key labelled "${label}".`);
}

/** Another user's key id answers exactly like a missing one. */
async function findOwnedKey(db: Database, userId: string, keyId: string): Promise<ExchangeKeyRow> {
  const row = await db
    .select()
    .from(exchangeKeys)
    .where(and(eq(exchangeKeys.id, keyId), eq(exchangeKeys.userId, userId)))
    .get();
  if (!row) throw notFound();
  return row;
}

function notFound(): ApiError {
  return new ApiError("not_found", "No such exchange key.");
}

function toExchangeKeyView(row: ExchangeKeyRow, note: string | null = null): ExchangeKey {
  const verified = row.status === "verified";
  return {
    id: row.id,
    venue: row.venue,
    environment: row.environment,
    baseUrls: storedBaseUrls(row),
    label: row.label,
    apiKey: maskLast4(row.apiKeyLast4),
    apiSecret: maskLast4(row.apiSecretLast4),
    status: row.status,
    permissions: verified
      ? {
          canTrade: row.canTrade ?? false,
          canWithdraw: row.canWithdraw ?? false,
          spot: row.spot ?? false,
          futures: row.futures ?? false,
        }
      : null,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    verificationNote: verified ? row.verificationNote : (note ?? UNVERIFIED_NOTE),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
