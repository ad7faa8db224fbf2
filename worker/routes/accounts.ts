import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  Balances,
  BalancesQuery,
  CancelOrderQuery,
  ConditionalOrdersQuery,
  KeyParam,
  OrderList,
  OrderParam,
  OrdersQuery,
  PositionList,
  PositionModeView,
  PositionsQuery,
  StopList,
  TradingSettings,
} from "../../shared/api/accounts.ts";
import { valuedBalances } from "../accounts/balances.ts";
import { exchangeErrorResponses, withExchangeErrors } from "../accounts/exchange-error-response.ts";
import { type AccountServices, gatewayForKey } from "../accounts/gateway-for-key.ts";
import { cancelOrder, openOrders, openPositions, positionMode, protectiveOrders } from "../accounts/orders.ts";
import { requireTrading, saveTradingSettings, tradingSettings } from "../accounts/trading-authorization.ts";
import { requireRecentTwoFactor, requireScope } from "../auth/guards.ts";
import { SESSION_ONLY, sessionOrToken } from "../auth/openapi-security.ts";
import { openDatabase } from "../db/client.ts";
import { Order } from "../exchanges/contract.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const KEY_ERRORS = { ...errorResponses(400, 401, 403), ...exchangeErrorResponses(404, 409, 422, 424, 429, 451, 503) };

const balances = createRoute({
  method: "get",
  path: "/keys/{keyId}/balances",
  tags: ["Exchange accounts"],
  summary: "Balances of a key's spot wallet or USDT futures wallet, valued in USD",
  description:
    "USDT and USDC count at 1 USD; other assets are priced through their USDT spot market in one batched ticker " +
    "call. `market=linear` adds the futures wallet (margin balance, unrealized PnL).",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  request: { params: KeyParam, query: BalancesQuery },
  responses: { 200: { description: "Balances", content: jsonContent(Balances) }, ...KEY_ERRORS },
});

const positions = createRoute({
  method: "get",
  path: "/keys/{keyId}/positions",
  tags: ["Exchange accounts"],
  summary: "Open USDT-perpetual positions of a key",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  request: { params: KeyParam, query: PositionsQuery },
  responses: { 200: { description: "Positions", content: jsonContent(PositionList) }, ...KEY_ERRORS },
});

const orders = createRoute({
  method: "get",
  path: "/keys/{keyId}/orders",
  tags: ["Exchange accounts"],
  summary: "Open orders of a key on spot or futures (`market=linear`)",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  request: { params: KeyParam, query: OrdersQuery },
  responses: { 200: { description: "Open orders", content: jsonContent(OrderList) }, ...KEY_ERRORS },
});

const futuresPositionMode = createRoute({
  method: "get",
  path: "/keys/{keyId}/futures/position-mode",
  tags: ["Exchange accounts"],
  summary: "The account's futures position mode (one-way or hedge)",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  request: { params: KeyParam },
  responses: { 200: { description: "Position mode", content: jsonContent(PositionModeView) }, ...KEY_ERRORS },
});

const futuresStops = createRoute({
  method: "get",
  path: "/keys/{keyId}/futures/stops",
  tags: ["Exchange accounts"],
  summary: "Stop-loss and take-profit orders of the key's futures positions",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  request: { params: KeyParam, query: ConditionalOrdersQuery },
  responses: { 200: { description: "Protective orders", content: jsonContent(StopList) }, ...KEY_ERRORS },
});

const cancel = createRoute({
  method: "delete",
  path: "/keys/{keyId}/orders/{clientOrderId}",
  tags: ["Exchange accounts"],
  summary: "Cancel an open order by its client order id",
  description: "Needs the `trade` scope, and a recent 2FA code when 2FA for trading is on.",
  security: sessionOrToken("trade"),
  middleware: [rateLimit("write")] as const,
  request: { params: OrderParam, query: CancelOrderQuery },
  responses: { 200: { description: "The canceled order", content: jsonContent(Order) }, ...KEY_ERRORS },
});

