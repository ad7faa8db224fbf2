import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { User } from "../../shared/api/auth.ts";
import { openDatabase } from "../db/client.ts";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/context.ts";
import { requireKeyring } from "../keys/sealed-secret.ts";
import { createSession, SESSION_COOKIE } from "./sessions.ts";
import { requireTwoFactorCode } from "./two-factor.ts";
import { twoFactorAttempts } from "./two-factor-lockout.ts";
import { resolveSignInUser, toUserView } from "./users.ts";

type VerifiedIdentity = { email: string; googleSub?: string };

/**
 * Shared tail of every sign-in method: find or create the user, demand the 2FA code when it is on, open a session
 * and set its cookie (HttpOnly, Secure, SameSite=Lax; browsers accept Secure on http://localhost too).
 */
export async function completeSignIn(
  c: Context<AppEnv>,
  identity: VerifiedIdentity,
  code: string | undefined,
): Promise<User> {
  const db = openDatabase(c.env.DB);
  const now = c.var.identity.now();
  const { adminEmails, sessionAbsoluteMs, sessionIdleMs } = c.var.config.auth;
  // Being first grants nothing, so without ADMIN_EMAILS nobody can administer the app: say so where the deployer looks.
  if (adminEmails.length === 0) c.var.log.warn("ADMIN_EMAILS is empty: nobody is an administrator of this app");
  const user = await resolveSignInUser(db, identity, { adminEmails, now });
  if (user.totpEnabled) {
    if (!code)
      throw new ApiError("two_factor_required", "Enter the code from your authenticator app to sign in.", {
        status: 401,
      });
    const attempts = twoFactorAttempts(c.env.RATE_LIMITER);
    await requireTwoFactorCode(db, requireKeyring(c.var.config.keyring), attempts, user, code, now);
  }
  const session = await createSession(db, user.id, {
    absoluteMs: sessionAbsoluteMs,
    idleMs: sessionIdleMs,
    now,
    elevated: user.totpEnabled,
    userAgent: c.req.header("user-agent") ?? null,
  });
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    expires: session.expiresAt,
  });
  return toUserView(user);
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
}
