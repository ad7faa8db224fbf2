import { sessionOrToken } from "../auth/openapi-security.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";

/**
 * The common part of every portfolio route's definition: session or token, the scope checked before validation, and
 * the rate limit that goes with it (reads, or writes for everything that trades).
 */
export function portfolioRoute(tag: string) {
  return <P extends string, M extends "get" | "post" | "patch" | "delete">(
    method: M,
    path: P,
    summary: string,
    scope: "read" | "trade",
  ) => ({
    method,
    path,
    tags: [tag],
    summary,
    security: sessionOrToken(scope),
    middleware: [rateLimit(scope === "read" ? "read" : "write")],
  });
}
