import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { exchangeKeys } from "../db/schema.ts";
import type { ExchangeGateway, Venue } from "../exchanges/contract.ts";
import { createGateway } from "../exchanges/gateway.ts";
import type { PriceReuse } from "../exchanges/shared-market-data.ts";
import { ApiError } from "../http/api-error.ts";
import { openCredentialsOf, storedBaseUrls } from "../keys/exchange-credentials.ts";
import type { Keyring } from "../keys/keyring.ts";
import { SecretUnreadableError } from "../keys/sealed-secret.ts";
import { exchangeKeyUnreadable } from "../keys/unreadable-key.ts";

export type AccountServices = {
  db: Database;
  keyring: Keyring | null;
  extraHosts: string[];
  /** Per-request timeout of exchange calls; the gateway's default when absent. */
  exchangeTimeoutMs?: number;
};

export type KeyedGateway = { keyId: string; venue: Venue; gateway: ExchangeGateway };

type KeyTarget = typeof exchangeKeys.$inferSelect;

/**
 * A signed gateway for one of the caller's keys. Ownership and verification are checked first, so another user's
 * key is simply "not found" and an unverified key is refused before its secret is ever decrypted. `priceReuse`: as
 * for `marketDataGateway`.
 */
export async function gatewayForKey(
  services: AccountServices,
  userId: string,
  keyId: string,
  priceReuse?: PriceReuse,
): Promise<KeyedGateway> {
  const key = await ownedKey(services.db, userId, keyId);
  if (key.status !== "verified")
    throw new ApiError(
      "key_unverified",
      "This exchange key is not verified with the exchange yet, so it is not used. Replace it to verify it again.",
      { status: 409 },
    );
  if (!services.keyring) throw new ApiError("internal_error", "Stored keys cannot be opened: MASTER_KEY is not set.");
  // Opened from the row just checked: one read of the key per gateway.
  const credentials = await openCredentialsOf(services.keyring, key).catch((error) => {
    if (error instanceof SecretUnreadableError) throw exchangeKeyUnreadable(key.label);
    throw error;
  });
  const gateway = createGateway({
    venue: credentials.venue,
    environment: credentials.environment,
    customBaseUrls: credentials.baseUrls,
    credentials: { apiKey: credentials.apiKey, apiSecret: credentials.apiSecret },
    extraHosts: services.extraHosts,
    timeoutMs: services.exchangeTimeoutMs,
    priceReuse,
  });
  return { keyId, venue: credentials.venue, gateway };
}

/**
 * An unsigned gateway for public market data, in a key's environment or on live when no key is named; `priceReuse`
 * lets it reuse prices read shortly before (the engine's brokers).
 */
export async function marketDataGateway(
  services: AccountServices,
  userId: string,
  venue: Venue,
  keyId: string | undefined,
  priceReuse?: PriceReuse,
): Promise<ExchangeGateway> {
  if (!keyId) return createGateway({ venue, environment: "live", credentials: null });
  const key = await ownedKey(services.db, userId, keyId);
  if (key.venue !== venue)
    throw new ApiError("validation_failed", `Key ${keyId} is a ${key.venue} key, not a ${venue} key.`);
  return createGateway({
    venue,
    environment: key.environment,
    customBaseUrls: storedBaseUrls(key),
    credentials: null,
    extraHosts: services.extraHosts,
    timeoutMs: services.exchangeTimeoutMs,
    priceReuse,
  });
}

async function ownedKey(db: Database, userId: string, keyId: string): Promise<KeyTarget> {
  const key = await db
    .select()
    .from(exchangeKeys)
    .where(and(eq(exchangeKeys.id, keyId), eq(exchangeKeys.userId, userId)))
    .get();
  if (!key) throw new ApiError("not_found", "No such exchange key.");
  return key;
}
