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
    "allocations or instructions given here (omitted ones keep the portfolio's), and the decision the review stored, " +
    "the built-in strategy's or the portfolio's own AI's (source `ai`), at the prices the review planned at; answers " +
    "the orders and refusals, and how they differ from what the review planned. Nothing reaches the venue; the only " +
    "thing saved is an AI replay's cost, which counts toward the month's AI spend. An AI replay is refused with 422 " +
    "when the AI cannot decide (`replay_not_ai`, `replay_no_ai_key`, `replay_spend_cap`, `replay_share_budget`, " +
    "`replay_share_revoked`, `replay_base_url_refused`, `replay_decision_failed`; `details.engineMessage` words the " +
    "reason), and with 429 past 10 per hour per portfolio. An API token needs the `trade` scope for source `ai` " +
    "(it spends the AI budget); `read` is enough for the others.",
  request: { params: RunParam, body: { content: jsonContent(ReplayRequest), required: true } },
  responses: {
    200: { description: "The replay and its difference from the review", content: jsonContent(ReplayResult) },
    ...errorResponses(400, 401, 403, 404, 409, 422, 424, 429),
  },
});

export const portfolioReplayRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  replay,
  async (c) => {
    const request = c.req.valid("json");
    // Asking the AI spends the owner's AI budget: an API token needs the scope that lets it act, not only read.
    const principal = requireScope(c, request.source === "ai" ? "trade" : "read");
    const { id, runId } = c.req.valid("param");
    const { config, identity } = c.var;
    const services = {
      db: openDatabase(c.env.DB),
      keyring: config.keyring,
      extraHosts: config.exchangeExtraHosts,
      ai: config.ai,
      now: identity.now,
      limiters: c.env.RATE_LIMITER,
    };
    return c.json(await replayRun(services, principal.user.id, id, runId, request), 200);
  },
);
