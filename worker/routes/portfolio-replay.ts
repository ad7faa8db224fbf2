import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { ReplayRequest, ReplayResult } from "../../shared/api/portfolio-replay.ts";
import { RunParam } from "../../shared/api/portfolio-runs.ts";
import { requireScope } from "../auth/guards.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { replayRun } from "../portfolios/replay.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";
import { portfolioRoute } from "./portfolio-route.ts";

const route = portfolioRoute("Portfolio runs");

const replay = createRoute({
  ...route("post", "/portfolios/{id}/runs/{runId}/replay", "What-if: plan a stored review again, on paper", "read"),
  // Planning a whole review again is the costliest read there is: counted like the other costly actions.
  middleware: [rateLimit("sensitive")],
  description:
    "Plans the review's saved decision input again with the same planner and hard guards, with the limits, token " +
    "allocations or instructions given here (omitted ones keep the portfolio's), and the decision the review stored " +
    "or the built-in strategy's, at the prices the review planned at; answers the orders and refusals, and how they " +
    "differ from what the review planned. Nothing reaches the venue and nothing is saved.",
  request: { params: RunParam, body: { content: jsonContent(ReplayRequest), required: true } },
  responses: {
    200: { description: "The replay and its difference from the review", content: jsonContent(ReplayResult) },
    ...errorResponses(400, 401, 403, 404, 409, 422, 429),
  },
});

export const portfolioReplayRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  replay,
  async (c) => {
    const principal = requireScope(c, "read");
    const { id, runId } = c.req.valid("param");
    return c.json(await replayRun(openDatabase(c.env.DB), principal.user.id, id, runId, c.req.valid("json")), 200);
  },
);
