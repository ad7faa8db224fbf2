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
    description: "A personal API token (`blt_…`) with scopes `read` and/or `trade`, from POST /api/tokens.",
  },
} as const;

type SecurityRequirement = Record<keyof typeof SECURITY_SCHEMES, string[]>;

/** Routes only a browser session may call (account management). */
export const SESSION_ONLY: Partial<SecurityRequirement>[] = [{ sessionCookie: [] }];
/** Routes a session or an API token may call. */
export const SESSION_OR_TOKEN: Partial<SecurityRequirement>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
