import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { ApiTokenList, CreateApiToken, CreatedApiToken, ResourceId, Revoked } from "../../shared/api/auth.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../auth/api-tokens.ts";
import { requireRecentTwoFactor, requireSession } from "../auth/guards.ts";
import { SESSION_ONLY } from "../auth/openapi-security.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const list = createRoute({
  method: "get",
  path: "/tokens",
  tags: ["API tokens"],
  summary: "Your personal API tokens (never the token values)",
  security: SESSION_ONLY,
  middleware: [rateLimit("read")] as const,
  responses: { 200: { description: "Tokens", content: jsonContent(ApiTokenList) }, ...errorResponses(401, 403, 429) },
});

const create = createRoute({
  method: "post",
  path: "/tokens",
  tags: ["API tokens"],
  summary: "Create a personal API token for generated clients; the value is shown only in this response",
  description: "Needs a recent 2FA confirmation when 2FA is on (403 `two_factor_required`).",
  security: SESSION_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  request: { body: { content: jsonContent(CreateApiToken), required: true } },
  responses: {
    200: { description: "The new token", content: jsonContent(CreatedApiToken) },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

const revoke = createRoute({
  method: "delete",
  path: "/tokens/{id}",
  tags: ["API tokens"],
  summary: "Revoke a personal API token",
  security: SESSION_ONLY,
  middleware: [rateLimit("write")] as const,
  request: { params: ResourceId },
  responses: {
    200: { description: "Revoked", content: jsonContent(Revoked) },
    ...errorResponses(401, 403, 404, 429),
  },
});

export const tokenRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(list, async (c) => {
    const principal = requireSession(c);
    return c.json({ tokens: await listApiTokens(openDatabase(c.env.DB), principal.user.id) }, 200);
  })
  .openapi(create, async (c) => {
    const principal = requireRecentTwoFactor(c);
    const created = await createApiToken(
      openDatabase(c.env.DB),
      principal.user.id,
      c.req.valid("json"),
      c.var.identity.now(),
    );
    return c.json(created, 200);
  })
  .openapi(revoke, async (c) => {
    const principal = requireSession(c);
    await revokeApiToken(openDatabase(c.env.DB), principal.user.id, c.req.valid("param").id);
    return c.json({ revoked: true as const }, 200);
  });
