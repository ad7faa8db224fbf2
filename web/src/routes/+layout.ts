import { redirect } from "@sveltejs/kit";
import { loadSession, SESSION_DEPENDENCY, safeNext } from "#lib/auth/session.ts";
import type { LayoutLoad } from "./$types";

// A pure client-side SPA served as static assets by the worker.
export const ssr = false;
export const prerender = false;

/** Every page knows who is signed in; signed-out visitors go to /signin and come back afterwards. */
export const load: LayoutLoad = async ({ url, depends }) => {
  depends(SESSION_DEPENDENCY);
  const session = await loadSession();
  const onSignIn = url.pathname === "/signin";
  if (session.kind === "signed-out" && !onSignIn) {
    const next = `${url.pathname}${url.search}`;
    redirect(307, next === "/" ? "/signin" : `/signin?next=${encodeURIComponent(next)}`);
  }
  if (session.kind === "signed-in" && onSignIn) redirect(307, safeNext(url.searchParams.get("next")));
  return { session };
};
