import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { Deleted } from "../../shared/api/keys.ts";
import {
  CreatePortfolio,
  Portfolio,
  PortfolioActionResult,
  PortfolioList,
  PortfolioListQuery,
  PortfolioParam,
  UpdatePortfolio,
} from "../../shared/api/portfolios.ts";
import { exchangeErrorResponses } from "../accounts/exchange-error-response.ts";
import { requireTrading } from "../accounts/trading-authorization.ts";
import { requireScope } from "../auth/guards.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { portfolioEngine } from "../portfolios/engine-client.ts";
import {
  createPortfolio,
  getPortfolio,
  listPortfolios,
  type PortfolioServices,
  updatePortfolio,
} from "../portfolios/lifecycle.ts";
import { accountServices } from "./accounts.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";
import { portfolioRoute } from "./portfolio-route.ts";

const TRADING_NOTE = "Needs the `trade` scope, and a recent 2FA code when 2FA for trading is on.";
const RISK_DOWN_NOTE = "Needs the `trade` scope; never a 2FA code, so you can always reduce risk.";
const READ_ERRORS = errorResponses(400, 401, 403, 404, 429);
const WRITE_ERRORS = { ...errorResponses(400, 401, 403), ...exchangeErrorResponses(404, 409, 422, 424, 429, 451, 503) };

const route = portfolioRoute("Portfolios");

const create = createRoute({
  ...route("post", "/portfolios", "Create a portfolio (a draft until started)", "trade"),
  description: `Every token's pair (spot) or contract (futures) is checked on the key's venue and environment. ${TRADING_NOTE}`,
  request: { body: { content: jsonContent(CreatePortfolio), required: true } },
  responses: { 200: { description: "Created", content: jsonContent(Portfolio) }, ...WRITE_ERRORS },
});

const list = createRoute({
  ...route("get", "/portfolios", "Your portfolios, newest first", "read"),
  request: { query: PortfolioListQuery },
  responses: { 200: { description: "One page", content: jsonContent(PortfolioList) }, ...READ_ERRORS },
});

const read = createRoute({
  ...route("get", "/portfolios/{id}", "One portfolio", "read"),
  request: { params: PortfolioParam },
  responses: { 200: { description: "The portfolio", content: jsonContent(Portfolio) }, ...READ_ERRORS },
});

const update = createRoute({
  ...route("patch", "/portfolios/{id}", "Change a portfolio's settings", "trade"),
  description: `Only the fields sent change (\`risk\` and \`futures\` are replaced whole). ${TRADING_NOTE}`,
  request: { params: PortfolioParam, body: { content: jsonContent(UpdatePortfolio), required: true } },
  responses: { 200: { description: "The portfolio", content: jsonContent(Portfolio) }, ...WRITE_ERRORS },
});

const start = createRoute({
  ...route("post", "/portfolios/{id}/start", "Start (or resume) a portfolio; records its starting equity", "trade"),
  description: `Validates again, claims its tokens and its share of the cash (or futures margin) on the key, records the starting equity in the cash token, and queues a first review at once. ${TRADING_NOTE}`,
  request: { params: PortfolioParam },
  responses: { 200: { description: "Running", content: jsonContent(Portfolio) }, ...WRITE_ERRORS },
});

const stop = createRoute({
  ...route("post", "/portfolios/{id}/stop", "Stop a portfolio and cancel its open orders", "trade"),
  description: `Only orders whose client id starts with the portfolio's \`clientOrderIdPrefix\` are canceled. ${RISK_DOWN_NOTE}`,
  request: { params: PortfolioParam },
  responses: { 200: { description: "Stopped", content: jsonContent(PortfolioActionResult) }, ...WRITE_ERRORS },
});

const kill = createRoute({
  ...route(
    "post",
    "/portfolios/{id}/kill",
    "Kill switch: stop, cancel its orders, close its futures positions",
    "trade",
  ),
  description: `Futures positions on the portfolio's contracts are closed with reduce-only market orders. ${RISK_DOWN_NOTE}`,
  request: { params: PortfolioParam },
  responses: { 200: { description: "Stopped", content: jsonContent(PortfolioActionResult) }, ...WRITE_ERRORS },
});

const remove = createRoute({
  ...route("delete", "/portfolios/{id}", "Delete a portfolio (stopped first; its history is kept)", "trade"),
  description: RISK_DOWN_NOTE,
  request: { params: PortfolioParam },
  responses: { 200: { description: "Deleted", content: jsonContent(Deleted) }, ...WRITE_ERRORS },
});

export const portfolioRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(create, async (c) => {
    const principal = await requireTrading(c, accountServices(c).db);
    return c.json(await createPortfolio(services(c), principal.user.id, c.req.valid("json")), 200);
  })
  .openapi(list, async (c) => {
    const principal = requireScope(c, "read");
    return c.json(await listPortfolios(services(c), principal.user.id, c.req.valid("query")), 200);
  })
  .openapi(read, async (c) => {
    const principal = requireScope(c, "read");
    return c.json(await getPortfolio(services(c), principal.user.id, c.req.valid("param").id), 200);
  })
  .openapi(update, async (c) => {
    const principal = await requireTrading(c, accountServices(c).db);
    const { id } = c.req.valid("param");
    const updated = await updatePortfolio(services(c), principal.user.id, id, c.req.valid("json"));
    // The interval may have changed: the portfolio's object moves its alarm to the new next slot.
    if (updated.status === "active") await portfolioEngine(c.env, id).reschedule();
    return c.json(await getPortfolio(services(c), principal.user.id, id), 200);
  })
  .openapi(start, async (c) => {
    const principal = await requireTrading(c, accountServices(c).db);
    return c.json(await portfolioEngine(c.env, c.req.valid("param").id).start(principal.user.id), 200);
  })
  .openapi(stop, async (c) => {
    const principal = requireScope(c, "trade");
    return c.json(await portfolioEngine(c.env, c.req.valid("param").id).stop(principal.user.id), 200);
  })
  .openapi(kill, async (c) => {
    const principal = requireScope(c, "trade");
    return c.json(await portfolioEngine(c.env, c.req.valid("param").id).kill(principal.user.id), 200);
  })
  .openapi(remove, async (c) => {
    const principal = requireScope(c, "trade");
    return c.json(await portfolioEngine(c.env, c.req.valid("param").id).remove(principal.user.id), 200);
  });

export function services(c: Context<AppEnv>): PortfolioServices {
  return { ...accountServices(c), now: c.var.identity.now() };
}
