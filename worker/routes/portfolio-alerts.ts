import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { PortfolioAlertList } from "../../shared/api/portfolio-alerts.ts";
import { PortfolioParam } from "../../shared/api/portfolios.ts";
import { requireScope } from "../auth/guards.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { portfolioAlertList } from "../portfolios/alert-store.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";
import { portfolioRoute } from "./portfolio-route.ts";

const alerts = createRoute({
  ...portfolioRoute("Portfolio alerts")(
    "get",
    "/portfolios/{id}/alerts",
    "Risk alerts found between reviews (a futures stop-loss at or near its liquidation price)",
    "read",
  ),
  request: { params: PortfolioParam },
  responses: {
    200: { description: "Open alerts, then the latest resolved ones", content: jsonContent(PortfolioAlertList) },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export const portfolioAlertRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  alerts,
  async (c) => {
    const principal = requireScope(c, "read");
    const { id } = c.req.valid("param");
    return c.json(await portfolioAlertList(openDatabase(c.env.DB), principal.user.id, id), 200);
  },
);
