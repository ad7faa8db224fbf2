import { and, eq } from "drizzle-orm";
import type { ExchangeEnvironment, MarketBaseUrls, Venue } from "../../shared/api/keys.ts";
import type { Database } from "../db/client.ts";
import { exchangeKeys } from "../db/schema.ts";
import type { Keyring } from "./keyring.ts";
import { openSecret } from "./sealed-secret.ts";

export type ExchangeCredentials = {
  keyId: string;
  venue: Venue;
  environment: ExchangeEnvironment;
  baseUrls: MarketBaseUrls | null;
  apiKey: string;
  apiSecret: string;
};

export class ExchangeKeyUnusableError extends Error {
  override readonly name = "ExchangeKeyUnusableError";
}

/**
 * The one place exchange credentials are decrypted: call it right where a request is signed and let the result go
 * out of scope after. Unverified keys are refused, so the engine never trades with a key whose permissions we do
 * not know (it might allow withdrawals).
 */
export async function openExchangeCredentials(
  db: Database,
  keyring: Keyring,
  userId: string,
  keyId: string,
): Promise<ExchangeCredentials> {
  const row = await db
    .select()
    .from(exchangeKeys)
    .where(and(eq(exchangeKeys.id, keyId), eq(exchangeKeys.userId, userId)))
    .get();
  if (!row) throw new ExchangeKeyUnusableError(`exchange key ${keyId} does not exist`);
  return openCredentialsOf(keyring, row);
}

/** The same, from the key's row as the caller has just read it (one read where the caller checks the row first). */
export async function openCredentialsOf(
  keyring: Keyring,
  row: typeof exchangeKeys.$inferSelect,
): Promise<ExchangeCredentials> {
  if (row.status !== "verified") throw new ExchangeKeyUnusableError(`exchange key ${row.id} is not verified`);
  const plaintext = await openSecret(
    keyring,
    { userId: row.userId, kind: "exchange_key", recordId: row.id },
    { sealed: row.sealed, keyVersion: row.keyVersion },
  );
  const { apiKey, apiSecret } = JSON.parse(plaintext) as { apiKey: string; apiSecret: string };
  return {
    keyId: row.id,
    venue: row.venue,
    environment: row.environment,
    baseUrls: storedBaseUrls(row),
    apiKey,
    apiSecret,
  };
}

/** A key's stored per-market base URLs: null outside the custom environment. */
export function storedBaseUrls(row: {
  environment: ExchangeEnvironment;
  spotBaseUrl: string | null;
  linearBaseUrl: string | null;
}): MarketBaseUrls | null {
  if (row.environment !== "custom") return null;
  return { spot: row.spotBaseUrl, linear: row.linearBaseUrl };
}
