import { ErrorBody } from "../../shared/api/error.ts";
import { type ExchangeError, type ExchangeErrorKind, isExchangeError } from "../exchanges/errors.ts";
import { venueName } from "../exchanges/http.ts";
import { ApiError } from "../http/api-error.ts";

/**
 * The one translation from the gateway's error taxonomy to API errors: code `exchange_<kind>`, a status that says
 * whose problem it is (422 the order, 424 the key, 429/503 the venue right now, 502 unknown outcome), and a message
 * a trader can act on. Venue codes stay in `details` for support; stacks never leave the worker.
 */

type Mapping = { status: number; message: (error: ExchangeError) => string };

const US_EGRESS =
  "Binance and Bybit refuse requests from US IP addresses, and Cloudflare may have run this request in a US " +
  "location. Try again later; if it persists, use a testnet/demo environment or a permitted proxy host.";

const MAPPINGS: Record<ExchangeErrorKind, Mapping> = {
  authentication: {
    status: 424,
    message: (e) =>
      `${venueName(e.venue)} rejected the API key. Check it is still active, or replace it. (${e.message})`,
  },
  permission: {
    status: 424,
    message: (e) =>
      `The ${venueName(e.venue)} API key lacks the permission for this (enable spot or futures trading on the key). (${e.message})`,
  },
  insufficient_funds: {
    status: 422,
    message: (e) => `Not enough balance or margin on ${venueName(e.venue)} for this order. (${e.message})`,
  },
  invalid_order: { status: 422, message: (e) => e.message },
  order_not_found: { status: 404, message: (e) => `${venueName(e.venue)} has no such order. (${e.message})` },
  duplicate_client_id: {
    status: 409,
    message: (e) => `${venueName(e.venue)} already has an order with this client order id. (${e.message})`,
  },
  rate_limited: {
    status: 429,
    message: (e) => `${venueName(e.venue)} asked us to slow down; try again in ${retryAfterSeconds(e)} s.`,
  },
  timestamp: {
    status: 503,
    message: (e) => `${venueName(e.venue)} refused the request time (clock drift); try again in a moment.`,
  },
  restricted_location: {
    status: 451,
    message: (e) => `${venueName(e.venue)} refused the request because of where it came from. ${US_EGRESS}`,
  },
  exchange_unavailable: {
    status: 503,
    message: (e) => `${venueName(e.venue)} is not answering right now; try again in a moment.`,
  },
  unknown_outcome: {
    status: 502,
    message: (e) => `${venueName(e.venue)} did not confirm the request; nothing was resent. (${e.message})`,
  },
  bad_symbol: {
    status: 422,
    message: (e) => `${venueName(e.venue)} does not list this symbol. (${e.message})`,
  },
  not_supported: { status: 422, message: (e) => `Not supported on ${venueName(e.venue)}: ${e.message}` },
};

/** The API error for an exchange error; `null` for anything else (let it surface as it is). */
export function exchangeApiError(error: unknown): ApiError | null {
  if (!isExchangeError(error)) return null;
  const mapping = MAPPINGS[error.kind];
  const headers: Record<string, string> =
    error.kind === "rate_limited" ? { "Retry-After": String(retryAfterSeconds(error)) } : {};
  // exchange_unavailable already names the exchange; every other kind gets the prefix.
  const code = error.kind.startsWith("exchange_") ? error.kind : `exchange_${error.kind}`;
  return new ApiError(code, mapping.message(error), {
    status: mapping.status,
    headers,
    details: {
      venue: error.venue,
      ...(error.filter ? { filter: error.filter } : {}),
      ...(error.venueCode ? { venueCode: error.venueCode } : {}),
    },
  });
}

/** Runs an exchange action and answers its ExchangeError as the mapped API error. */
export async function withExchangeErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw exchangeApiError(error) ?? error;
  }
}

function retryAfterSeconds(error: ExchangeError): number {
  return Math.max(1, Math.ceil((error.retryAfterMs ?? 1_000) / 1000));
}

const EXCHANGE_STATUS_TEXT = {
  404: "No such key, order or position (not_found, exchange_order_not_found, position_not_found)",
  409: "Key unverified or idempotency conflict (key_unverified, idempotency_key_reused, idempotency_in_progress)",
  422: "The venue or our pre-checks refused the order (exchange_invalid_order with details.filter, exchange_insufficient_funds, exchange_bad_symbol, not_supported)",
  424: "The exchange key was refused (exchange_authentication, exchange_permission) or cannot be decrypted (key_unreadable)",
  429: "Too many requests here or at the venue (rate_limited, exchange_rate_limited), see Retry-After",
  451: "The venue refused this server's location (exchange_restricted_location)",
  502: "The venue did not confirm an order (exchange_unknown_outcome); it is reconciled by its client order id",
  503: "The venue is unavailable (exchange_unavailable, exchange_timestamp)",
} as const;

type ExchangeStatus = keyof typeof EXCHANGE_STATUS_TEXT;
const content = { "application/json": { schema: ErrorBody } };

/** The OpenAPI `responses` entries for exchange-backed routes. */
export function exchangeErrorResponses<S extends ExchangeStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: EXCHANGE_STATUS_TEXT[status], content }]),
  ) as unknown as Record<S, { description: string; content: typeof content }>;
}
