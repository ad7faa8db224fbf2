import type { MiddlewareHandler } from "hono";
import { readConfig } from "../config.ts";
import type { AppEnv } from "./context.ts";
import { createLogger } from "./logger.ts";

/** Gives each request an id (echoed as X-Request-Id), a logger bound to it, and one access-log line. */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = readConfig(c.env);
  const requestId = crypto.randomUUID();
  const log = createLogger(config.logLevel, { requestId });
  c.set("config", config);
  c.set("requestId", requestId);
  c.set("log", log);
  const started = Date.now();
  await next();
  c.header("X-Request-Id", requestId);
  log.info("request", {
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    status: c.res.status,
    durationMs: Date.now() - started,
  });
};
