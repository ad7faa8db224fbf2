import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { DevSignIn, GoogleSignIn, Me, SignedIn, SignedOut, SignInOptions } from "../../shared/api/auth.ts";
import { verifyGoogleIdToken } from "../auth/google-id-token.ts";
import { requireScope } from "../auth/guards.ts";
import { sessionOrToken } from "../auth/openapi-security.ts";
import { revokeSession } from "../auth/sessions.ts";
import { clearSessionCookie, completeSignIn } from "../auth/sign-in.ts";
import { findUser, toUserView } from "../auth/users.ts";
import { openDatabase } from "../db/client.ts";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const getSignInOptions = createRoute({
  method: "get",
  path: "/auth/options",
  tags: ["Auth"],
  summary: "How to sign in here: the Google client id (public) and whether development sign-in exists",
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "Sign-in options", content: jsonContent(SignInOptions) },
    ...errorResponses(429),
  },
});

const signInWithGoogle = createRoute({
  method: "post",
  path: "/auth/google",
  tags: ["Auth"],
  summary: "Sign in with a Google ID token; the first sign-in creates the account",
  description: "Sets the session cookie. When 2FA is on, `code` is required (401 `two_factor_required` without it).",
  middleware: [rateLimit("login")] as const,
  request: { body: { content: jsonContent(GoogleSignIn), required: true } },
  responses: {
    200: { description: "Signed in; the session cookie is set", content: jsonContent(SignedIn) },
    ...errorResponses(400, 401, 403, 429),
  },
});

const signInForDevelopment = createRoute({
  method: "post",
  path: "/auth/dev",
  tags: ["Auth"],
  summary: "Development sign-in by email only (exists only when DEV_LOGIN=true)",
  middleware: [rateLimit("login")] as const,
  request: { body: { content: jsonContent(DevSignIn), required: true } },
  responses: {
    200: { description: "Signed in; the session cookie is set", content: jsonContent(SignedIn) },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const signOut = createRoute({
  method: "post",
  path: "/auth/logout",
  tags: ["Auth"],
  summary: "Sign out: ends this session and clears its cookie",
  middleware: [rateLimit("write")] as const,
  responses: {
    200: { description: "Signed out", content: jsonContent(SignedOut) },
    ...errorResponses(403, 429),
  },
});

const getMe = createRoute({
  method: "get",
  path: "/auth/me",
  tags: ["Auth"],
  summary: "The signed-in user",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "The caller", content: jsonContent(Me) },
    ...errorResponses(401, 403, 429),
  },
});

export const authRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(getSignInOptions, (c) => {
    const { googleClientId, devLogin } = c.var.config.auth;
    return c.json({ googleClientId: googleClientId || null, devLogin }, 200);
  })
  .openapi(signInWithGoogle, async (c) => {
    const { idToken, code } = c.req.valid("json");
    const { googleClientId, googleJwksUrl } = c.var.config.auth;
    const google = await verifyGoogleIdToken(idToken, {
      clientId: googleClientId,
      now: c.var.identity.now(),
      fetchJwks: (refresh) => c.var.identity.googleJwks(googleJwksUrl, refresh),
    });
    const user = await completeSignIn(c, { email: google.email, googleSub: google.sub }, code);
    return c.json({ user }, 200);
  })
  .openapi(signInForDevelopment, async (c) => {
    // Answers like an unknown route, so a deployment does not even reveal that the feature exists.
    if (!c.var.config.auth.devLogin)
      throw new ApiError("not_found", `No route for POST ${new URL(c.req.url).pathname}.`);
    const { email, code } = c.req.valid("json");
    const user = await completeSignIn(c, { email }, code);
    return c.json({ user }, 200);
  })
  .openapi(signOut, async (c) => {
    const principal = c.var.principal;
    if (principal?.kind === "session")
      await revokeSession(openDatabase(c.env.DB), principal.user.id, principal.sessionId);
    clearSessionCookie(c);
    return c.json({ signedOut: true as const }, 200);
  })
  .openapi(getMe, async (c) => {
    const principal = requireScope(c, "read");
    const user = await findUser(openDatabase(c.env.DB), principal.user.id);
    if (!user) throw new ApiError("unauthorized", "Sign in first.");
    const scopes = principal.kind === "token" ? principal.scopes : (["read", "trade"] as const);
    return c.json({ user: toUserView(user), authenticatedBy: principal.kind, scopes: [...scopes] }, 200);
  });
