import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { HealthStatus } from "../../shared/api/health.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { checkHealth } from "../system/health.ts";
import { errorResponses } from "./openapi-responses.ts";

const getHealth = createRoute({
  method: "get",
  path: "/health",
  tags: ["System"],
  summary: "Service health: database reachability, version, server time, last cron run, whether admins are configured",
  responses: {
    200: { description: "Service status", content: { "application/json": { schema: HealthStatus } } },
    ...errorResponses(500),
  },
});

export const healthRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(getHealth, async (c) => {
  const { version, auth } = c.var.config;
  const setup = { version, adminsConfigured: auth.adminEmails.length > 0 };
  const health = await checkHealth(openDatabase(c.env.DB), setup, new Date());
  return c.json(health, 200);
});
