import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { AppEnv } from "./http/context.ts";
import { onError, onNotFound } from "./http/error-envelope.ts";
import { requestContext } from "./http/request-context.ts";
import { apiSecurityHeaders, docsSecurityHeaders } from "./http/security-headers.ts";
import { validationHook } from "./http/validation.ts";
import { healthRoutes } from "./routes/health.ts";

const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Ballast API",
    version: "1",
    description:
      "Autopilot for crypto portfolios on Binance and Bybit. Every error answers `{ error: { code, message } }`.",
  },
} as const;

/** Builds the Hono app: middleware, route groups, the OpenAPI document (built once) and the reference page. */
export function createApp() {
  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  api.route("/", healthRoutes);

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("*", requestContext);
  app.use("/api/docs", docsSecurityHeaders);
  app.use("/api/*", async (c, next) => (c.req.path === "/api/docs" ? next() : apiSecurityHeaders(c, next)));
  app.route("/api", api);

  // Building the document costs milliseconds of CPU per call: build it once per isolate.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  const openApiDocument = () => {
    document ??= app.getOpenAPI31Document(OPENAPI_INFO);
    return document;
  };
  app.get("/api/openapi.json", (c) => c.json(openApiDocument()));
  app.get(
    "/api/docs",
    Scalar({ url: "/api/openapi.json", cdn: "/vendor/scalar/standalone.js", pageTitle: "Ballast API" }),
  );

  app.notFound(onNotFound);
  app.onError(onError);
  return Object.assign(app, { openApiDocument });
}

export type App = ReturnType<typeof createApp>;
