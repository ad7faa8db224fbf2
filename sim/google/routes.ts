import { Hono } from "hono";
import type { GoogleIdentity } from "./identity.ts";

/** Google's public endpoints, mounted at /google: the worker fetches the JWKS from here in tests. */
export function googleRoutes(identity: GoogleIdentity): Hono {
  const app = new Hono();
  app.get("/oauth2/v3/certs", (c) => {
    c.header("cache-control", "public, max-age=300, must-revalidate");
    return c.json(identity.jwks());
  });
  return app;
}
