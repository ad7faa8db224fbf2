import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  TwoFactorCodeBody,
  TwoFactorDisabled,
  TwoFactorEnabled,
  TwoFactorSetup,
  TwoFactorStatus,
  TwoFactorVerified,
} from "../../shared/api/auth.ts";
import { requireSession } from "../auth/guards.ts";
import { SESSION_ONLY } from "../auth/openapi-security.ts";
import { elevateSession } from "../auth/sessions.ts";
import {
  beginTwoFactorSetup,
  disableTwoFactor,
  enableTwoFactor,
  requireTwoFactorCode,
  twoFactorStatus,
} from "../auth/two-factor.ts";
import { twoFactorAttempts } from "../auth/two-factor-lockout.ts";
import { findUser } from "../auth/users.ts";
import { openDatabase } from "../db/client.ts";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { requireKeyring } from "../keys/sealed-secret.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const codeBody = { body: { content: jsonContent(TwoFactorCodeBody), required: true } };

const LOCKOUT_NOTE =
  "Wrong codes count per account, from any IP and across sign-in, verify and disable: after 5 the account's codes " +
  "are locked (429 `two_factor_locked` with Retry-After; 15 minutes, doubling with each lockout), even a right one.";

const getStatus = createRoute({
  method: "get",
  path: "/auth/2fa",
  tags: ["Two-factor"],
  summary: "Whether 2FA is on and how many recovery codes are left",
  security: SESSION_ONLY,
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "Status", content: jsonContent(TwoFactorStatus) },
    ...errorResponses(401, 403, 429),
  },
});

const setup = createRoute({
  method: "post",
  path: "/auth/2fa/setup",
  tags: ["Two-factor"],
  summary: "Start 2FA setup: a new secret and its otpauth:// URI (render it as a QR code)",
  security: SESSION_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  responses: {
    200: { description: "The pending secret", content: jsonContent(TwoFactorSetup) },
    ...errorResponses(401, 403, 409, 429),
  },
});

const enable = createRoute({
  method: "post",
  path: "/auth/2fa/enable",
  tags: ["Two-factor"],
  summary: "Turn 2FA on with a valid code for the pending secret; answers one-time recovery codes",
  description:
    "Your other sessions and every API token were created without the second factor: they are revoked in the same " +
    "step (the counts are in the answer). The session that turns it on stays signed in, and may act on sensitive " +
    "routes for a few minutes without another code.",
  security: SESSION_ONLY,
  middleware: [rateLimit("twoFactor")] as const,
  request: codeBody,
  responses: {
    200: { description: "2FA is on", content: jsonContent(TwoFactorEnabled) },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

const verify = createRoute({
  method: "post",
  path: "/auth/2fa/verify",
  tags: ["Two-factor"],
  summary: "Confirm with a code to unlock sensitive actions (keys, API tokens) for a few minutes",
  description: LOCKOUT_NOTE,
  security: SESSION_ONLY,
  middleware: [rateLimit("twoFactor")] as const,
  request: codeBody,
  responses: {
    200: { description: "Unlocked", content: jsonContent(TwoFactorVerified) },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

const disable = createRoute({
  method: "post",
  path: "/auth/2fa/disable",
  tags: ["Two-factor"],
  summary: "Turn 2FA off with a current code or a recovery code",
  description: LOCKOUT_NOTE,
  security: SESSION_ONLY,
  middleware: [rateLimit("twoFactor")] as const,
  request: codeBody,
  responses: {
    200: { description: "2FA is off", content: jsonContent(TwoFactorDisabled) },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

export const twoFactorRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(getStatus, async (c) => {
    const { db, user } = await sessionUser(c);
    return c.json(await twoFactorStatus(db, user), 200);
  })
  .openapi(setup, async (c) => {
    const { db, user } = await sessionUser(c);
    return c.json(await beginTwoFactorSetup(db, requireKeyring(c.var.config.keyring), user), 200);
  })
  .openapi(enable, async (c) => {
    const { db, user, sessionId } = await sessionUser(c);
    const enabled = await enableTwoFactor(db, requireKeyring(c.var.config.keyring), user, c.req.valid("json").code, {
      sessionId,
      now: c.var.identity.now(),
    });
    return c.json({ enabled: true as const, ...enabled }, 200);
  })
  .openapi(verify, async (c) => {
    const { db, user, sessionId } = await sessionUser(c);
    if (!user.totpEnabled) throw new ApiError("conflict", "Two-factor authentication is not on.");
    const now = c.var.identity.now();
    const attempts = twoFactorAttempts(c.env.RATE_LIMITER);
    await requireTwoFactorCode(db, requireKeyring(c.var.config.keyring), attempts, user, c.req.valid("json").code, now);
    const until = await elevateSession(db, sessionId, now);
    return c.json({ verifiedUntil: until.toISOString() }, 200);
  })
  .openapi(disable, async (c) => {
    const { db, user } = await sessionUser(c);
    const now = c.var.identity.now();
    const attempts = twoFactorAttempts(c.env.RATE_LIMITER);
    await disableTwoFactor(db, requireKeyring(c.var.config.keyring), attempts, user, c.req.valid("json").code, now);
    return c.json({ enabled: false as const }, 200);
  });

/** 2FA changes read the fresh user row: the principal's copy may predate a concurrent change. */
async function sessionUser(c: Context<AppEnv>) {
  const principal = requireSession(c);
  const db = openDatabase(c.env.DB);
  const user = await findUser(db, principal.user.id);
  if (!user) throw new ApiError("unauthorized", "Sign in first.");
  return { db, user, sessionId: principal.sessionId };
}
