import { createHmac, timingSafeEqual } from "node:crypto";
import type { Account, SimEnvironment, SimExchange } from "../engine/types.ts";
import { apiError, BinanceApiError, mandatory } from "./errors.ts";

/**
 * SIGNED request checks in Binance's order (rest-api.md § "Request Security"): API key header, parameters, signature
 * over the exact bytes received (query string + body, signature removed), then the timestamp against recvWindow.
 */

export type RawRequest = {
  apiKey: string | null;
  /** The query string exactly as received, without "?". */
  query: string;
  /** The body exactly as received (application/x-www-form-urlencoded). */
  body: string;
};

/** Keys with this prefix always answer HTTP 451, so tests can reproduce Binance's geo-block. */
export const RESTRICTED_KEY_PREFIX = "restricted-location";

export const RESTRICTED_LOCATION = new BinanceApiError(
  451,
  0,
  "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error.",
);

const MAX_RECV_WINDOW = 60_000;

/** Parameters from query and body; a name in both uses the query value (rest-api.md). */
export function requestParams(raw: RawRequest): Map<string, string> {
  const params = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(raw.body)) params.set(key, value);
  for (const [key, value] of new URLSearchParams(raw.query)) params.set(key, value);
  return params;
}

/** A key made in another environment (e.g. a spot-testnet key on the futures testnet) is unknown here: -2015. */
export function authenticate(
  exchange: SimExchange,
  raw: RawRequest,
  params: Map<string, string>,
  serverTime: number,
  environment: SimEnvironment,
): Account {
  if (!raw.apiKey) throw apiError(401, -2014, "API-key format invalid.");
  const account = exchange.accountByKey(raw.apiKey);
  if (!account || account.environment !== environment)
    throw apiError(401, -2015, "Invalid API-key, IP, or permissions for action.");

  const signature = params.get("signature");
  if (!signature) throw mandatory("signature");
  const timestampText = params.get("timestamp");
  if (!timestampText || !/^\d+$/.test(timestampText)) throw mandatory("timestamp");
  const recvWindowText = params.get("recvWindow") ?? "5000";
  const recvWindow = Number(recvWindowText);
  if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > MAX_RECV_WINDOW) {
    throw apiError(400, -1131, "recvWindow must be less than 60000");
  }

  const payload = withoutSignature(raw.query) + withoutSignature(raw.body);
  const expected = createHmac("sha256", account.apiSecret).update(payload).digest("hex");
  if (!sameHex(expected, signature)) throw apiError(400, -1022, "Signature for this request is not valid.");

  const timestamp = Number(timestampText);
  if (timestamp >= serverTime + 1000) {
    throw apiError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
  }
  if (serverTime - timestamp > recvWindow) {
    throw apiError(400, -1021, "Timestamp for this request is outside of the recvWindow.");
  }
  return account;
}

/** Drops the `signature=...` pair from the raw bytes, leaving everything else exactly as sent. */
function withoutSignature(raw: string): string {
  if (!raw.includes("signature=")) return raw;
  return raw
    .split("&")
    .filter((part) => !part.startsWith("signature="))
    .join("&");
}

/** Hex output is not case-sensitive (rest-api.md). */
function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected.toLowerCase());
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
