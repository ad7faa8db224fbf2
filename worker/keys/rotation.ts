import { and, type Column, eq, gt, inArray, isNotNull, lte, ne, notInArray, or, type SQL } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { aiKeys, exchangeKeys, notificationChannels, users } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import type { Keyring } from "./keyring.ts";
import {
  openSecret,
  type SealedSecret,
  type SecretBinding,
  SecretUnreadableError,
  sealSecret,
} from "./sealed-secret.ts";

export type RotationReport = {
  exchangeKeys: number;
  aiKeys: number;
  totpSecrets: number;
  notificationChannels: number;
  /**
   * Records no configured master opens: sealed with a version that is not configured, or passed over by this
   * rotation because they failed to decrypt (damaged, or sealed under a master configured wrongly).
   */
  unreadable: number;
  /** The records of this pass that failed to decrypt: which ones, never their content. */
  skipped: SecretBinding[];
  /** Where the next call goes on from; null once done. */
  cursor: string | null;
  done: boolean;
};

/** A batch keeps each pass well inside one request's CPU budget; the caller repeats until `done`. */
const BATCH = 50;

type SealedRecord = { binding: SecretBinding; secret: SealedSecret };

/** One table of sealed secrets, walked in id order. */
type SecretStore = {
  name: "exchange_keys" | "ai_keys" | "users" | "notification_channels";
  counter: "exchangeKeys" | "aiKeys" | "totpSecrets" | "notificationChannels";
  /** Up to `limit` records after `after` (by id) sealed with one of `versions`. */
  sealedWith(db: Database, versions: number[], after: string, limit: number): Promise<SealedRecord[]>;
  /** Writes the new sealing unless a concurrent save changed the record since it was read (that save wins). */
  save(db: Database, record: SealedRecord, resealed: SealedSecret): Promise<unknown>;
  count(db: Database, where: (version: Column, id: Column) => SQL | undefined): Promise<number>;
};

const STORES: SecretStore[] = [
  {
    name: "exchange_keys",
    counter: "exchangeKeys",
    async sealedWith(db, versions, after, limit) {
      const rows = await db
        .select({
          id: exchangeKeys.id,
          userId: exchangeKeys.userId,
          sealed: exchangeKeys.sealed,
          keyVersion: exchangeKeys.keyVersion,
        })
        .from(exchangeKeys)
        .where(and(inArray(exchangeKeys.keyVersion, versions), gt(exchangeKeys.id, after)))
        .orderBy(exchangeKeys.id)
        .limit(limit)
        .all();
      return rows.map((row) => ({
        binding: { userId: row.userId, kind: "exchange_key", recordId: row.id },
        secret: { sealed: row.sealed, keyVersion: row.keyVersion },
      }));
    },
    save: (db, { binding, secret }, resealed) =>
      db
        .update(exchangeKeys)
        .set(resealed)
        .where(and(eq(exchangeKeys.id, binding.recordId), eq(exchangeKeys.keyVersion, secret.keyVersion))),
    count: (db, where) => db.$count(exchangeKeys, where(exchangeKeys.keyVersion, exchangeKeys.id)),
  },
  {
    name: "ai_keys",
    counter: "aiKeys",
    async sealedWith(db, versions, after, limit) {
      const rows = await db
        .select({ id: aiKeys.id, userId: aiKeys.userId, sealed: aiKeys.sealed, keyVersion: aiKeys.keyVersion })
        .from(aiKeys)
        .where(and(inArray(aiKeys.keyVersion, versions), gt(aiKeys.id, after)))
        .orderBy(aiKeys.id)
        .limit(limit)
        .all();
      return rows.map((row) => ({
        binding: { userId: row.userId, kind: "ai_key", recordId: row.id },
        secret: { sealed: row.sealed, keyVersion: row.keyVersion },
      }));
    },
    save: (db, { binding, secret }, resealed) =>
      db
        .update(aiKeys)
        .set(resealed)
        .where(and(eq(aiKeys.id, binding.recordId), eq(aiKeys.keyVersion, secret.keyVersion))),
    count: (db, where) => db.$count(aiKeys, where(aiKeys.keyVersion, aiKeys.id)),
  },
  {
    name: "users",
    counter: "totpSecrets",
    async sealedWith(db, versions, after, limit) {
      const rows = await db
        .select({ id: users.id, sealed: users.totpSecretSealed, keyVersion: users.totpKeyVersion })
        .from(users)
        .where(and(isNotNull(users.totpSecretSealed), inArray(users.totpKeyVersion, versions), gt(users.id, after)))
        .orderBy(users.id)
        .limit(limit)
        .all();
      return rows.map((row) => ({
        binding: { userId: row.id, kind: "totp_secret", recordId: row.id },
        secret: { sealed: row.sealed ?? "", keyVersion: row.keyVersion ?? 0 },
      }));
    },
    save: (db, { binding, secret }, resealed) =>
      db
        .update(users)
        .set({ totpSecretSealed: resealed.sealed, totpKeyVersion: resealed.keyVersion })
        .where(and(eq(users.id, binding.recordId), eq(users.totpKeyVersion, secret.keyVersion))),
    count: (db, where) =>
      db.$count(users, and(isNotNull(users.totpSecretSealed), where(users.totpKeyVersion, users.id))),
  },
  {
    name: "notification_channels",
    counter: "notificationChannels",
    async sealedWith(db, versions, after, limit) {
      const t = notificationChannels;
      const rows = await db
        .select({ id: t.id, userId: t.userId, sealed: t.sealed, keyVersion: t.keyVersion })
        .from(t)
        .where(and(inArray(t.keyVersion, versions), gt(t.id, after)))
        .orderBy(t.id)
        .limit(limit)
        .all();
      return rows.map((row) => ({
        binding: { userId: row.userId, kind: "notification_channel", recordId: row.id },
        secret: { sealed: row.sealed, keyVersion: row.keyVersion },
      }));
    },
    save: (db, { binding, secret }, resealed) =>
      db
        .update(notificationChannels)
        .set(resealed)
        .where(
          and(eq(notificationChannels.id, binding.recordId), eq(notificationChannels.keyVersion, secret.keyVersion)),
        ),
    count: (db, where) =>
      db.$count(notificationChannels, where(notificationChannels.keyVersion, notificationChannels.id)),
  },
];

