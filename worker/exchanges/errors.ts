import * as z from "zod";
import type { Venue } from "./contract.ts";

/**
 * One taxonomy for both venues. Adapters map Binance codes and Bybit retCodes onto these kinds; nothing outside
 * `exchanges/<venue>/` sees a venue code except in logs (`venueCode`, `venueMessage`).
 */
export const ExchangeErrorKind = z.enum([
  "authentication",
  "permission",
  "insufficient_funds",
  "invalid_order",
  "order_not_found",
  "duplicate_client_id",
  "rate_limited",
  "timestamp",
  "restricted_location",
  "exchange_unavailable",
  "unknown_outcome",
  "bad_symbol",
  "not_supported",
]);
export type ExchangeErrorKind = z.infer<typeof ExchangeErrorKind>;

/** Whether repeating the same request later can succeed. Order creation is never retried blindly regardless. */
const RETRYABLE: Record<ExchangeErrorKind, boolean> = {
  authentication: false,
  permission: false,
  insufficient_funds: false,
  invalid_order: false,
  order_not_found: false,
  duplicate_client_id: false,
  rate_limited: true,
  timestamp: true,
  restricted_location: false,
  exchange_unavailable: true,
  unknown_outcome: false,
  bad_symbol: false,
  not_supported: false,
};

/** The exchange filter an order failed (so users see "below the minimum notional", not a code). */
export const OrderFilter = z.enum([
  "tick_size",
  "step_size",
  "min_qty",
  "max_qty",
  "min_notional",
  "price_band",
  "precision",
]);
export type OrderFilter = z.infer<typeof OrderFilter>;

export type ExchangeErrorInit = {
  venue: Venue;
  venueCode?: string | number | null;
  venueMessage?: string | null;
  httpStatus?: number | null;
  filter?: OrderFilter | null;
  retryAfterMs?: number | null;
};

export class ExchangeError extends Error {
  readonly kind: ExchangeErrorKind;
  readonly retryable: boolean;
  readonly venue: Venue;
  readonly venueCode: string | null;
  readonly venueMessage: string | null;
  readonly httpStatus: number | null;
  readonly filter: OrderFilter | null;
  readonly retryAfterMs: number | null;

  constructor(kind: ExchangeErrorKind, message: string, init: ExchangeErrorInit) {
    super(message);
    this.name = "ExchangeError";
    this.kind = kind;
    this.retryable = RETRYABLE[kind];
    this.venue = init.venue;
    this.venueCode = init.venueCode == null ? null : String(init.venueCode);
    this.venueMessage = init.venueMessage ?? null;
    this.httpStatus = init.httpStatus ?? null;
    this.filter = init.filter ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  /** Fields safe for logs: never the request, the key or the signature. */
  toLog(): Record<string, unknown> {
    return {
      kind: this.kind,
      venue: this.venue,
      venueCode: this.venueCode,
      venueMessage: this.venueMessage,
      httpStatus: this.httpStatus,
      filter: this.filter,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

export function isExchangeError(error: unknown, kind?: ExchangeErrorKind): error is ExchangeError {
  return error instanceof ExchangeError && (kind === undefined || error.kind === kind);
}
