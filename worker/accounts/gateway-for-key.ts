import type { Database } from "../db/client.ts";
import { columnList, readRow } from "../db/rows.ts";
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

/** An exchange key's row as stored. */
export type KeyRow = typeof exchangeKeys.$inferSelect;

/**
 * A signed gateway for one of the caller's keys. Ownership and verification are checked first, so another user's
 * key is simply "not found" and an unverified key is refused before its secret is ever decrypted. `priceReuse`: as
 * for `marketDataGateway`. `known`: the key's row if the caller read it already (portfolioKeyStatement).
 */
export async function gatewayForKey(
  services: AccountServices,
  userId: string,
  keyId: string,
  priceReuse?: PriceReuse,
  known?: KeyRow,
): Promise<KeyedGateway> {
  const key = await ownedKey(services.db, userId, keyId, known);
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
 * lets it reuse prices read shortly before (the engine's brokers), `known` as for `gatewayForKey`.
 */
export async function marketDataGateway(
  services: AccountServices,
  userId: string,
  venue: Venue,
  keyId: string | undefined,
  priceReuse?: PriceReuse,
  known?: KeyRow,
): Promise<ExchangeGateway> {
  if (!keyId) return createGateway({ venue, environment: "live", credentials: null });
  const key = await ownedKey(services.db, userId, keyId, known);
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

const KEY_COLUMNS = columnList(exchangeKeys);

/**
 * The key a portfolio trades with, if its owner still has it: for a batch that reads the portfolio too (a review's
 * first), so opening the key costs no round trip of its own. Plain SQL (worker/db/rows.ts), as below.
 */
export function portfolioKeyStatement(d1: D1Database, portfolioId: string): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${KEY_COLUMNS} FROM "exchange_keys" WHERE ("id", "user_id") = ` +
        `(SELECT "exchange_key_id", "user_id" FROM "portfolios" WHERE "id" = ?)`,
    )
    .bind(portfolioId);
}

/** The row of `portfolioKeyStatement`'s result, if any. */
export function readKeyRow(raw: Record<string, unknown> | undefined): KeyRow | undefined {
  return raw ? readRow(exchangeKeys, raw) : undefined;
}

/** Plain SQL (worker/db/rows.ts): every review opens its key, and drizzle's query building cost more than the read. */
async function ownedKey(db: Database, userId: string, keyId: string, known?: KeyRow): Promise<KeyRow> {
  if (known && known.id === keyId && known.userId === userId) return known;
  const raw = await db.$client
    .prepare(`SELECT ${KEY_COLUMNS} FROM "exchange_keys" WHERE "id" = ? AND "user_id" = ?`)
    .bind(keyId, userId)
    .first<Record<string, unknown>>();
  if (!raw) throw new ApiError("not_found", "No such exchange key.");
  return readRow(exchangeKeys, raw);
}
