import { hmacSha256Hex } from "../signing.ts";

/**
 * Binance SIGNED requests (spot rest-api.md § "SIGNED Endpoint security", same scheme on fapi):
 * signature = hex HMAC-SHA256(secret, queryString + body), concatenated without a separator, over the exact bytes
 * sent. Parameters are `key=encodeURIComponent(value)` in insertion order, like the official connector.
 */

export type ParamValue = string | number | boolean | readonly string[] | null | undefined;
export type Params = Record<string, ParamValue>;

/** `a=1&b=2`, skipping null/undefined; arrays are JSON (exchangeInfo `symbols=["A","B"]`). */
export function encodeParams(params: Params): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    const text = Array.isArray(value) ? JSON.stringify(value) : String(value);
    parts.push(`${key}=${encodeURIComponent(text)}`);
  }
  return parts.join("&");
}

export function signPayload(secret: string, queryString: string, body: string): Promise<string> {
  return hmacSha256Hex(secret, queryString + body);
}

export type SignedParts = { query: string; body: string };

/**
 * Adds recvWindow, timestamp and signature. GET/DELETE carry everything in the query; POST/PUT send a
 * form-urlencoded body (the signature follows the body it signs).
 */
export async function signRequest(
  method: string,
  params: Params,
  credentials: { apiSecret: string },
  recvWindowMs: number,
  timestampMs: number,
): Promise<SignedParts> {
  const payload = encodeParams({ ...params, recvWindow: recvWindowMs, timestamp: timestampMs });
  const inBody = method === "POST" || method === "PUT";
  const query = inBody ? "" : payload;
  const body = inBody ? payload : "";
  const signature = await signPayload(credentials.apiSecret, query, body);
  return inBody
    ? { query, body: `${body}&signature=${signature}` }
    : { query: `${query}&signature=${signature}`, body };
}
