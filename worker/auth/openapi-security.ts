import type { TokenScope } from "../../shared/api/auth.ts";
import { SESSION_COOKIE } from "./sessions.ts";

/** OpenAPI security schemes: the browser session cookie and personal API tokens. */
export const SECURITY_SCHEMES = {
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description: "Set by signing in. Unsafe requests must come from the app's own Origin.",
  },
  bearerToken: {
    type: "http",
    scheme: "bearer",
    description:
      "A personal API token (`blt_…`) with scopes `read` and/or `trade`, from POST /api/tokens. A route lists the scope it needs.",
  },
} as const;

export type SecurityScheme = keyof typeof SECURITY_SCHEMES;
/** One way to be allowed in: every scheme named, each with the scopes (roles, for a bearer token) it must carry. */
export type SecurityRequirement = Partial<Record<SecurityScheme, string[]>>;

/**
 * Routes only a browser session may call (account management). A route's `security` is enforced by
 * `requireRouteSecurity` before its input is validated, so it is both the documentation and the rule.
 */
export const SESSION_ONLY: SecurityRequirement[] = [{ sessionCookie: [] }];

/** Administration: a browser session of an administrator (the role is listed on the requirement, as OpenAPI 3.1 allows). */
export const ADMIN_ONLY: SecurityRequirement[] = [{ sessionCookie: ["admin"] }];

/** Routes a session or an API token holding `scope` may call. */
export function sessionOrToken(scope: TokenScope): SecurityRequirement[] {
  return [{ sessionCookie: [] }, { bearerToken: [scope] }];
}
