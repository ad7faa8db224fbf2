import { ErrorBody } from "../../shared/api/error.ts";

// Only these statuses can be listed: each one the spec shows has its own description.
const DESCRIPTIONS = {
  400: "Invalid request (validation_failed)",
  401: "Not signed in (unauthorized)",
  403: "Not allowed (forbidden)",
  404: "Not found (not_found)",
  409: "Conflicts with the current state (conflict)",
  422: "Understood, but it cannot be done (the code says why)",
  424: "A stored key it needs cannot be decrypted (key_unreadable, ai_key_unreadable): enter the key again",
  429: "Too many requests (rate_limited), see Retry-After",
  500: "Unexpected error (internal_error)",
} as const;

/** The error envelope for each listed status, for createRoute's `responses`. */
export function errorResponses<S extends keyof typeof DESCRIPTIONS>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: DESCRIPTIONS[status] as string, content: { "application/json": { schema: ErrorBody } } },
    ]),
  ) as Record<S, { description: string; content: { "application/json": { schema: typeof ErrorBody } } }>;
}
