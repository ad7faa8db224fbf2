import { api, describeError, type Me } from "#lib/api/client.ts";
import { invalidate } from "$app/navigation";

export { safeNext } from "./next-path.ts";
export type { Me };

/** Who is using the app, as the layout knows it. */
export type SessionState = { kind: "signed-in"; me: Me } | { kind: "signed-out" } | { kind: "failed"; message: string };

/** The dependency the root layout declares; invalidating it asks /api/auth/me again. */
export const SESSION_DEPENDENCY = "app:session";

export async function loadSession(): Promise<SessionState> {
  try {
    const { data, error, response } = await api.GET("/api/auth/me");
    if (response.status === 401) return { kind: "signed-out" };
    if (error !== undefined || !data) return { kind: "failed", message: describeError(error) };
    return { kind: "signed-in", me: data };
  } catch (err) {
    return { kind: "failed", message: describeError(err) };
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
