import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { ResourceId, Revoked, SessionList } from "../../shared/api/auth.ts";
import { requireSession } from "../auth/guards.ts";
import { SESSION_ONLY } from "../auth/openapi-security.ts";
import { listSessions, revokeSession } from "../auth/sessions.ts";
import { clearSessionCookie } from "../auth/sign-in.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const list = createRoute({
  method: "get",
  path: "/sessions",
  tags: ["Sessions"],
  summary: "Your active sessions",
  security: SESSION_ONLY,
  middleware: [rateLimit("read")] as const,
  responses: { 200: { description: "Sessions", content: jsonContent(SessionList) }, ...errorResponses(401, 403, 429) },
});

const revoke = createRoute({
  method: "delete",
  path: "/sessions/{id}",
  tags: ["Sessions"],
  summary: "Revoke one of your sessions (sign it out)",
  security: SESSION_ONLY,
  middleware: [rateLimit("write")] as const,
  request: { params: ResourceId },
  responses: {
    200: { description: "Revoked", content: jsonContent(Revoked) },
    ...errorResponses(401, 403, 404, 429),
  },
});

export const sessionRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(list, async (c) => {
    const principal = requireSession(c);
    const { sessionAbsoluteMs, sessionIdleMs } = c.var.config.auth;
    const policy = { absoluteMs: sessionAbsoluteMs, idleMs: sessionIdleMs, now: c.var.identity.now() };
    const sessions = await listSessions(openDatabase(c.env.DB), principal.user.id, principal.sessionId, policy);
    return c.json({ sessions }, 200);
  })
  .openapi(revoke, async (c) => {
    const principal = requireSession(c);
    const { id } = c.req.valid("param");
    await revokeSession(openDatabase(c.env.DB), principal.user.id, id);
    if (id === principal.sessionId) clearSessionCookie(c);
    return c.json({ revoked: true as const }, 200);
  });
