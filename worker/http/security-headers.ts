import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./context.ts";

/**
 * Powerful browser features nobody on the API or the reference page needs. The UI's own list is in
 * web/static/_headers.
 */
const PERMISSIONS_POLICY = {
  camera: [],
  microphone: [],
  geolocation: [],
  payment: [],
  usb: [],
  serial: [],
  hid: [],
  midi: [],
  displayCapture: [],
  browsingTopics: [],
};

const secureApiHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  xContentTypeOptions: "nosniff",
  crossOriginResourcePolicy: "same-origin",
  strictTransportSecurity: "max-age=63072000; includeSubDomains",
  permissionsPolicy: PERMISSIONS_POLICY,
});

/**
 * API responses are data, never documents: nothing may load or frame them. They are answers for one caller (balances,
 * keys, orders), so no browser or proxy may keep a copy (`no-store`) unless a route says otherwise.
 */
export const apiSecurityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await secureApiHeaders(c, async () => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });
};

/** The API reference page runs the Scalar bundle we serve ourselves (offline-capable). */
export const docsSecurityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", "'unsafe-inline'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    fontSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  xContentTypeOptions: "nosniff",
  strictTransportSecurity: "max-age=63072000; includeSubDomains",
  permissionsPolicy: PERMISSIONS_POLICY,
});
