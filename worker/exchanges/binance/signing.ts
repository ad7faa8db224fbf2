import { hmacSha256Hex, percentEncode } from "../signing.ts";

/**
 * Binance SIGNED requests (spot rest-api.md § "SIGNED Endpoint security", same scheme on fapi):
 * signature = hex HMAC-SHA256(secret, queryString + body), concatenated without a separator, over the exact bytes
 * sent. Parameters are `key=encodeURIComponent(value)` in insertion order, like the official connector.
 */

export type ParamValue = string | number | boolean | readonly string[] | null | undefined;
export type Params = Record<string, ParamValue>;

/**
 * `a=1&b=2`, skipping null/undefined; arrays are JSON (exchangeInfo `symbols=["A","B"]`). Params are plain object
 * literals, so `for…in` sees exactly their own keys (and is cheaper than Object.keys).
 */
export function encodeParams(params: Params): string {
  let query = "";
  let separator = "";
  for (const key in params) {
    const value = params[key];
    if (value === null || value === undefined) continue;
    const text = typeof value === "string" ? value : Array.isArray(value) ? JSON.stringify(value) : String(value);
    query += `${separator}${key}=${percentEncode(text)}`;
    separator = "&";
  }
  return query;
}

export function signPayload(secret: string, queryString: string, body: string): string {
  return hmacSha256Hex(secret, queryString + body);
}

export type SignedParts = { query: string; body: string };

/**
 * Adds recvWindow, timestamp and signature. GET/DELETE carry everything in the query; POST/PUT send a
 * form-urlencoded body (the signature follows the body it signs).
 */
export function signRequest(
  method: string,
  params: Params,
  credentials: { apiSecret: string },
  recvWindowMs: number,
  timestampMs: number,
): SignedParts {
  const payload = withTiming(params, recvWindowMs, timestampMs);
  const signed = `${payload}&signature=${hmacSha256Hex(credentials.apiSecret, payload)}`;
  return method === "POST" || method === "PUT" ? { query: "", body: signed } : { query: signed, body: "" };
}

/** The parameters followed by recvWindow and timestamp; a caller's own key of either name keeps its place. */
function withTiming(params: Params, recvWindowMs: number, timestampMs: number): string {
  if ("recvWindow" in params || "timestamp" in params) {
    return encodeParams({ ...params, recvWindow: recvWindowMs, timestamp: timestampMs });
  }
  const query = encodeParams(params);
  return `${query}${query === "" ? "" : "&"}recvWindow=${recvWindowMs}&timestamp=${timestampMs}`;
}
