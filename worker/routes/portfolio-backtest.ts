import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { BacktestRequest, BacktestResult } from "../../shared/api/portfolio-backtest.ts";
import { PortfolioParam } from "../../shared/api/portfolios.ts";
import { exchangeErrorResponses } from "../accounts/exchange-error-response.ts";
import { requireScope } from "../auth/guards.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { backtestPortfolio } from "../portfolios/backtest.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { accountServices } from "./accounts.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";
import { portfolioRoute } from "./portfolio-route.ts";

const route = portfolioRoute("Portfolios");

const backtest = createRoute({
  ...route("post", "/portfolios/{id}/backtest", "Paper backtest of the built-in strategy on recent candles", "read"),
  // A few hundred reviews in one request, and the venue's candles: counted like the other costly actions.
  middleware: [rateLimit("sensitive")],
  description:
    "One review per candle over the venue's latest candles (at most 500, at most 90 days), with the portfolio's " +
    "tokens, limits and virtual capital, the built-in strategy, the review's planner and hard guards, fills at the " +
    "next candle's open and the paper broker's fees. Futures portfolios: positions with leverage, margin, SL/TP " +
    "triggered on each candle's range (the stop-loss first when a candle reaches both), estimated liquidations and " +
    "the venue's funding history where it has one. Nothing is placed or saved.",
  request: { params: PortfolioParam, body: { content: jsonContent(BacktestRequest), required: true } },
  responses: {
    200: { description: "The equity curve, trades and totals", content: jsonContent(BacktestResult) },
    ...errorResponses(400, 401, 403),
    ...exchangeErrorResponses(404, 409, 422, 424, 429, 503),
  },
});

export const portfolioBacktestRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  backtest,
  async (c) => {
    const principal = requireScope(c, "read");
    const { id } = c.req.valid("param");
    return c.json(await backtestPortfolio(accountServices(c), principal.user.id, id, c.req.valid("json")), 200);
  },
);
