import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { Allocation, EquityCurve, EquityQuery, PortfolioPositions } from "../../shared/api/portfolio-holdings.ts";
import { PortfolioParam } from "../../shared/api/portfolios.ts";
import { exchangeErrorResponses } from "../accounts/exchange-error-response.ts";
import { requireScope } from "../auth/guards.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { portfolioEngine } from "../portfolios/engine-client.ts";
import { allocationNow, equityCurve } from "../portfolios/performance.ts";
import { accountServices } from "./accounts.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";
import { portfolioRoute } from "./portfolio-route.ts";

const VENUE_ERRORS = { ...errorResponses(400, 401, 403, 429), ...exchangeErrorResponses(404, 409, 424, 451, 503) };

const holdingRoute = portfolioRoute("Portfolio holdings");
const route = <P extends string>(path: P, summary: string) => holdingRoute("get", path, summary, "read");

const positions = createRoute({
  ...route("/portfolios/{id}/positions", "What the portfolio holds now (spot holdings, futures positions, SL/TP)"),
  request: { params: PortfolioParam },
  responses: {
    200: { description: "Holdings and positions", content: jsonContent(PortfolioPositions) },
    ...VENUE_ERRORS,
  },
});

const equity = createRoute({
  ...route("/portfolios/{id}/equity", "The equity curve: value and PnL in the cash token over time"),
  request: { params: PortfolioParam, query: EquityQuery },
  responses: {
    200: { description: "Points oldest first", content: jsonContent(EquityCurve) },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const allocation = createRoute({
  ...route("/portfolios/{id}/allocation", "Allocation now against each token's floor, target and maximum"),
  request: { params: PortfolioParam },
  responses: { 200: { description: "Allocation", content: jsonContent(Allocation) }, ...VENUE_ERRORS },
});

export const portfolioHoldingRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(positions, async (c) => {
    const principal = requireScope(c, "read");
    return c.json(await portfolioEngine(c.env, c.req.valid("param").id).positions(principal.user.id), 200);
  })
  .openapi(equity, async (c) => {
    const principal = requireScope(c, "read");
    const { id } = c.req.valid("param");
    const curve = await equityCurve(
      openDatabase(c.env.DB),
      principal.user.id,
      id,
      c.req.valid("query"),
      c.var.identity.now(),
    );
    return c.json(curve, 200);
  })
  .openapi(allocation, async (c) => {
    const principal = requireScope(c, "read");
    const { id } = c.req.valid("param");
    return c.json(await allocationNow(accountServices(c), principal.user.id, id, c.var.identity.now()), 200);
  });
