import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import {
  ExportQuery,
  FillList,
  FillListQuery,
  OrderList,
  OrderListQuery,
  OrderParam,
  PortfolioOrder,
} from "../../shared/api/portfolio-orders.ts";
import { PortfolioParam } from "../../shared/api/portfolios.ts";
import * as z from "../../shared/api/zod.ts";
import { exchangeErrorResponses } from "../accounts/exchange-error-response.ts";
import { requireScope } from "../auth/guards.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { fillsCsv, ordersCsv } from "../portfolios/csv-export.ts";
import { portfolioEngine } from "../portfolios/engine-client.ts";
import { listFills, listOrders } from "../portfolios/history.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";
import { portfolioRoute } from "./portfolio-route.ts";

const READ_ERRORS = errorResponses(400, 401, 403, 404, 429);
const csvContent = { "text/csv": { schema: z.string().openapi({ description: "RFC 4180 CSV with a header row" }) } };

const route = portfolioRoute("Portfolio orders");

const orders = createRoute({
  ...route("get", "/portfolios/{id}/orders", "The portfolio's orders, newest first", "read"),
  description: "Every order it planned, placed or refused, with its status and reason. Filter with `status`.",
  request: { params: PortfolioParam, query: OrderListQuery },
  responses: { 200: { description: "One page", content: jsonContent(OrderList) }, ...READ_ERRORS },
});

const ordersExport = createRoute({
  ...route("get", "/portfolios/{id}/orders/export", "The portfolio's orders as CSV", "read"),
  request: { params: PortfolioParam, query: ExportQuery },
  responses: { 200: { description: "CSV, newest first (at most 20 000 rows)", content: csvContent }, ...READ_ERRORS },
});

const cancel = createRoute({
  ...route("delete", "/portfolios/{id}/orders/{orderId}", "Cancel one of the portfolio's open orders", "trade"),
  description:
    "Through the broker that placed it (the venue, or the paper broker). An order that filled meanwhile is recorded " +
    "as filled. Needs the `trade` scope; never a 2FA code, so you can always reduce risk.",
  request: { params: OrderParam },
  responses: {
    200: { description: "The order after the cancel", content: jsonContent(PortfolioOrder) },
    ...errorResponses(400, 401, 403),
    ...exchangeErrorResponses(404, 409, 424, 429, 503),
  },
});

const fills = createRoute({
  ...route("get", "/portfolios/{id}/fills", "The portfolio's fills (trades), newest first", "read"),
  request: { params: PortfolioParam, query: FillListQuery },
  responses: { 200: { description: "One page", content: jsonContent(FillList) }, ...READ_ERRORS },
});

const fillsExport = createRoute({
  ...route("get", "/portfolios/{id}/fills/export", "The portfolio's fills as CSV", "read"),
  request: { params: PortfolioParam },
  responses: { 200: { description: "CSV, newest first (at most 20 000 rows)", content: csvContent }, ...READ_ERRORS },
});

function attachment(body: string, name: string): Response {
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"` },
  });
}

export const portfolioOrderRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(orders, async (c) => {
    const principal = requireScope(c, "read");
    const { id } = c.req.valid("param");
    return c.json(await listOrders(openDatabase(c.env.DB), principal.user.id, id, c.req.valid("query")), 200);
  })
  .openapi(ordersExport, async (c) => {
    const principal = requireScope(c, "read");
    const { id } = c.req.valid("param");
    const body = await ordersCsv(openDatabase(c.env.DB), principal.user.id, id, c.req.valid("query").status);
    return attachment(body, `orders-${id}.csv`);
  })
  .openapi(cancel, async (c) => {
    const principal = requireScope(c, "trade");
    const { id, orderId } = c.req.valid("param");
    return c.json(await portfolioEngine(c.env, id).cancelOrder(principal.user.id, orderId), 200);
  })
  .openapi(fills, async (c) => {
    const principal = requireScope(c, "read");
    const { id } = c.req.valid("param");
    return c.json(await listFills(openDatabase(c.env.DB), principal.user.id, id, c.req.valid("query")), 200);
  })
  .openapi(fillsExport, async (c) => {
    const principal = requireScope(c, "read");
    const { id } = c.req.valid("param");
    return attachment(await fillsCsv(openDatabase(c.env.DB), principal.user.id, id), `fills-${id}.csv`);
  });
