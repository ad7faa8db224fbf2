import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { AiKey, AiKeyList, AiProviderParam, Deleted, SetAiKey } from "../../shared/api/keys.ts";
import { requireRecentTwoFactor, requireScope } from "../auth/guards.ts";
import { SESSION_ONLY, sessionOrToken } from "../auth/openapi-security.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { modelListVerifier } from "../keys/ai-key-verifier.ts";
import { deleteAiKey, listAiKeys, setAiKey } from "../keys/ai-keys.ts";
import { requireKeyring } from "../keys/sealed-secret.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const list = createRoute({
  method: "get",
  path: "/keys/ai",
  tags: ["AI keys"],
  summary: "Your AI provider keys (masked)",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  responses: { 200: { description: "Keys", content: jsonContent(AiKeyList) }, ...errorResponses(401, 403, 429) },
});

const put = createRoute({
  method: "put",
  path: "/keys/ai/{provider}",
  tags: ["AI keys"],
  summary: "Add or replace your key for an AI provider; verified with the provider's GET /v1/models",
  description:
    "With `baseUrl`, the key is verified, lists models and decides at that endpoint instead (400 `validation_failed` " +
    "for a URL the host policy refuses). 400 `key_rejected` when the provider refuses the key. Needs a recent 2FA " +
    "confirmation when 2FA is on.",
  security: SESSION_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  request: { params: AiProviderParam, body: { content: jsonContent(SetAiKey), required: true } },
  responses: {
    200: { description: "The stored key (masked)", content: jsonContent(AiKey) },
    ...errorResponses(400, 401, 403, 429),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/keys/ai/{provider}",
  tags: ["AI keys"],
  summary: "Delete your key for an AI provider",
  security: SESSION_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  request: { params: AiProviderParam },
  responses: { 200: { description: "Deleted", content: jsonContent(Deleted) }, ...errorResponses(401, 403, 404, 429) },
});

export const aiKeyRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(list, async (c) => {
    const principal = requireScope(c, "read");
    return c.json({ keys: await listAiKeys(openDatabase(c.env.DB), principal.user.id) }, 200);
  })
  .openapi(put, async (c) => {
    const principal = requireRecentTwoFactor(c);
    const services = {
      db: openDatabase(c.env.DB),
      keyring: requireKeyring(c.var.config.keyring),
      verify: modelListVerifier(c.var.config.aiBaseUrls, c.var.identity.outboundFetch),
      now: c.var.identity.now(),
      extraHosts: c.var.config.exchangeExtraHosts,
    };
    const key = await setAiKey(services, principal.user.id, c.req.valid("param").provider, c.req.valid("json"));
    return c.json(key, 200);
  })
  .openapi(remove, async (c) => {
    const principal = requireRecentTwoFactor(c);
    await deleteAiKey(openDatabase(c.env.DB), principal.user.id, c.req.valid("param").provider);
    return c.json({ deleted: true as const }, 200);
  });
