import type { SimErrorCode, SimMarket } from "../engine/types.ts";

/**
 * Binance's error envelope `{"code": -1121, "msg": "Invalid symbol."}` and the codes the simulator answers with
 * (spot errors.md; USDⓈ-M error-code page, exchanges.md §1.6 and §2.5).
 */

export class BinanceApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly headers: Record<string, string>;
  constructor(status: number, code: number, msg: string, headers: Record<string, string> = {}) {
    super(msg);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const apiError = (status: number, code: number, msg: string) => new BinanceApiError(status, code, msg);

export const mandatory = (name: string) =>
  apiError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

export const invalidSymbol = () => apiError(400, -1121, "Invalid symbol.");

/** What a request was doing, because some engine failures read differently per endpoint. */
export type ErrorSite = "order" | "getOrder" | "cancelOrder" | "algoOrder" | "marginType" | "positionMode" | "other";

type Mapped = { code: number; msg: string };

const SPOT_FILTER: Partial<Record<SimErrorCode, string>> = {
  filter_tick_size: "PRICE_FILTER",
  filter_step_size: "LOT_SIZE",
  filter_min_qty: "LOT_SIZE",
  filter_max_qty: "LOT_SIZE",
  filter_min_notional: "NOTIONAL",
};

const FUTURES: Partial<Record<SimErrorCode, Mapped>> = {
  insufficient_balance: { code: -2019, msg: "Margin is insufficient." },
  duplicate_client_id: { code: -4116, msg: "ClientOrderId is duplicated." },
  filter_tick_size: { code: -4014, msg: "Price not increased by tick size." },
  filter_step_size: { code: -4023, msg: "Quantity not increased by step size." },
  filter_min_qty: { code: -4004, msg: "Quantity less than min quantity." },
  filter_max_qty: { code: -4005, msg: "Quantity greater than max quantity." },
  invalid_leverage: { code: -4028, msg: "Leverage is not valid" },
  reduce_only_rejected: { code: -2022, msg: "ReduceOnly Order is rejected." },
  position_side_mismatch: { code: -4061, msg: "Order's position side does not match user's setting." },
  would_trigger_immediately: { code: -2021, msg: "Order would immediately trigger." },
  post_only_would_take: {
    code: -5022,
    msg: "Due to the order could not be executed as maker, the Post Only order will be rejected.",
  },
};

const SPOT_REJECT: Partial<Record<SimErrorCode, string>> = {
  insufficient_balance: "Account has insufficient balance for requested action.",
  duplicate_client_id: "Duplicate order sent.",
  would_trigger_immediately: "Order would trigger immediately.",
  post_only_would_take: "Order would immediately match and take.",
  reduce_only_rejected: "Order would immediately match and take.",
};

/** The venue's answer for an engine failure. All of these are HTTP 400 on Binance. */
export function fromSimError(market: SimMarket, site: ErrorSite, code: SimErrorCode, message: string): BinanceApiError {
  const mapped = mapCode(market, site, code, message);
  return apiError(400, mapped.code, mapped.msg);
}

function mapCode(market: SimMarket, site: ErrorSite, code: SimErrorCode, message: string): Mapped {
  if (code === "order_not_found") {
    return site === "getOrder"
      ? { code: -2013, msg: "Order does not exist." }
      : { code: -2011, msg: "Unknown order sent." };
  }
  if (code === "bad_symbol") {
    if (/market is closed/i.test(message)) {
      return market === "spot"
        ? { code: -2010, msg: "Market is closed." }
        : { code: -4140, msg: "Invalid symbol status for opening position." };
    }
    return { code: -1121, msg: "Invalid symbol." };
  }
  if (code === "no_change") {
    if (site === "marginType") return { code: -4046, msg: "No need to change margin type." };
    if (site === "positionMode") return { code: -4059, msg: "No need to change position side." };
  }
  if (code === "invalid_parameter" && site === "order" && message === "quantity must be positive") {
    // A zero quantity fails the minimum of LOT_SIZE on spot, and -4003 on futures.
    return market === "spot"
      ? { code: -1013, msg: "Filter failure: LOT_SIZE" }
      : { code: -4003, msg: "Quantity less than or equal to zero." };
  }
  if (market === "spot") {
    const filter = SPOT_FILTER[code];
    if (filter) return { code: -1013, msg: `Filter failure: ${filter}` };
    const reject = SPOT_REJECT[code];
    if (reject) return { code: -2010, msg: reject };
  } else {
    const mapped = FUTURES[code];
    if (mapped) return mapped;
    if (code === "filter_min_notional") {
      return {
        code: -4164,
        msg: "Order's notional must be no smaller than the minimum (unless you choose reduce only).",
      };
    }
    if (code === "invalid_parameter" && site === "positionMode") {
      return { code: -4068, msg: "Position side cannot be changed if there exists position." };
    }
  }
  // Parameter problems: Binance answers -1100-range codes with the offending detail.
  return { code: -1102, msg: `Illegal or missing parameter: ${message}` };
}

/** HTTP 429 + Retry-After, body -1003 (rest-api.md § LIMITS). */
export function tooManyRequests(limit: number, retryAfterSeconds: number): BinanceApiError {
  return new BinanceApiError(
    429,
    -1003,
    `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
    { "Retry-After": String(retryAfterSeconds) },
  );
}