const getSettings = createRoute({
  method: "get",
  path: "/me/settings",
  tags: ["Settings"],
  summary: "Your trading settings",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "Settings", content: jsonContent(TradingSettings) },
    ...errorResponses(401, 403, 429),
  },
});

const putSettings = createRoute({
  method: "put",
  path: "/me/settings",
  tags: ["Settings"],
  summary: "Change your trading settings (2FA for trading needs 2FA on; a recent code when it is)",
  security: SESSION_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  request: { body: { content: jsonContent(TradingSettings), required: true } },
  responses: {
    200: { description: "Settings", content: jsonContent(TradingSettings) },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

export const accountRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(balances, async (c) => {
    const principal = requireScope(c, "read");
    const { keyId } = c.req.valid("param");
    const { market } = c.req.valid("query");
    const body = await withExchangeErrors(async () =>
      valuedBalances(await gatewayForKey(accountServices(c), principal.user.id, keyId), market),
    );
    return c.json(body, 200);
  })
  .openapi(positions, async (c) => {
    const principal = requireScope(c, "read");
    const { keyId } = c.req.valid("param");
    const { symbol } = c.req.valid("query");
    const list = await withExchangeErrors(async () => {
      const { gateway } = await gatewayForKey(accountServices(c), principal.user.id, keyId);
      return openPositions(gateway, symbol);
    });
    return c.json({ positions: list }, 200);
  })
  .openapi(orders, async (c) => {
    const principal = requireScope(c, "read");
    const { keyId } = c.req.valid("param");
    const { market, symbol } = c.req.valid("query");
    const list = await withExchangeErrors(async () => {
      const { gateway } = await gatewayForKey(accountServices(c), principal.user.id, keyId);
      return openOrders(gateway, market, symbol);
    });
    return c.json({ orders: list }, 200);
  })
  .openapi(futuresPositionMode, async (c) => {
    const principal = requireScope(c, "read");
    const { keyId } = c.req.valid("param");
    const mode = await withExchangeErrors(async () => {
      const { gateway } = await gatewayForKey(accountServices(c), principal.user.id, keyId);
      return positionMode(gateway);
    });
    return c.json({ mode }, 200);
  })
  .openapi(futuresStops, async (c) => {
    const principal = requireScope(c, "read");
    const { keyId } = c.req.valid("param");
    const { symbol } = c.req.valid("query");
    const stops = await withExchangeErrors(async () => {
      const { gateway } = await gatewayForKey(accountServices(c), principal.user.id, keyId);
      return protectiveOrders(gateway, symbol);
    });
    return c.json({ stops }, 200);
  })
  .openapi(cancel, async (c) => {
    const services = accountServices(c);
    const principal = await requireTrading(c, services.db);
    const { keyId, clientOrderId } = c.req.valid("param");
    const { market, symbol } = c.req.valid("query");
    const order = await withExchangeErrors(async () => {
      const { gateway } = await gatewayForKey(services, principal.user.id, keyId);
      return cancelOrder(gateway, market, symbol, clientOrderId);
    });
    return c.json(order, 200);
  })
  .openapi(getSettings, async (c) => {
    const principal = requireScope(c, "read");
    return c.json(await tradingSettings(openDatabase(c.env.DB), principal.user.id), 200);
  })
  .openapi(putSettings, async (c) => {
    const principal = requireRecentTwoFactor(c);
    return c.json(await saveTradingSettings(openDatabase(c.env.DB), principal, c.req.valid("json")), 200);
  });

/** What the exchange-account services need from the request: the database, the keyring, allowed extra hosts. */
export function accountServices(c: Context<AppEnv>): AccountServices {
  return {
    db: openDatabase(c.env.DB),
    keyring: c.var.config.keyring,
    extraHosts: c.var.config.exchangeExtraHosts,
    exchangeTimeoutMs: c.var.config.exchangeTimeoutMs,
  };
}
