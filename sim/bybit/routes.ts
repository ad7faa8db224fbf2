import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FaultBook } from "../engine/faults.ts";
import type { RateLimitBook } from "../engine/rate-limits.ts";
import { type Account, SimError, type SimExchange, type SimLimits } from "../engine/types.ts";
import { FORWARDED_HOST, requestEnvironment } from "../environments.ts";
import { accountEndpoints } from "./account.ts";
import { authenticate, BybitAuthError, RESTRICTED_KEY_PREFIX, requirePermission } from "./auth.ts";
import { RET, type RetError, retErrorFor } from "./codes.ts";
import { type Endpoint, paramsError, RetFailure } from "./endpoint.ts";
import { marketEndpoints } from "./market.ts";
import { orderEndpoints } from "./orders.ts";
import { positionEndpoints } from "./positions.ts";

/** What the Bybit wire module needs from the simulator's state (structurally a subset of SimState). */
export type BybitSimState = {
  exchanges: { bybit: SimExchange };
  faults: Pick<FaultBook, "take" | "clockSkewMs">;
  rateLimits: Pick<RateLimitBook, "consume">;
  limits: SimLimits;
};

const ENDPOINTS: Endpoint[] = [...marketEndpoints, ...accountEndpoints, ...orderEndpoints, ...positionEndpoints];

/** Order endpoints of spot have twice the per-UID budget of linear (rate-limit.mdx: 20/s vs 10/s). */
function limitFor(state: BybitSimState, path: string, market: string): number {
  const base = state.limits.bybitPerSecond;
  return market === "spot" && (path === "/v5/order/create" || path === "/v5/order/cancel") ? base * 2 : base;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Bybit V5 wire protocol over the simulator's engine: real paths, parameters, headers, the
 * `{retCode, retMsg, result, retExtInfo, time}` envelope, and Bybit's error codes.
 */
export function bybitRoutes(state: BybitSimState): Hono {
  const app = new Hono();
  for (const endpoint of ENDPOINTS) {
    const route = endpoint.method === "GET" ? app.get.bind(app) : app.post.bind(app);
    route(endpoint.path, async (c) => {
      const exchange = state.exchanges.bybit;
      const url = new URL(c.req.url);
      const rawQuery = url.search.startsWith("?") ? url.search.slice(1) : url.search;
      const rawBody = endpoint.method === "POST" ? await c.req.text() : "";
      const serverTime = exchange.now() + state.faults.clockSkewMs("bybit");
      const headers: Record<string, string> = {};
      const reply = (status: number, ret: RetError, result: unknown = {}) =>
        c.json(
          { retCode: ret.retCode, retMsg: ret.retMsg, result, retExtInfo: {}, time: serverTime },
          status as ContentfulStatusCode,
          headers,
        );

      const apiKey = c.req.header("X-BAPI-API-KEY") ?? null;
      if (apiKey?.startsWith(RESTRICTED_KEY_PREFIX)) {
        // What CloudFront answers a US IP: HTML, not a V5 envelope.
        return c.html(
          "<html><body><h1>403 Forbidden</h1><p>The Amazon CloudFront distribution is configured to block access from your country.</p></body></html>",
          403,
        );
      }

      const fault = state.faults.take("bybit", `${endpoint.method} ${url.pathname}`, apiKey);
      if (fault?.type === "rate_limit") {
        headers["X-Bapi-Limit"] = String(state.limits.bybitPerSecond);
        headers["X-Bapi-Limit-Status"] = "0";
        headers["X-Bapi-Limit-Reset-Timestamp"] = String(serverTime + fault.retryAfterSeconds * 1000);
        return reply(200, { retCode: RET.rateLimit, retMsg: "Too many visits. Exceeded the API Rate Limit." });
      }
      if (fault?.type === "redirect") {
        // What an edge in front of the venue might answer; nothing reached the engine.
        return c.body(null, fault.status as 301, { Location: c.req.url });
      }

      let params: Record<string, unknown>;
      try {
        params = endpoint.method === "GET" ? Object.fromEntries(new URLSearchParams(rawQuery)) : parseJson(rawBody);
      } catch (error) {
        return reply(
          200,
          error instanceof RetFailure ? error.ret : { retCode: RET.paramsError, retMsg: "params error" },
        );
      }

      let result: unknown;
      try {
        let acct: Account | null = null;
        if (endpoint.auth !== "public") {
          acct = authenticate(
            exchange,
            {
              apiKey,
              timestamp: c.req.header("X-BAPI-TIMESTAMP") ?? null,
              recvWindow: c.req.header("X-BAPI-RECV-WINDOW") ?? null,
              signature: c.req.header("X-BAPI-SIGN") ?? null,
              payload: endpoint.method === "GET" ? rawQuery : rawBody,
            },
            serverTime,
            requestEnvironment(c.req.header(FORWARDED_HOST)),
          );
          if (endpoint.auth !== "any_key") requirePermission(acct, endpoint.auth(params));
          // Rolling per-UID, per-endpoint budget (rate-limit.mdx), reported on every private answer.
          const market = typeof params.category === "string" ? params.category : "";
          const limit = limitFor(state, url.pathname, market);
          const usage = state.rateLimits.consume(
            `bybit|${acct.id}|${url.pathname}|${market}`,
            1,
            1000,
            limit,
            serverTime,
          );
          headers["X-Bapi-Limit"] = String(limit);
          headers["X-Bapi-Limit-Status"] = String(Math.max(0, limit - usage.used));
          headers["X-Bapi-Limit-Reset-Timestamp"] = String(usage.resetAt);
          if (!usage.allowed) {
            return reply(200, { retCode: RET.rateLimit, retMsg: "Too many visits. Exceeded the API Rate Limit." });
          }
        }
        result = endpoint.handle({ exchange, account: acct, params, serverTime });
      } catch (error) {
        if (error instanceof BybitAuthError) return reply(error.status, error.ret);
        if (error instanceof RetFailure) return reply(error.status, error.ret, error.result);
        if (error instanceof SimError) {
          const market = params.category === "spot" ? "spot" : "linear";
          return reply(200, retErrorFor(error.code, market, error.message));
        }
        throw error;
      }

      // Faults after the engine acted: the state changed, but the client never sees a clean answer.
      if (fault?.type === "timeout_after_accept") await sleep(fault.delayMs);
      if (fault?.type === "error_after_accept") {
        return c.text(
          fault.status === 503 ? "Service Unavailable" : "Internal Server Error",
          fault.status as ContentfulStatusCode,
        );
      }
      return reply(200, { retCode: 0, retMsg: "OK" }, result);
    });
  }
  return app;
}

function parseJson(body: string): Record<string, unknown> {
  if (body.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw paramsError("request body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw paramsError("body must be an object");
  return value as Record<string, unknown>;
}
