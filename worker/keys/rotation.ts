import { and, eq, inArray, isNotNull, notInArray } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { aiKeys, exchangeKeys, users } from "../db/schema.ts";
import type { Keyring } from "./keyring.ts";
import { openSecret, type SecretBinding, sealSecret } from "./sealed-secret.ts";

export type RotationReport = {
  exchangeKeys: number;
  aiKeys: number;
  totpSecrets: number;
  /** Records sealed with a master version that is not configured: they cannot be read until it is. */
  unreadable: number;
  done: boolean;
};

/** A batch keeps each pass well inside one request's CPU budget; the caller repeats until `done`. */
const BATCH = 50;

/**
 * Re-encrypts stored secrets sealed with an older configured master version under the current one. Idempotent and
 * resumable: a record is rewritten only if it still has the version we read (a concurrent save wins).
 */
export async function rotateSecrets(db: Database, keyring: Keyring): Promise<RotationReport> {
  const older = keyring.versions.filter((version) => version !== keyring.currentVersion);
  const [exchange, ai, totp] = older.length
    ? await Promise.all([
        db.select().from(exchangeKeys).where(inArray(exchangeKeys.keyVersion, older)).limit(BATCH).all(),
        db.select().from(aiKeys).where(inArray(aiKeys.keyVersion, older)).limit(BATCH).all(),
        db.select().from(users).where(inArray(users.totpKeyVersion, older)).limit(BATCH).all(),
      ])
    : [[], [], []];

  for (const row of exchange) {
    const binding: SecretBinding = { userId: row.userId, kind: "exchange_key", recordId: row.id };
    const resealed = await reseal(keyring, binding, row.sealed, row.keyVersion);
    await db
      .update(exchangeKeys)
      .set(resealed)
      .where(and(eq(exchangeKeys.id, row.id), eq(exchangeKeys.keyVersion, row.keyVersion)));
  }
  for (const row of ai) {
    const binding: SecretBinding = { userId: row.userId, kind: "ai_key", recordId: row.id };
    const resealed = await reseal(keyring, binding, row.sealed, row.keyVersion);
    await db
      .update(aiKeys)
      .set(resealed)
      .where(and(eq(aiKeys.id, row.id), eq(aiKeys.keyVersion, row.keyVersion)));
  }
  for (const row of totp) {
    if (!row.totpSecretSealed || row.totpKeyVersion === null) continue;
    const binding: SecretBinding = { userId: row.id, kind: "totp_secret", recordId: row.id };
    const resealed = await reseal(keyring, binding, row.totpSecretSealed, row.totpKeyVersion);
    await db
      .update(users)
      .set({ totpSecretSealed: resealed.sealed, totpKeyVersion: resealed.keyVersion })
      .where(and(eq(users.id, row.id), eq(users.totpKeyVersion, row.totpKeyVersion)));
  }

  return {
    exchangeKeys: exchange.length,
    aiKeys: ai.length,
    totpSecrets: totp.length,
    unreadable: await countUnreadable(db, keyring),
    done: exchange.length < BATCH && ai.length < BATCH && totp.length < BATCH,
  };
}

async function countUnreadable(db: Database, keyring: Keyring): Promise<number> {
  const known = [...keyring.versions];
  const counts = await Promise.all([
    db.$count(exchangeKeys, notInArray(exchangeKeys.keyVersion, known)),
    db.$count(aiKeys, notInArray(aiKeys.keyVersion, known)),
    db.$count(users, and(isNotNull(users.totpSecretSealed), notInArray(users.totpKeyVersion, known))),
  ]);
  return counts.reduce((sum, count) => sum + count, 0);
}

async function reseal(keyring: Keyring, binding: SecretBinding, sealed: string, keyVersion: number) {
  const plaintext = await openSecret(keyring, binding, { sealed, keyVersion });
  return sealSecret(keyring, binding, plaintext);
}
