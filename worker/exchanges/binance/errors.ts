import { ExchangeError, type ExchangeErrorKind, type OrderFilter } from "../errors.ts";
import { ErrorBody } from "./wire.ts";

/**
 * Binance error codes → the shared taxonomy. Sources: spot errors.md and the USDⓈ-M error-code page
 * (exchanges.md §1.6, §2.5). Messages matter for -2010 and -1013, whose codes cover several causes.
 */

const venue = "binance" as const;

/** "Already set" answers of account-mode changes: the state the caller asked for holds (exchanges.md §6.6). */
export const NO_CHANGE_CODES = new Set([-4046, -4059]);

const BY_CODE: Record<number, ExchangeErrorKind> = {
  [-1000]: "exchange_unavailable",
  [-1001]: "exchange_unavailable",
  [-1003]: "rate_limited",
  [-1008]: "exchange_unavailable",
  [-1015]: "rate_limited",
  [-1016]: "exchange_unavailable",
  [-1021]: "timestamp",
  [-1022]: "authentication",
  [-1121]: "bad_symbol",
  [-1122]: "bad_symbol",
  [-2011]: "order_not_found",
  [-2013]: "order_not_found",
  [-2014]: "authentication",
  [-2015]: "authentication",
  [-2018]: "insufficient_funds",
  [-2019]: "insufficient_funds",
  [-4116]: "duplicate_client_id",
  [-4120]: "not_supported",
};

/** Futures filter codes, one per rule (spot folds them into -1013 "Filter failure: X"). */
const FUTURES_FILTER_CODES: Record<number, OrderFilter> = {
  [-4001]: "price_band",
  [-4002]: "price_band",
  [-4003]: "min_qty",
  [-4004]: "min_qty",
  [-4005]: "max_qty",
  [-4013]: "price_band",
  [-4014]: "tick_size",
  [-4016]: "price_band",
  [-4023]: "step_size",
  [-4024]: "price_band",
  [-4164]: "min_notional",
};

const SPOT_FILTER_NAMES: Record<string, OrderFilter> = {
  PRICE_FILTER: "tick_size",
  PERCENT_PRICE: "price_band",
  PERCENT_PRICE_BY_SIDE: "price_band",
  LOT_SIZE: "step_size",
  MARKET_LOT_SIZE: "step_size",
  MIN_NOTIONAL: "min_notional",
  NOTIONAL: "min_notional",
};

export type ErrorContext = {
  /** Whether the request could have created an order or changed state (for -1007 "execution status unknown"). */
  idempotent: boolean;
  /** Narrows "Filter failure: LOT_SIZE" (min, max or step) from the order that was sent. */
  lotSizeFilter?: (filterName: string) => OrderFilter | null;
};

/** The ExchangeError for a non-2xx answer (the transport handles 5xx before we get here). */
export function binanceError(response: Response, text: string, context: ErrorContext): ExchangeError {
  const status = response.status;
  const body = parseErrorBody(text);
  const init = { venue, httpStatus: status, venueCode: body?.code ?? null, venueMessage: body?.msg ?? null };

  if (status === 451) {
    return new ExchangeError(
      "restricted_location",
      "Binance refuses requests from this server's location (HTTP 451); use another region or a permitted proxy.",
      init,
    );
  }
  if (status === 429 || status === 418) {
    const retryAfterMs = retryAfter(response) ?? (status === 418 ? 120_000 : 60_000);
    const what = status === 418 ? "banned this IP for" : "rate-limited us; wait";
    return new ExchangeError("rate_limited", `Binance ${what} ${Math.ceil(retryAfterMs / 1000)} s.`, {
      ...init,
      retryAfterMs,
    });
  }
  if (!body) {
    return new ExchangeError("exchange_unavailable", `Binance answered HTTP ${status} without an error code.`, init);
  }
  const { kind, filter } = classify(body, context);
  return new ExchangeError(kind, errorMessage(kind, body, filter), { ...init, filter });
}

function classify(body: ErrorBody, context: ErrorContext): { kind: ExchangeErrorKind; filter: OrderFilter | null } {
  const { code, msg } = body;
  if (code === -1007) return { kind: context.idempotent ? "exchange_unavailable" : "unknown_outcome", filter: null };
  if (code === -1111) return { kind: "invalid_order", filter: "precision" };
  const futuresFilter = FUTURES_FILTER_CODES[code];
  if (futuresFilter) return { kind: "invalid_order", filter: futuresFilter };
  if (code === -1013) {
    const name = /Filter failure: (\w+)/.exec(msg)?.[1];
    if (name) {
      const filter = context.lotSizeFilter?.(name) ?? SPOT_FILTER_NAMES[name] ?? null;
      return { kind: "invalid_order", filter };
    }
    return { kind: "invalid_order", filter: null };
  }
  if (code === -2010) return { kind: classifyNewOrderRejected(msg), filter: null };
  return { kind: BY_CODE[code] ?? "invalid_order", filter: null };
}

/** -2010 NEW_ORDER_REJECTED carries its reason only in the message (errors.md). */
function classifyNewOrderRejected(msg: string): ExchangeErrorKind {
  if (/insufficient balance/i.test(msg)) return "insufficient_funds";
  if (/duplicate order/i.test(msg)) return "duplicate_client_id";
  if (/trading is not enabled|action is disabled|not permitted/i.test(msg)) return "permission";
  return "invalid_order";
}

const SUMMARY: Partial<Record<ExchangeErrorKind, string>> = {
  authentication: "Binance rejected the API key or signature",
  permission: "The Binance API key lacks the permission for this action",
  insufficient_funds: "Binance: insufficient balance or margin",
  order_not_found: "Binance has no such order",
  duplicate_client_id: "Binance already has an order with this client order id",
  rate_limited: "Binance rate limit reached",
  timestamp: "Binance rejected the request timestamp (clock skew or recvWindow)",
  bad_symbol: "Binance does not know this symbol",
  not_supported: "Binance does not support this request",
  exchange_unavailable: "Binance is temporarily unavailable",
  unknown_outcome: "Binance could not confirm the request; its outcome is unknown",
};

const FILTER_TEXT: Record<OrderFilter, string> = {
  tick_size: "the price is not a multiple of the tick size or outside the price limits",
  step_size: "the quantity is not a multiple of the step size",
  min_qty: "the quantity is below the minimum",
  max_qty: "the quantity is above the maximum",
  min_notional: "the order value is below the minimum notional",
  price_band: "the price is too far from the market price",
  precision: "a number has more decimals than allowed",
};

/** Messages quote the venue's reason text but never the request (which holds the key and signature). */
function errorMessage(kind: ExchangeErrorKind, body: ErrorBody, filter: OrderFilter | null): string {
  if (kind === "invalid_order") {
    return filter
      ? `Binance rejected the order: ${FILTER_TEXT[filter]} (${body.code} ${body.msg}).`
      : `Binance rejected the request: ${body.msg} (${body.code}).`;
  }
  return `${SUMMARY[kind] ?? "Binance error"}: ${body.msg} (${body.code}).`;
}

function parseErrorBody(text: string): ErrorBody | null {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function retryAfter(response: Response): number | null {
  const header = response.headers.get("Retry-After");
  if (!header) return null;
  const secs = Number(header);
  return Number.isFinite(secs) && secs >= 0 ? secs * 1000 : null;
}
