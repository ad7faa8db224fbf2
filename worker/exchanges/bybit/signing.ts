import { hmacSha256Hex, percentEncode } from "../signing.ts";

/**
 * Bybit V5 request signing (docs/v5/guide.mdx § Authentication): the pre-sign string is
 * timestamp + apiKey + recvWindow + (query string for GET | raw JSON body for POST), signed with HMAC-SHA256 as
 * lowercase hex. The payload must be the exact bytes sent: a body re-serialized after signing fails with 10004.
 */
export type SignInput = { timestamp: number; apiKey: string; recvWindow: number; payload: string };

export function bybitPreSign(input: SignInput): string {
  return `${input.timestamp}${input.apiKey}${input.recvWindow}${input.payload}`;
}

export function signBybit(secret: string, input: SignInput): string {
  return hmacSha256Hex(secret, bybitPreSign(input));
}

export type QueryValue = string | number | boolean | undefined;

/**
 * `key=encodeURIComponent(value)` in insertion order, skipping undefined; the same string is signed and sent. Params
 * are plain object literals, so `for…in` sees exactly their own keys (and is cheaper than Object.keys).
 */
export function encodeQuery(params: Record<string, QueryValue>): string {
  let query = "";
  let separator = "";
  for (const key in params) {
    const value = params[key];
    if (value === undefined) continue;
    query += `${separator}${percentEncode(key)}=${percentEncode(String(value))}`;
    separator = "&";
  }
  return query;
}

/** The headers of a signed request; the values never appear in errors or logs. */
export function authHeaders(input: SignInput, signature: string): Record<string, string> {
  return {
    "X-BAPI-API-KEY": input.apiKey,
    "X-BAPI-TIMESTAMP": String(input.timestamp),
    "X-BAPI-RECV-WINDOW": String(input.recvWindow),
    "X-BAPI-SIGN": signature,
  };
}
