import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import {
  ApprovalRequest,
  RunDetail,
  RunList,
  RunListQuery,
  RunParam,
  RunRequested,
  RunSummary,
} from "../../shared/api/portfolio-runs.ts";
import { PortfolioParam } from "../../shared/api/portfolios.ts";
import { exchangeErrorResponses } from "../accounts/exchange-error-response.ts";
import { requireTrading } from "../accounts/trading-authorization.ts";
import { requireScope } from "../auth/guards.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { portfolioEngine } from "../portfolios/engine-client.ts";
import { getRun, listRuns } from "../portfolios/history.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";
import { portfolioRoute } from "./portfolio-route.ts";

const READ_ERRORS = errorResponses(400, 401, 403, 404, 429);
const route = portfolioRoute("Portfolio runs");

const runNow = createRoute({
  ...route("post", "/portfolios/{id}/runs", "Run a review now (asynchronous)", "trade"),
  description:
    "Queues a review and answers at once with its id; follow it with `GET …/runs/{runId}`. Reviews never overlap: " +
    "when one is already queued or running, its id is answered with `alreadyRunning: true`. Needs the `trade` scope " +
    "(and a recent 2FA code when 2FA for trading is on).",
  request: { params: PortfolioParam },
  responses: {
    202: { description: "Queued (or already in progress)", content: jsonContent(RunRequested) },
    ...errorResponses(400, 401, 403, 404, 409, 429),
  },
});

const list = createRoute({
  ...route("get", "/portfolios/{id}/runs", "Review runs, newest first, with their orders", "read"),
  request: { params: PortfolioParam, query: RunListQuery },
  responses: { 200: { description: "One page", content: jsonContent(RunList) }, ...READ_ERRORS },
});

const read = createRoute({
  ...route(
    "get",
    "/portfolios/{id}/runs/{runId}",
    "One run in full: input, prompt, raw answer, decision, orders",
    "read",
  ),
  request: { params: RunParam },
  responses: { 200: { description: "The run", content: jsonContent(RunDetail) }, ...READ_ERRORS },
});

const approve = createRoute({
  ...route("post", "/portfolios/{id}/runs/{runId}/approval", "Approve, edit or reject a run's planned orders", "trade"),
  description:
    "For portfolios in manual-approval mode. Approved orders are placed at once (edited ones after passing the same " +
    "hard guards again); orders not mentioned keep waiting until the next review expires them.",
  request: { params: RunParam, body: { content: jsonContent(ApprovalRequest), required: true } },
  responses: {
    200: { description: "The run after placing what was approved", content: jsonContent(RunSummary) },
    ...errorResponses(400, 401, 403),
    ...exchangeErrorResponses(404, 409, 422, 424, 429, 503),
  },
});

export const portfolioRunRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(runNow, async (c) => {
    const principal = await requireTrading(c, openDatabase(c.env.DB));
    return c.json(await portfolioEngine(c.env, c.req.valid("param").id).requestRun(principal.user.id), 202);
  })
  .openapi(list, async (c) => {
    const principal = requireScope(c, "read");
    const { id } = c.req.valid("param");
    return c.json(await listRuns(openDatabase(c.env.DB), principal.user.id, id, c.req.valid("query")), 200);
  })
  .openapi(read, async (c) => {
    const principal = requireScope(c, "read");
    const { id, runId } = c.req.valid("param");
    return c.json(await getRun(openDatabase(c.env.DB), principal.user.id, id, runId), 200);
  })
  .openapi(approve, async (c) => {
    const principal = await requireTrading(c, openDatabase(c.env.DB));
    const { id, runId } = c.req.valid("param");
    const { decisions } = c.req.valid("json");
    return c.json(await portfolioEngine(c.env, id).approve(principal.user.id, runId, decisions), 200);
  });
