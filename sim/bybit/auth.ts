import { createHmac, timingSafeEqual } from "node:crypto";
import type { Account, SimEnvironment, SimExchange } from "../engine/types.ts";
import { RET, type RetError } from "./codes.ts";

/**
 * Bybit V5 authentication (docs/v5/guide.mdx § Authentication): X-BAPI-API-KEY, X-BAPI-TIMESTAMP,
 * X-BAPI-RECV-WINDOW (default 5000) and X-BAPI-SIGN = hex HMAC-SHA256 of
 * timestamp + apiKey + recvWindow + (raw query string | raw JSON body), checked over the exact bytes received.
 * Accepted when server_time - recv_window <= timestamp < server_time + 1000.
 */

/** Keys with this prefix get the HTTP 403 Bybit gives US and mainland-China IPs, so tests can reproduce it. */
export const RESTRICTED_KEY_PREFIX = "restricted-location";

export class BybitAuthError extends Error {
  readonly status: number;
  readonly ret: RetError;
  constructor(status: number, ret: RetError) {
    super(ret.retMsg);
    this.status = status;
    this.ret = ret;
  }
}

export type SignedRequest = {
  apiKey: string | null;
  timestamp: string | null;
  recvWindow: string | null;
  signature: string | null;
  /** Query string without "?" for GET, raw body for POST. */
  payload: string;
};

export function authenticate(
  exchange: SimExchange,
  request: SignedRequest,
  serverTime: number,
  environment: SimEnvironment,
): Account {
  // Missing or unknown keys: HTTP 401 (guide.mdx HTTP codes), with the 10003 envelope. A key of another environment
  // (mainnet, testnet, demo) is unknown here: 10003 is what Bybit answers when key and domain do not match.
  if (!request.apiKey) throw new BybitAuthError(401, { retCode: RET.invalidKey, retMsg: "API key is invalid." });
  const account = exchange.accountByKey(request.apiKey);
  if (!account || account.environment !== environment)
    throw new BybitAuthError(401, { retCode: RET.invalidKey, retMsg: "API key is invalid." });
  if (!request.timestamp || !/^\d+$/.test(request.timestamp) || !request.signature) {
    throw new BybitAuthError(200, {
      retCode: RET.paramsError,
      retMsg: "params error: missing X-BAPI-TIMESTAMP or X-BAPI-SIGN",
    });
  }
  const recvWindow = Number(request.recvWindow ?? "5000");
  if (!Number.isInteger(recvWindow) || recvWindow <= 0) {
    throw new BybitAuthError(200, { retCode: RET.paramsError, retMsg: "params error: recv_window invalid" });
  }

  const origin = `${request.timestamp}${request.apiKey}${request.recvWindow ?? "5000"}${request.payload}`;
  const expected = createHmac("sha256", account.apiSecret).update(origin).digest("hex");
  if (!sameHex(expected, request.signature)) {
    // The real message echoes the server's pre-sign string (sieblyio/bybit-api#448).
    throw new BybitAuthError(200, { retCode: RET.badSign, retMsg: `error sign! origin_string[${origin}]` });
  }

  const timestamp = Number(request.timestamp);
  if (timestamp < serverTime - recvWindow || timestamp >= serverTime + 1000) {
    throw new BybitAuthError(200, {
      retCode: RET.timestamp,
      retMsg: `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${serverTime}],recv_window[${recvWindow}]`,
    });
  }
  return account;
}

/** Signatures are lowercase hex; compared in constant time. */
function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given.toLowerCase(), "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

export type Need = "read" | "spot" | "futures";

export function requirePermission(account: Account, need: Need): void {
  if (account.permissions[need]) return;
  throw new BybitAuthError(200, {
    retCode: RET.permission,
    retMsg: "Permission denied, please check your API key permissions.",
  });
}
