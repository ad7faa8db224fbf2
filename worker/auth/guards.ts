import type { Context } from "hono";
import type { TokenScope } from "../../shared/api/auth.ts";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/context.ts";
import type { Principal } from "./context.ts";

type SessionPrincipal = Extract<Principal, { kind: "session" }>;

/** Any signed-in caller; API tokens must carry the scope. */
export function requireScope(c: Context<AppEnv>, scope: TokenScope): Principal {
  const principal = requireSignedIn(c);
  if (principal.kind === "token" && !principal.scopes.includes(scope))
    throw new ApiError("forbidden", `This API token lacks the "${scope}" scope.`);
  return principal;
}

/** Account management (keys, tokens, 2FA, sessions) needs a browser session; API tokens cannot escalate. */
export function requireSession(c: Context<AppEnv>): SessionPrincipal {
  const principal = requireSignedIn(c);
  if (principal.kind !== "session")
    throw new ApiError("forbidden", "This action needs a signed-in browser session; API tokens cannot do it.");
  return principal;
}

export function requireAdmin(c: Context<AppEnv>): SessionPrincipal {
  const principal = requireSession(c);
  if (principal.user.role !== "admin") throw new ApiError("forbidden", "Only administrators can do this.");
  return principal;
}

/**
 * Sensitive actions (keys, API tokens, turning 2FA off) need a recent 2FA code when 2FA is on:
 * POST /api/auth/2fa/verify unlocks them for a few minutes, like signing in with a code does.
 */
export function requireRecentTwoFactor(c: Context<AppEnv>): SessionPrincipal {
  const principal = requireSession(c);
  if (!principal.user.twoFactorEnabled) return principal;
  const until = principal.elevatedUntil?.getTime() ?? 0;
  if (until > c.var.identity.now().getTime()) return principal;
  throw new ApiError(
    "two_factor_required",
    "Confirm this action with your authenticator code first (POST /api/auth/2fa/verify).",
    { status: 403 },
  );
}

function requireSignedIn(c: Context<AppEnv>): Principal {
  const principal = c.var.principal;
  if (!principal) throw new ApiError("unauthorized", "Sign in first.");
  return principal;
}
