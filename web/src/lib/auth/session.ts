import { api, describeError, type Me, retryAfterSeconds } from "#lib/api/client.ts";
import { invalidate } from "$app/navigation";

export { safeNext } from "./next-path.ts";
export type { Me };

/** Who is using the app, as the layout knows it. */
export type SessionState = { kind: "signed-in"; me: Me } | { kind: "signed-out" } | { kind: "failed"; message: string };

/** The dependency the root layout declares; invalidating it asks /api/auth/me again. */
export const SESSION_DEPENDENCY = "app:session";

/** The longest wait before the one read again: a failed session read leaves the page with nothing else to show. */
const SESSION_RETRY_MAX_MS = 5_000;

/**
 * Who is signed in. A read that failed in the network (a dropped connection) or met the read limit with a short wait
 * is tried once more before the page shows the failure, since without it the page shows nothing else.
 */
export async function loadSession(): Promise<SessionState> {
  const first = await readSession();
  if (first.retryInMs === null || first.retryInMs > SESSION_RETRY_MAX_MS) return first.state;
  await new Promise((resolve) => setTimeout(resolve, first.retryInMs ?? 0));
  return (await readSession()).state;
}

async function readSession(): Promise<{ state: SessionState; retryInMs: number | null }> {
  try {
    const { data, error, response } = await api.GET("/api/auth/me");
    if (response.status === 401) return { state: { kind: "signed-out" }, retryInMs: null };
    if (error !== undefined || !data) {
      const wait = retryAfterSeconds(error);
      return {
        state: { kind: "failed", message: describeError(error) },
        retryInMs: wait === null ? null : wait * 1000,
      };
    }
    return { state: { kind: "signed-in", me: data }, retryInMs: null };
  } catch (err) {
    // fetch rejects only when no answer came at all.
    return { state: { kind: "failed", message: describeError(err) }, retryInMs: 500 };
  }
}

export const refreshSession = () => invalidate(SESSION_DEPENDENCY);

export async function signOut(): Promise<string | null> {
  try {
    const { error } = await api.POST("/api/auth/logout");
    if (error !== undefined) return describeError(error);
  } catch (err) {
    return describeError(err);
  }
  await refreshSession();
  return null;
}

/** These answer 401 for a missing or wrong 2FA code; everywhere else a 401 means the session ended. */
const CODE_CHECKING_PATHS = new Set([
  "/api/auth/google",
  "/api/auth/dev",
  "/api/auth/me",
  "/api/auth/2fa/verify",
  "/api/auth/2fa/disable",
]);

let watching = false;

/** When any call answers 401 (session expired or revoked elsewhere), re-check the session so the layout redirects. */
export function watchForExpiredSession(): void {
  if (watching) return;
  watching = true;
  api.use({
    onResponse({ request, response }) {
      if (response.status === 401 && !CODE_CHECKING_PATHS.has(new URL(request.url).pathname)) void refreshSession();
    },
  });
}
