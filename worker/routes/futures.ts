import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  ClosedPosition,
  CloseFuturesPosition,
  IdempotencyHeader,
  KeyParam,
  OpenedPosition,
  OpenFuturesPosition,
  SetLeverage,
  SetMarginMode,
  SetPositionMode,
  SetStops,
  SettingApplied,
  StopList,
  StopsQuery,
  SymbolParam,
} from "../../shared/api/accounts.ts";
import { exchangeErrorResponses, withExchangeErrors } from "../accounts/exchange-error-response.ts";
import {
  closeFuturesPosition,
  openFuturesPosition,
  removeStops,
  replaceStops,
  setLeverage,
  setMarginMode,
} from "../accounts/futures-actions.ts";
import { gatewayForKey, type KeyedGateway } from "../accounts/gateway-for-key.ts";
import { runIdempotent } from "../accounts/idempotency.ts";
import { requireTrading } from "../accounts/trading-authorization.ts";
import { sessionOrToken } from "../auth/openapi-security.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { accountServices } from "./accounts.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const TRADING_NOTE = "Needs the `trade` scope, and a recent 2FA code when 2FA for trading is on.";
const IDEMPOTENCY_NOTE =
  "Send an `Idempotency-Key` header to make retries safe: the same key and body answer the first result (with " +
  "`Idempotent-Replay: true`) and never place a second order; the order's client id is derived from the key.";

const TRADE_ERRORS = {
  ...errorResponses(400, 401, 403),
  ...exchangeErrorResponses(404, 409, 422, 424, 429, 451, 502, 503),
};

const tradeRoute = <P extends string, M extends "put" | "post" | "delete">(method: M, path: P, summary: string) => ({
  method,
  path,
  tags: ["Futures"],
  summary,
  description: TRADING_NOTE,
  security: sessionOrToken("trade"),
  middleware: [rateLimit("write")],
});

const positionMode = createRoute({
  ...tradeRoute("put", "/keys/{keyId}/futures/position-mode", "Set one-way or hedge position mode (account-wide)"),
  request: { params: KeyParam, body: { content: jsonContent(SetPositionMode), required: true } },
  responses: { 200: { description: "Applied", content: jsonContent(SettingApplied) }, ...TRADE_ERRORS },
});

const marginMode = createRoute({
  ...tradeRoute("put", "/keys/{keyId}/futures/{symbol}/margin-mode", "Set cross or isolated margin for a symbol"),
  request: { params: SymbolParam, body: { content: jsonContent(SetMarginMode), required: true } },
  responses: { 200: { description: "Applied", content: jsonContent(SettingApplied) }, ...TRADE_ERRORS },
});

const leverage = createRoute({
  ...tradeRoute("put", "/keys/{keyId}/futures/{symbol}/leverage", "Set a symbol's leverage (checked against its max)"),
  request: { params: SymbolParam, body: { content: jsonContent(SetLeverage), required: true } },
  responses: { 200: { description: "Applied", content: jsonContent(SettingApplied) }, ...TRADE_ERRORS },
});

const open = createRoute({
  ...tradeRoute(
    "post",
    "/keys/{keyId}/futures/positions",
    "Open or add to a position (market or limit, optional SL/TP)",
  ),
  description: `Give \`quantity\` (base) or \`notional\` (quote); it is rounded down to the step size and checked against the market's minimums before anything is sent. SL/TP are set once the entry fills. ${TRADING_NOTE} ${IDEMPOTENCY_NOTE}`,
  request: {
    params: KeyParam,
    headers: IdempotencyHeader,
    body: { content: jsonContent(OpenFuturesPosition), required: true },
  },
  responses: {
    200: { description: "The entry order and its stops", content: jsonContent(OpenedPosition) },
    ...TRADE_ERRORS,
  },
});

const close = createRoute({
  ...tradeRoute("post", "/keys/{keyId}/futures/positions/close", "Close a position in full or in part (reduce-only)"),
  description: `A full close also removes the position's SL/TP. ${TRADING_NOTE} ${IDEMPOTENCY_NOTE}`,
  request: {
    params: KeyParam,
    headers: IdempotencyHeader,
    body: { content: jsonContent(CloseFuturesPosition), required: true },
  },
  responses: { 200: { description: "The closing order", content: jsonContent(ClosedPosition) }, ...TRADE_ERRORS },
});

