import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ResourceId } from "../../shared/api/auth.ts";
import { CreateExchangeKey, Deleted, ExchangeKey, ExchangeKeyList, ReplaceExchangeKey } from "../../shared/api/keys.ts";
import { requireRecentTwoFactor, requireScope } from "../auth/guards.ts";
import { SESSION_ONLY, sessionOrToken } from "../auth/openapi-security.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import {
  addExchangeKey,
  deleteExchangeKey,
  type ExchangeKeyServices,
  getExchangeKey,
  listExchangeKeys,
  replaceExchangeKey,
} from "../keys/exchange-keys.ts";
import { requireKeyring } from "../keys/sealed-secret.ts";
import { deliverAfterResponse } from "../notifications/deliver-after-response.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const EGRESS_NOTE =
  "Binance and Bybit refuse requests from US IP addresses (HTTP 451/403); Cloudflare may run the Worker in a US " +
  "location, so keys cannot be IP-whitelisted to a single egress address.";

const list = createRoute({
  method: "get",
  path: "/keys/exchange",
  tags: ["Exchange keys"],
  summary: "Your exchange keys: masked values (last 4 characters), environment, label, verified permissions",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "Keys", content: jsonContent(ExchangeKeyList) },
    ...errorResponses(401, 403, 429),
  },
});

const getOne = createRoute({
  method: "get",
  path: "/keys/exchange/{id}",
  tags: ["Exchange keys"],
  summary: "One of your exchange keys (masked)",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  request: { params: ResourceId },
  responses: {
    200: { description: "The key", content: jsonContent(ExchangeKey) },
    ...errorResponses(401, 403, 404, 429),
  },
});

const create = createRoute({
  method: "post",
  path: "/keys/exchange",
  tags: ["Exchange keys"],
  summary: "Add an exchange key; it is verified with the venue and refused if it allows withdrawals",
  description:
    "Answers 400 `key_can_withdraw` for withdrawal-enabled keys and 400 `key_rejected` when the venue refuses the " +
    "key. When the venue cannot be asked the key is stored with status `unverified` and is not used for trading. " +
    "Testnet and demo keys are checked with reads those sites serve: Binance's spot and futures sites one by one " +
    "(`permissions.spot`/`futures` say which accepted the key), Bybit demo with a wallet read, its trading rights " +
    "assumed and said so in `verificationNote`. A `custom` Binance key may name its spot and futures base URLs " +
    "separately (`baseUrls`) and trades only the markets it has a URL for. " +
    `Needs a recent 2FA confirmation when 2FA is on. ${EGRESS_NOTE}`,
  security: SESSION_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  request: { body: { content: jsonContent(CreateExchangeKey), required: true } },
  responses: {
    200: { description: "The stored key (masked)", content: jsonContent(ExchangeKey) },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

const replace = createRoute({
  method: "put",
  path: "/keys/exchange/{id}",
  tags: ["Exchange keys"],
  summary: "Replace an exchange key's credentials (verified like a new key; its portfolios are stopped)",
  security: SESSION_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  request: { params: ResourceId, body: { content: jsonContent(ReplaceExchangeKey), required: true } },
  responses: {
    200: { description: "The stored key (masked)", content: jsonContent(ExchangeKey) },
    ...errorResponses(400, 401, 403, 404, 409, 429),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/keys/exchange/{id}",
  tags: ["Exchange keys"],
  summary: "Delete an exchange key; the portfolios using it are stopped first",
  security: SESSION_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  request: { params: ResourceId },
  responses: {
    200: { description: "Deleted", content: jsonContent(Deleted) },
    ...errorResponses(401, 403, 404, 429),
  },
});

export const exchangeKeyRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(list, async (c) => {
    const principal = requireScope(c, "read");
    return c.json({ keys: await listExchangeKeys(openDatabase(c.env.DB), principal.user.id) }, 200);
  })
  .openapi(getOne, async (c) => {
    const principal = requireScope(c, "read");
    return c.json(await getExchangeKey(openDatabase(c.env.DB), principal.user.id, c.req.valid("param").id), 200);
  })
  .openapi(create, async (c) => {
    const principal = requireRecentTwoFactor(c);
    const key = await addExchangeKey(keyServices(c), principal.user.id, c.req.valid("json"));
    // An unverified key was announced to its owner (key_unverified): it goes out now rather than at the next tick.
    if (key.status === "unverified") deliverAfterResponse(c, principal.user.id);
    return c.json(key, 200);
  })
  .openapi(replace, async (c) => {
    const principal = requireRecentTwoFactor(c);
    const key = await replaceExchangeKey(
      keyServices(c),
      principal.user.id,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    if (key.status === "unverified") deliverAfterResponse(c, principal.user.id);
    return c.json(key, 200);
  })
  .openapi(remove, async (c) => {
    const principal = requireRecentTwoFactor(c);
    const { portfolios } = c.var.identity;
    await deleteExchangeKey(openDatabase(c.env.DB), portfolios, principal.user.id, c.req.valid("param").id);
    return c.json({ deleted: true as const }, 200);
  });

function keyServices(c: Context<AppEnv>): ExchangeKeyServices {
  return {
    db: openDatabase(c.env.DB),
    keyring: requireKeyring(c.var.config.keyring),
    verify: c.var.identity.verifyExchangeKey,
    portfolios: c.var.identity.portfolios,
    extraHosts: c.var.config.exchangeExtraHosts,
    now: c.var.identity.now(),
  };
}
