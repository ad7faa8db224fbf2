import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { AdminUserPage, PageQuery, RotationQuery, SecretRotation } from "../../shared/api/admin.ts";
import { ResourceId, User } from "../../shared/api/auth.ts";
import { listUsers, setUserEnabled } from "../admin/users.ts";
import { requireAdmin } from "../auth/guards.ts";
import { ADMIN_ONLY } from "../auth/openapi-security.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { rotateSecrets } from "../keys/rotation.ts";
import { requireKeyring } from "../keys/sealed-secret.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const list = createRoute({
  method: "get",
  path: "/admin/users",
  tags: ["Admin"],
  summary: "All users, paginated, with which keys they have (never the keys)",
  security: ADMIN_ONLY,
  middleware: [rateLimit("read")] as const,
  request: { query: PageQuery },
  responses: {
    200: { description: "A page of users", content: jsonContent(AdminUserPage) },
    ...errorResponses(400, 401, 403, 429),
  },
});

const toggle = (action: "enable" | "disable") =>
  createRoute({
    method: "post",
    path: `/admin/users/{id}/${action}`,
    tags: ["Admin"],
    summary:
      action === "enable"
        ? "Enable a user"
        : "Disable a user: stops their portfolios and revokes their sessions and API tokens",
    security: ADMIN_ONLY,
    middleware: [rateLimit("write")] as const,
    request: { params: ResourceId },
    responses: {
      200: { description: "The user", content: jsonContent(User) },
      ...errorResponses(401, 403, 404, 409, 429),
    },
  });

const rotate = createRoute({
  method: "post",
  path: "/admin/secrets/rotate",
  tags: ["Admin"],
  summary: "Re-encrypt stored secrets with the current master key version (repeat with `cursor` until `done`)",
  description:
    "Each call handles a batch and answers a `cursor`; pass it to the next call. Records that fail to decrypt are " +
    "counted as `unreadable`, listed in `skipped` and passed over, so they never stop the rotation.",
  security: ADMIN_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  request: { query: RotationQuery },
  responses: {
    200: { description: "What was re-encrypted", content: jsonContent(SecretRotation) },
    ...errorResponses(400, 401, 403, 429, 500),
  },
});

export const adminRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(list, async (c) => {
    requireAdmin(c);
    const { page, pageSize } = c.req.valid("query");
    return c.json(await listUsers(openDatabase(c.env.DB), page, pageSize), 200);
  })
  .openapi(toggle("enable"), async (c) => {
    const admin = requireAdmin(c);
    const db = openDatabase(c.env.DB);
    return c.json(
      await setUserEnabled(db, c.var.identity.portfolios, admin.user.id, c.req.valid("param").id, true),
      200,
    );
  })
  .openapi(toggle("disable"), async (c) => {
    const admin = requireAdmin(c);
    const db = openDatabase(c.env.DB);
    const user = await setUserEnabled(db, c.var.identity.portfolios, admin.user.id, c.req.valid("param").id, false);
    return c.json(user, 200);
  })
  .openapi(rotate, async (c) => {
    requireAdmin(c);
    const keyring = requireKeyring(c.var.config.keyring);
    const report = await rotateSecrets(openDatabase(c.env.DB), keyring, c.req.valid("query").cursor);
    const { skipped, ...counts } = report;
    c.var.log.info("secrets rotated", { keyVersion: keyring.currentVersion, ...counts, skipped: skipped.length });
    // Ids only: which records their owners must enter again.
    for (const record of skipped) c.var.log.warn("stored secret cannot be decrypted; skipped", record);
    return c.json({ keyVersion: keyring.currentVersion, ...report }, 200);
  });
