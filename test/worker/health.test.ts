import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signIn, testApp } from "./identity/support.ts";

describe("GET /api/health", () => {
  it("reports the database reachable, the version and the server time", async () => {
    const res = await exports.default.fetch("http://localhost/api/health");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "ok", version: "0.1.0-test", database: { reachable: true } });
    expect(Math.abs(Date.parse(body.time as string) - Date.now())).toBeLessThan(60_000);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends security headers on API responses", async () => {
    const res = await exports.default.fetch("http://localhost/api/health");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8}; includeSubDomains$/);
    expect(res.headers.get("permissions-policy")).toContain("camera=()");
  });

  it("lets no browser or proxy keep an API answer, signed-in ones and errors included", async () => {
    const user = await signIn(testApp());
    const me = await user.get("/api/auth/me");
    expect(me.status).toBe(200);
    expect(me.headers.get("cache-control")).toBe("no-store");
    const refused = await user.get("/api/keys/exchange/missing");
    expect(refused.status).toBe(404);
    expect(refused.headers.get("cache-control")).toBe("no-store");
  });
});