/** How far a rotation got: the store it is in and the last id it passed there. */
type Position = { store: number; after: string };

/**
 * Re-encrypts stored secrets sealed with an older configured master version under the current one, a batch per
 * call. It walks each table in id order and hands back a cursor, so a record that fails to decrypt is counted,
 * reported and passed over once, instead of being picked up first by every later call (a batch of those would
 * otherwise stall the rotation forever). Idempotent: calling again without a cursor starts a fresh pass.
 */
export async function rotateSecrets(db: Database, keyring: Keyring, cursor?: string): Promise<RotationReport> {
  const older = keyring.versions.filter((version) => version !== keyring.currentVersion);
  const counters = { exchangeKeys: 0, aiKeys: 0, totpSecrets: 0, notificationChannels: 0 };
  const skipped: SecretBinding[] = [];
  let position = parseCursor(cursor);
  let budget = BATCH;
  for (let store = STORES[position.store]; store && budget > 0; store = STORES[position.store]) {
    const records = older.length ? await store.sealedWith(db, older, position.after, budget) : [];
    for (const record of records) {
      const resealed = await reseal(keyring, record);
      if (!resealed) {
        skipped.push(record.binding);
        continue;
      }
      await store.save(db, record, resealed);
      counters[store.counter] += 1;
    }
    const last = records.at(-1);
    position =
      records.length === budget && last
        ? { store: position.store, after: last.binding.recordId }
        : { store: position.store + 1, after: "" };
    budget -= records.length;
  }
  const done = position.store >= STORES.length;
  return {
    ...counters,
    unreadable: await countUnreadable(db, keyring, position),
    skipped,
    cursor: done ? null : `${STORES[position.store]?.name}:${position.after}`,
    done,
  };
}

function parseCursor(cursor: string | undefined): Position {
  if (!cursor) return { store: 0, after: "" };
  const colon = cursor.indexOf(":");
  const store = STORES.findIndex((s) => s.name === cursor.slice(0, colon));
  if (colon < 0 || store < 0)
    throw new ApiError("validation_failed", "cursor: pass the cursor the previous rotation call answered.");
  return { store, after: cursor.slice(colon + 1) };
}

/**
 * Records sealed with a version that is not configured, plus records the rotation has passed that still have an
 * older version (they failed to decrypt: a readable one would have been rewritten).
 */
async function countUnreadable(db: Database, keyring: Keyring, position: Position): Promise<number> {
  const configured = [...keyring.versions];
  const older = configured.filter((version) => version !== keyring.currentVersion);
  const counts = await Promise.all(
    STORES.map((store, index) =>
      store.count(db, (version, id) => {
        const unknown = notInArray(version, configured);
        if (index < position.store) return ne(version, keyring.currentVersion);
        if (index > position.store || !position.after || older.length === 0) return unknown;
        return or(unknown, and(inArray(version, older), lte(id, position.after)));
      }),
    ),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/** The record sealed under the current master, or null when it cannot be opened. */
async function reseal(keyring: Keyring, { binding, secret }: SealedRecord): Promise<SealedSecret | null> {
  try {
    return await sealSecret(keyring, binding, await openSecret(keyring, binding, secret));
  } catch (error) {
    if (error instanceof SecretUnreadableError) return null;
    throw error;
  }
}
