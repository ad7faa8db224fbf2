import type { Context } from "hono";
import { Hono } from "hono";
import { type Account, SimError, type SimExchange, type SimMarket } from "../engine/types.ts";
import { FORWARDED_HOST, requestEnvironment } from "../environments.ts";
import type { SimState } from "../state.ts";
import { authenticate, type RawRequest, RESTRICTED_KEY_PREFIX, RESTRICTED_LOCATION, requestParams } from "./auth.ts";
import { BinanceApiError, type ErrorSite, fromSimError, tooManyRequests } from "./errors.ts";
import { futuresEndpoints } from "./futures.ts";
import { spotEndpoints } from "./spot.ts";

/**
 * Binance's wire protocol over the simulated exchange: spot `/api/v3` + `/sapi/v1`, USDⓈ-M `/fapi`. Each request runs
 * through the venue's gates in order (fault, weight, key, signature, timestamp, permission), then the engine, then
 * the response headers Binance sends (X-MBX-USED-WEIGHT-1M on every answer, X-MBX-ORDER-COUNT-* on orders).
 */

export type Permission = "none" | "read" | "spot" | "futures";

export type EndpointContext = {
  exchange: SimExchange;
  params: Map<string, string>;
  /** Present on signed endpoints. */
  account: Account;
  /** The server's clock (with any injected skew). */
  serverTime: number;
  weightLimit: number;
};

export type Endpoint = {
  method: "GET" | "POST" | "DELETE";
  path: string;
  market: SimMarket;
  signed: boolean;
  permission: Permission;
  /** Request weight, which may depend on the parameters (e.g. with or without symbol). */
  weight: number | ((params: Map<string, string>) => number);
  /** Counts against ORDERS limits and answers X-MBX-ORDER-COUNT-* headers. */
  order?: boolean;
  site?: ErrorSite;
  handle(context: EndpointContext): unknown;
};

const WEIGHT_WINDOW_MS = 60_000;
const ORDER_WINDOW_MS = 10_000;

const BACKEND_ERROR: Record<number, { code: number; msg: string }> = {
  500: { code: -1000, msg: "An unknown error occurred while processing the request." },
  503: { code: -1008, msg: "Unknown error, please check your request or try again later." },
};

export function binanceRoutes(state: SimState): Hono {
  const app = new Hono();
  for (const endpoint of [...spotEndpoints, ...futuresEndpoints]) {
    app.on(endpoint.method, endpoint.path, (c) => serve(state, endpoint, c));
  }
  return app;
}

