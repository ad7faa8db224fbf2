import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { openDatabase } from "../db/client.ts";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/context.ts";
import { resolveApiToken } from "./api-tokens.ts";
import type { IdentityDeps } from "./context.ts";
import { resolveSession, SESSION_COOKIE } from "./sessions.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Resolves the caller (Bearer token first, then the session cookie) into `c.var.principal`, or null for anonymous
 * callers; routes decide what they require. Also the CSRF guard: browsers attach cookies to cross-site requests, so
 * an unsafe request is refused unless its Origin is the app's own.
 */
export function authenticate(identity: IdentityDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("identity", identity);
    c.set("principal", null);
    const now = identity.now();
    const bearer = bearerToken(c.req.header("authorization"));
    if (bearer !== null) {
      c.set("principal", await resolveApiToken(openDatabase(c.env.DB), bearer, now));
      return next();
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    refuseCrossOrigin(c, cookie !== undefined);
    if (cookie) {
      const { sessionAbsoluteMs, sessionIdleMs } = c.var.config.auth;
      const policy = { absoluteMs: sessionAbsoluteMs, idleMs: sessionIdleMs, now };
      c.set("principal", await resolveSession(openDatabase(c.env.DB), cookie, policy));
    }
    return next();
  };
}

function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new ApiError("unauthorized", "Authorization must be `Bearer <token>`.");
  return match[1];
}

/** Cross-site unsafe requests are refused even without a cookie, so sign-in cannot be forced either. */
function refuseCrossOrigin(c: Context<AppEnv>, hasCookie: boolean): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const origin = c.req.header("origin");
  if (origin === undefined && !hasCookie) return;
  const appOrigin = c.var.config.appOrigin ?? new URL(c.req.url).origin;
  if (origin !== appOrigin)
    throw new ApiError("forbidden", "Cross-origin request refused: the Origin header does not match this app.");
}
