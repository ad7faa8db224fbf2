import { ExchangeError, type ExchangeErrorKind, type OrderFilter } from "../errors.ts";

/**
 * Bybit V5 retCodes → our taxonomy (docs/v5/error.mdx; spot 170xxx codes as ccxt 4.5.84 maps them). HTTP 200 can
 * carry any of these, so every answer's retCode is checked, not only the HTTP status.
 */

/** "Already set" answers: position mode, leverage, margin mode and TP/SL not modified. They count as success. */
export const NO_CHANGE_CODES = new Set([110025, 110043, 110026, 34040]);

/** Request outside recvWindow; the transport re-syncs the clock and re-signs once. */
export const TIMESTAMP_CODES = new Set([10002, -1]);

/** Per-UID/endpoint limit exceeded (rolling 1 s window, rate-limit.mdx). */
export const RATE_LIMIT_CODES = new Set([10006, 10018]);

/** Internal errors and timeouts behind the gate: the venue may or may not have acted. */
export const SERVER_ERROR_CODES = new Set([10000, 10016, 10019, 170001, 170007, 170146]);

const KINDS: Record<number, ExchangeErrorKind> = {
  10003: "authentication", // invalid key, or key of another environment (mainnet/testnet/demo)
  10004: "authentication", // error sign
  10007: "authentication",
  33004: "authentication", // key expired
  10005: "permission",
  10010: "permission", // unmatched IP
  10027: "permission",
  10028: "not_supported", // unified accounts only
  100028: "not_supported", // not for unified accounts (e.g. switch-isolated)
  110067: "not_supported",
  10029: "bad_symbol",
  170121: "bad_symbol",
  110001: "order_not_found",
  170213: "order_not_found",
  // Already finished or cancelled: no longer open, which is what a cancel or lookup needs to know.
  110008: "order_not_found",
  110010: "order_not_found",
  170139: "order_not_found",
  170142: "order_not_found",
  170190: "order_not_found",
  110072: "duplicate_client_id",
  170141: "duplicate_client_id",
  12141: "duplicate_client_id",
  110004: "insufficient_funds",
  110006: "insufficient_funds",
  110007: "insufficient_funds",
  110012: "insufficient_funds",
  110044: "insufficient_funds",
  110045: "insufficient_funds",
  110051: "insufficient_funds",
  110052: "insufficient_funds",
  110053: "insufficient_funds",
  170131: "insufficient_funds",
  170033: "insufficient_funds",
  131001: "insufficient_funds",
};

const FILTERS: Record<number, OrderFilter> = {
  110094: "min_notional", // notional below minNotionalValue (linear)
  170140: "min_notional", // value below minOrderAmt (spot)
  170136: "min_qty",
  170135: "max_qty",
  170124: "max_qty",
  170137: "step_size", // quantity decimals too long (spot basePrecision)
  170148: "step_size",
  12137: "step_size",
  170134: "tick_size", // price decimals too long
  110003: "price_band",
  170132: "price_band",
  170133: "price_band",
  170193: "price_band",
  170194: "price_band",
};

/** Linear filter failures come back as 10001 "params error" with the reason only in retMsg. */
function filterFromMessage(message: string): OrderFilter | null {
  if (/minimum limit|below.*min.*qty|too small/i.test(message)) return "min_qty";
  if (/maximum limit|exceeds.*max/i.test(message)) return "max_qty";
  if (/notional|order value/i.test(message)) return "min_notional";
  if (/truncated to zero|qty.*(step|invalid|decimal)|quantity.*(step|decimal)/i.test(message)) return "step_size";
  if (/price.*(tick|invalid|decimal)/i.test(message)) return "tick_size";
  return null;
}

export type RetCodeContext = { httpStatus: number | null; operation: string };

/** The ExchangeError for a non-zero retCode. The message names the operation and the venue's words, never the key. */
export function errorFromRetCode(retCode: number, rawMessage: string, context: RetCodeContext): ExchangeError {
  const retMsg = redact(rawMessage);
  const init = { venue: "bybit" as const, venueCode: retCode, venueMessage: retMsg, httpStatus: context.httpStatus };
  const what = `Bybit rejected ${context.operation}`;
  if (TIMESTAMP_CODES.has(retCode)) {
    return new ExchangeError("timestamp", `${what}: request time outside recvWindow.`, init);
  }
  if (RATE_LIMIT_CODES.has(retCode)) {
    return new ExchangeError("rate_limited", `${what}: API rate limit exceeded.`, { ...init, retryAfterMs: 1_000 });
  }
  if (SERVER_ERROR_CODES.has(retCode)) {
    return new ExchangeError("exchange_unavailable", `Bybit had an internal error on ${context.operation}.`, init);
  }
  const kind = KINDS[retCode];
  if (kind) return new ExchangeError(kind, `${what}: ${retMsg}`, init);
  const filter = FILTERS[retCode] ?? (retCode === 10001 || retCode === 110017 ? filterFromMessage(retMsg) : null);
  if (filter) return new ExchangeError("invalid_order", `${what}: ${retMsg}`, { ...init, filter });
  if (retCode === 10001 && /symbol/i.test(retMsg)) return new ExchangeError("bad_symbol", `${what}: ${retMsg}`, init);
  return new ExchangeError("invalid_order", `${what}: ${retMsg}`, init);
}

/**
 * 10004 "error sign! origin_string[...]" echoes the pre-sign string, which contains the API key: it never reaches an
 * error message or a log.
 */
function redact(message: string): string {
  return message.replace(/origin_string\[[^\]]*\]?/g, "origin_string[redacted]");
}

/** Non-JSON or non-200 answers: 401 bad key, 403 US IP or IP ban ("access too frequent"), 404 wrong path. */
export function errorFromHttp(status: number, body: string, operation: string): ExchangeError {
  const init = { venue: "bybit" as const, httpStatus: status, venueMessage: body.slice(0, 200) };
  if (status === 401) return new ExchangeError("authentication", `Bybit rejected the API key (${operation}).`, init);
  if (status === 403 && /too frequent|rate limit/i.test(body)) {
    // IP-level ban (600 requests / 5 s): rate-limit.mdx says stop everything for at least 10 minutes.
    return new ExchangeError("rate_limited", "Bybit blocked this IP for sending too many requests.", {
      ...init,
      retryAfterMs: 10 * 60_000,
    });
  }
  if (status === 403) {
    return new ExchangeError(
      "restricted_location",
      "Bybit refuses requests from this location (US and mainland China IPs get HTTP 403).",
      init,
    );
  }
  if (status === 429) {
    return new ExchangeError("rate_limited", "Bybit system-level rate limit (HTTP 429).", {
      ...init,
      retryAfterMs: 1_000,
    });
  }
  if (status === 404) return new ExchangeError("not_supported", `Bybit has no such endpoint (${operation}).`, init);
  return new ExchangeError("exchange_unavailable", `Bybit answered HTTP ${status} to ${operation}.`, init);
}