async function serve(state: SimState, endpoint: Endpoint, c: Context): Promise<Response> {
  const exchange = state.exchanges.binance;
  const url = new URL(c.req.url);
  const raw: RawRequest = {
    apiKey: c.req.header("X-MBX-APIKEY") ?? null,
    query: url.search.startsWith("?") ? url.search.slice(1) : url.search,
    body: endpoint.method === "GET" ? "" : await c.req.text(),
  };
  const params = requestParams(raw);
  const headers = new Headers({ "Content-Type": "application/json;charset=UTF-8" });
  // Weight is counted per IP; X-Sim-Client stands in for another IP (a test spending a budget of its own).
  const client = c.req.header("X-Sim-Client") ?? (state.weightPerApiKey && raw.apiKey ? `key:${raw.apiKey}` : null);
  const weightLimit = (client && state.clientWeightLimits.get(client)) || state.limits.binanceWeightPerMinute;
  const now = exchange.now();

  const fault = state.faults.take("binance", `${endpoint.method} ${endpoint.path}`, raw.apiKey);
  if (fault?.type === "rate_limit") {
    // The venue's 429 (without performing the request): weight exhausted, come back after Retry-After.
    const error = tooManyRequests(weightLimit, fault.retryAfterSeconds);
    headers.set("X-MBX-USED-WEIGHT-1M", String(weightLimit));
    return errorResponse(error, headers);
  }
  if (fault?.type === "redirect") {
    // What an edge in front of the venue might answer; nothing reached the engine.
    return new Response(null, { status: fault.status, headers: { Location: c.req.url } });
  }

  try {
    if (raw.apiKey?.startsWith(RESTRICTED_KEY_PREFIX)) throw RESTRICTED_LOCATION;
    const weight = typeof endpoint.weight === "number" ? endpoint.weight : endpoint.weight(params);
    // Weight is per IP and per host family (api.* and fapi.* keep separate budgets).
    const used = state.rateLimits.consume(
      `binance:${client ?? "default"}:${endpoint.market}:weight`,
      weight,
      WEIGHT_WINDOW_MS,
      weightLimit,
      now,
    );
    headers.set("X-MBX-USED-WEIGHT-1M", String(used.used));
    if (!used.allowed) throw tooManyRequests(weightLimit, Math.max(1, Math.ceil((used.resetAt - now) / 1000)));

    const skewed = endpoint.signed || endpoint.path.endsWith("/time");
    const serverTime = now + (skewed ? state.faults.clockSkewMs("binance") : 0);
    // Public handlers never read `account`; only signed endpoints get a real one.
    const account = endpoint.signed
      ? authenticate(exchange, raw, params, serverTime, requestEnvironment(c.req.header(FORWARDED_HOST)))
      : (undefined as unknown as Account);
    if (endpoint.signed) checkPermission(account, endpoint.permission);
    if (endpoint.order) countOrder(state, endpoint.market, account, now, headers);

    const body = runEngine(endpoint, { exchange, params, account, serverTime, weightLimit });
    if (fault?.type === "error_after_accept") {
      // The order (or change) happened, but the client only sees a backend error: execution status unknown.
      const backend = BACKEND_ERROR[fault.status] ?? BACKEND_ERROR[500];
      return new Response(JSON.stringify(backend), { status: fault.status, headers });
    }
    if (fault?.type === "timeout_after_accept") await sleep(fault.delayMs);
    return new Response(JSON.stringify(body), { status: 200, headers });
  } catch (error) {
    if (error instanceof BinanceApiError) return errorResponse(error, headers);
    throw error;
  }
}

function runEngine(endpoint: Endpoint, context: EndpointContext): unknown {
  try {
    return endpoint.handle(context);
  } catch (error) {
    if (error instanceof SimError)
      throw fromSimError(endpoint.market, endpoint.site ?? "other", error.code, error.message);
    throw error;
  }
}

/** A key without the permission gets the same -2015 as an unknown key (HTTP 401), as on the real venue. */
function checkPermission(account: Account, permission: Permission): void {
  const granted =
    permission === "none" ||
    (permission === "read" && account.permissions.read) ||
    (permission === "spot" && account.permissions.spot) ||
    (permission === "futures" && account.permissions.futures);
  if (!granted) throw new BinanceApiError(401, -2015, "Invalid API-key, IP, or permissions for action.");
}

/** ORDERS limits are per account: -1015 on spot, -1015 on fapi as well (HTTP 429). */
function countOrder(state: SimState, market: SimMarket, account: Account, now: number, headers: Headers): void {
  const limit = state.limits.binanceOrdersPer10s;
  const key = `binance:${market}:orders:${account.id}`;
  const tenSeconds = state.rateLimits.consume(key, 1, ORDER_WINDOW_MS, limit, now);
  const minute = state.rateLimits.consume(key, 1, 60_000, Number.MAX_SAFE_INTEGER, now);
  headers.set("X-MBX-ORDER-COUNT-10S", String(tenSeconds.used));
  headers.set("X-MBX-ORDER-COUNT-1M", String(minute.used));
  if (!tenSeconds.allowed) {
    const retryAfter = Math.max(1, Math.ceil((tenSeconds.resetAt - now) / 1000));
    throw new BinanceApiError(429, -1015, `Too many new orders; current limit is ${limit} orders per TEN_SECONDS.`, {
      "Retry-After": String(retryAfter),
    });
  }
}

function errorResponse(error: BinanceApiError, headers: Headers): Response {
  for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
  return new Response(JSON.stringify({ code: error.code, msg: error.message }), { status: error.status, headers });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