const setStops = createRoute({
  ...tradeRoute(
    "put",
    "/keys/{keyId}/futures/{symbol}/stops",
    "Set or replace an open position's stop-loss and take-profit",
  ),
  request: { params: SymbolParam, body: { content: jsonContent(SetStops), required: true } },
  responses: {
    200: { description: "The protective orders now in place", content: jsonContent(StopList) },
    ...TRADE_ERRORS,
  },
});

const cancelStops = createRoute({
  ...tradeRoute("delete", "/keys/{keyId}/futures/{symbol}/stops", "Remove a position's stop-loss and take-profit"),
  request: { params: SymbolParam, query: StopsQuery },
  responses: { 200: { description: "Removed", content: jsonContent(SettingApplied) }, ...TRADE_ERRORS },
});

export const futuresRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(positionMode, async (c) => {
    const { mode } = c.req.valid("json");
    await trade(c, c.req.valid("param").keyId, ({ gateway }) => gateway.setPositionMode(mode));
    return c.json({ symbol: null, applied: true as const }, 200);
  })
  .openapi(marginMode, async (c) => {
    const { keyId, symbol } = c.req.valid("param");
    const { mode } = c.req.valid("json");
    await trade(c, keyId, ({ gateway }) => setMarginMode(gateway, symbol, mode));
    return c.json({ symbol, applied: true as const }, 200);
  })
  .openapi(leverage, async (c) => {
    const { keyId, symbol } = c.req.valid("param");
    const body = c.req.valid("json");
    await trade(c, keyId, ({ gateway }) => setLeverage(gateway, symbol, body.leverage));
    return c.json({ symbol, applied: true as const }, 200);
  })
  .openapi(open, async (c) => {
    const body = c.req.valid("json");
    const key = c.req.valid("header")["idempotency-key"];
    const result = await tradeOnce(c, c.req.valid("param").keyId, key, body, (gateway, clientOrderId) =>
      openFuturesPosition(gateway, body, { clientOrderId, resumable: key !== undefined }),
    );
    return c.json(result, 200);
  })
  .openapi(close, async (c) => {
    const body = c.req.valid("json");
    const key = c.req.valid("header")["idempotency-key"];
    const result = await tradeOnce(c, c.req.valid("param").keyId, key, body, async (gateway, clientOrderId) => ({
      order: await closeFuturesPosition(gateway, body, { clientOrderId, resumable: key !== undefined }),
    }));
    return c.json(result, 200);
  })
  .openapi(setStops, async (c) => {
    const { keyId, symbol } = c.req.valid("param");
    const body = c.req.valid("json");
    const stops = await trade(c, keyId, ({ gateway }) => replaceStops(gateway, symbol, body));
    return c.json({ stops }, 200);
  })
  .openapi(cancelStops, async (c) => {
    const { keyId, symbol } = c.req.valid("param");
    const { side } = c.req.valid("query");
    await trade(c, keyId, ({ gateway }) => removeStops(gateway, symbol, side));
    return c.json({ symbol, applied: true as const }, 200);
  });

/** Authorizes a trading action, opens the key's gateway and maps exchange errors. */
async function trade<T>(c: Context<AppEnv>, keyId: string, action: (keyed: KeyedGateway) => Promise<T>): Promise<T> {
  const services = accountServices(c);
  const principal = await requireTrading(c, services.db);
  return withExchangeErrors(async () => action(await gatewayForKey(services, principal.user.id, keyId)));
}

/** A trading action that places an order: idempotent under an Idempotency-Key, answered with the replay header. */
async function tradeOnce<T>(
  c: Context<AppEnv>,
  keyId: string,
  idempotencyKey: string | undefined,
  body: unknown,
  action: (gateway: KeyedGateway["gateway"], clientOrderId: string) => Promise<T>,
): Promise<T> {
  const services = accountServices(c);
  const principal = await requireTrading(c, services.db);
  const request = {
    userId: principal.user.id,
    key: idempotencyKey,
    method: c.req.method,
    path: c.req.path,
    body,
    now: c.var.identity.now(),
  };
  const result = await runIdempotent(services.db, request, (clientOrderId) =>
    withExchangeErrors(async () => {
      const { gateway } = await gatewayForKey(services, principal.user.id, keyId);
      return action(gateway, clientOrderId);
    }),
  );
  if (result.replayed) c.header("Idempotent-Replay", "true");
  return result.body;
}
