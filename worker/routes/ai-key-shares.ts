import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { AdminAiKeyShare, AdminAiKeyShareList, ShareAiKey, SharedAiKeyList } from "../../shared/api/ai-key-shares.ts";
import { ResourceId } from "../../shared/api/auth.ts";
import { Deleted } from "../../shared/api/keys.ts";
import { requireAdmin, requireScope } from "../auth/guards.ts";
import { ADMIN_ONLY, sessionOrToken } from "../auth/openapi-security.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { listAdminShares, listSharedWithUser, revokeShare, shareAiKey } from "../keys/ai-key-shares.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const adminList = createRoute({
  method: "get",
  path: "/admin/ai-shares",
  tags: ["Admin"],
  summary: "Your AI keys shared with users, with each share's spend this month",
  security: ADMIN_ONLY,
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "Shares", content: jsonContent(AdminAiKeyShareList) },
    ...errorResponses(401, 403, 429),
  },
});

const share = createRoute({
  method: "post",
  path: "/admin/ai-shares",
  tags: ["Admin"],
  summary: "Share your AI key for a provider with a user, with a monthly budget in USD (again: a new budget)",
  description:
    "The user can pick the key for a portfolio and never sees it. 400 `validation_failed` when you have no key for " +
    "the provider or no user signed in with the email.",
  security: ADMIN_ONLY,
  middleware: [rateLimit("write")] as const,
  request: { body: { content: jsonContent(ShareAiKey), required: true } },
  responses: {
    200: { description: "The share", content: jsonContent(AdminAiKeyShare) },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

const revoke = createRoute({
  method: "delete",
  path: "/admin/ai-shares/{id}",
  tags: ["Admin"],
  summary: "Revoke a share: the user's next review no longer uses the key (it falls back to the built-in strategy)",
  security: ADMIN_ONLY,
  middleware: [rateLimit("write")] as const,
  request: { params: ResourceId },
  responses: { 200: { description: "Revoked", content: jsonContent(Deleted) }, ...errorResponses(401, 403, 404, 429) },
});

const sharedWithMe = createRoute({
  method: "get",
  path: "/keys/ai/shared",
  tags: ["AI keys"],
  summary: "AI keys an administrator shared with you, with this month's budget left (never the keys)",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "Shared keys", content: jsonContent(SharedAiKeyList) },
    ...errorResponses(401, 403, 429),
  },
});

export const aiKeyShareRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(adminList, async (c) => {
    const admin = requireAdmin(c);
    const shares = await listAdminShares(openDatabase(c.env.DB), admin.user.id, c.var.identity.now());
    return c.json({ shares }, 200);
  })
  .openapi(share, async (c) => {
    const admin = requireAdmin(c);
    const db = openDatabase(c.env.DB);
    return c.json(await shareAiKey(db, admin.user.id, c.req.valid("json"), c.var.identity.now()), 200);
  })
  .openapi(revoke, async (c) => {
    const admin = requireAdmin(c);
    await revokeShare(openDatabase(c.env.DB), admin.user.id, c.req.valid("param").id);
    return c.json({ deleted: true as const }, 200);
  })
  .openapi(sharedWithMe, async (c) => {
    const principal = requireScope(c, "read");
    const keys = await listSharedWithUser(openDatabase(c.env.DB), principal.user.id, c.var.identity.now());
    return c.json({ keys }, 200);
  });
