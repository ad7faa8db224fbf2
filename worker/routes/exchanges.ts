import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import {
  CapabilityMap,
  MarketDetail,
  MarketList,
  MarketQuery,
  MarketsQuery,
  VenueParam,
  VenueSymbolParam,
} from "../../shared/api/accounts.ts";
import { exchangeErrorResponses, withExchangeErrors } from "../accounts/exchange-error-response.ts";
import { marketDataGateway } from "../accounts/gateway-for-key.ts";
import { marketDetail, searchMarkets } from "../accounts/market-catalog.ts";
import { requireScope } from "../auth/guards.ts";
import { sessionOrToken } from "../auth/openapi-security.ts";
import type { Venue } from "../exchanges/contract.ts";
import { createGateway } from "../exchanges/gateway.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { accountServices } from "./accounts.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const VENUES: Venue[] = ["binance", "bybit"];

const capabilities = createRoute({
  method: "get",
  path: "/exchanges",
  tags: ["Exchanges"],
  summary: "Venues, their markets and environments, and the operations each market supports",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "The capability map", content: jsonContent(CapabilityMap) },
    ...errorResponses(401, 403, 429),
  },
});

const markets = createRoute({
  method: "get",
  path: "/exchanges/{venue}/markets",
  tags: ["Exchanges"],
  summary: "A venue's markets with their filters (tick, step, minimums), for pickers; `q` searches",
  description: "Public market data from live, or from the environment of `keyId` (one of your keys on this venue).",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  request: { params: VenueParam, query: MarketsQuery },
  responses: {
    200: { description: "Matching markets, tradable first", content: jsonContent(MarketList) },
    ...errorResponses(400, 401, 403, 404),
    ...exchangeErrorResponses(422, 429, 451, 503),
  },
});

const market = createRoute({
  method: "get",
  path: "/exchanges/{venue}/markets/{symbol}",
  tags: ["Exchanges"],
  summary: "One market's filters and current price, for validating an order form",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  request: { params: VenueSymbolParam, query: MarketQuery },
  responses: {
    200: { description: "The market and its ticker", content: jsonContent(MarketDetail) },
    ...errorResponses(400, 401, 403, 404),
    ...exchangeErrorResponses(422, 429, 451, 503),
  },
});

export const exchangeRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(capabilities, (c) => {
    const venues = VENUES.map((venue) => createGateway({ venue, environment: "live", credentials: null }).capabilities);
    return c.json({ venues }, 200);
  })
  .openapi(markets, async (c) => {
    const principal = requireScope(c, "read");
    const { venue } = c.req.valid("param");
    const query = c.req.valid("query");
    const found = await withExchangeErrors(async () => {
      const gateway = await marketDataGateway(accountServices(c), principal.user.id, venue, query.keyId);
      return searchMarkets(gateway, query);
    });
    return c.json({ venue, market: query.market, ...found }, 200);
  })
  .openapi(market, async (c) => {
    const principal = requireScope(c, "read");
    const { venue, symbol } = c.req.valid("param");
    const query = c.req.valid("query");
    const detail = await withExchangeErrors(async () => {
      const gateway = await marketDataGateway(accountServices(c), principal.user.id, venue, query.keyId);
      return marketDetail(gateway, query.market, symbol);
    });
    return c.json(detail, 200);
  });
