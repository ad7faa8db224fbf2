import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { authenticate } from "./auth/authenticate.ts";
import type { IdentityDeps } from "./auth/context.ts";
import { fetchJwksCached } from "./auth/google-jwks.ts";
import { SECURITY_SCHEMES } from "./auth/openapi-security.ts";
import { requireRouteSecurity } from "./auth/route-security.ts";
import { openDatabase } from "./db/client.ts";
import type { AppEnv } from "./http/context.ts";
import { onError, onNotFound } from "./http/error-envelope.ts";
import { requestBodyLimit } from "./http/request-body-limit.ts";
import { requestContext } from "./http/request-context.ts";
import { apiSecurityHeaders, docsSecurityHeaders } from "./http/security-headers.ts";
import { validationHook } from "./http/validation.ts";
import { gatewayVerifier } from "./keys/exchange-key-verifier.ts";
import { portfolioControl } from "./portfolios/control.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { adminRoutes } from "./routes/admin.ts";
import { aiRoutes } from "./routes/ai.ts";
import { aiKeyShareRoutes } from "./routes/ai-key-shares.ts";
import { aiKeyRoutes } from "./routes/ai-keys.ts";
import { authRoutes } from "./routes/auth.ts";
import { exchangeRoutes } from "./routes/exchanges.ts";
import { futuresRoutes } from "./routes/futures.ts";
import { healthRoutes } from "./routes/health.ts";
import { exchangeKeyRoutes } from "./routes/keys.ts";
import { notificationRoutes } from "./routes/notifications.ts";
import { portfolioAlertRoutes } from "./routes/portfolio-alerts.ts";
import { portfolioBacktestRoutes } from "./routes/portfolio-backtest.ts";
import { portfolioHoldingRoutes } from "./routes/portfolio-holdings.ts";
import { portfolioOrderRoutes } from "./routes/portfolio-orders.ts";
import { portfolioReplayRoutes } from "./routes/portfolio-replay.ts";
import { portfolioRunRoutes } from "./routes/portfolio-runs.ts";
import { portfolioRoutes } from "./routes/portfolios.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { twoFactorRoutes } from "./routes/two-factor.ts";

const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Ballast API",
    version: "1",
    description:
      "Autopilot for crypto portfolios on Binance and Bybit. Every error answers `{ error: { code, message } }`.",
  },
} as const;

const PRODUCTION_IDENTITY: Omit<IdentityDeps, "portfolios"> = {
  now: () => new Date(),
  googleJwks: (url, refresh) => fetchJwksCached(url, refresh),
  verifyExchangeKey: gatewayVerifier,
  outboundFetch: (input, init) => fetch(input, init),
};

/**
 * Builds the Hono app: middleware, route groups, the OpenAPI document (built once) and the reference page.
 * `identity` replaces the outside world of sign-in and keys (clock, Google keys, venue checks) in tests.
 */
export function createApp(identity: Partial<IdentityDeps> = {}) {
  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  api.route("/", healthRoutes);
  api.route("/", authRoutes);
  api.route("/", twoFactorRoutes);
  api.route("/", sessionRoutes);
  api.route("/", tokenRoutes);
  api.route("/", exchangeKeyRoutes);
  api.route("/", aiKeyShareRoutes);
  api.route("/", aiKeyRoutes);
  api.route("/", aiRoutes);
  api.route("/", exchangeRoutes);
  api.route("/", accountRoutes);
  api.route("/", futuresRoutes);
  api.route("/", portfolioRoutes);
  api.route("/", portfolioRunRoutes);
  api.route("/", portfolioReplayRoutes);
  api.route("/", portfolioBacktestRoutes);
  api.route("/", portfolioOrderRoutes);
  api.route("/", portfolioHoldingRoutes);
  api.route("/", portfolioAlertRoutes);
  api.route("/", notificationRoutes);
  api.route("/", adminRoutes);

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const engine = identity.portfolios;
  app.use("*", requestContext);
  app.use("/api/docs", docsSecurityHeaders);
  app.use("/api/*", async (c, next) => (c.req.path === "/api/docs" ? next() : apiSecurityHeaders(c, next)));
  app.use("/api/*", async (c, next) => {
    // The portfolio engine is reached through this request's bindings, so it is bound per request (unless a test
    // replaced it).
    const portfolios = engine ?? portfolioControl(c.env, () => openDatabase(c.env.DB));
    return authenticate({ ...PRODUCTION_IDENTITY, ...identity, portfolios })(c, next);
  });
  // Who may call a route is checked before its input is read (the table comes from the routes' OpenAPI `security`).
  app.use(
    "/api/*",
    requireRouteSecurity(() => app.openAPIRegistry.definitions),
  );
  app.use("/api/*", requestBodyLimit);
  app.route("/api", api);
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES))
    app.openAPIRegistry.registerComponent("securitySchemes", name, scheme);

  // Building the document costs milliseconds of CPU per call: build it once per isolate.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  const openApiDocument = () => {
    document ??= app.getOpenAPI31Document(OPENAPI_INFO);
    return document;
  };
  app.get("/api/openapi.json", (c) => c.json(openApiDocument()));
  app.get(
    "/api/docs",
    Scalar({
      url: "/api/openapi.json",
      cdn: "/vendor/scalar/standalone.js",
      pageTitle: "Ballast API",
      // Offline and self-contained: no fonts from Scalar's CDN (the CSP refuses them anyway), no "Ask AI" agent, no
      // "Generate MCP" and no developer toolbar ("Deploy", "Share"), which call Scalar's services; no telemetry.
      withDefaultFonts: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: "never",
      telemetry: false,
    }),
  );

  app.notFound(onNotFound);
  app.onError(onError);
  return Object.assign(app, { openApiDocument });
}

export type App = ReturnType<typeof createApp>;
