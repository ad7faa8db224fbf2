import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Caller, founder, signIn, testApp, testClock, uniqueEmail } from "./support.ts";

const HOUR = 3_600_000;

describe("sessions", () => {
  it("stores only a hash of the session token", async () => {
    const user = await signIn(testApp());
    const token = user.auth.cookie ?? "";
    const rows = await env.DB.prepare("SELECT token_hash FROM sessions").all<{ token_hash: string }>();
    expect(rows.results.some((row) => row.token_hash === token)).toBe(false);
    expect(rows.results.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(true);
  });

  it("lists sessions, revokes one, and signs out", async () => {
    const app = testApp();
    const email = uniqueEmail();
    const laptop = await signIn(app, email);
    const phone = await signIn(app, email);
    const list = await laptop.get("/api/sessions");
    const sessions = list.body.sessions as { id: string; current: boolean }[];
    expect(sessions).toHaveLength(2);
    const phoneSession = sessions.find((s) => !s.current);
    expect(phoneSession).toBeDefined();

    expect((await laptop.delete(`/api/sessions/${phoneSession?.id}`)).status).toBe(200);
    expect((await phone.get("/api/auth/me")).status).toBe(401);

    const out = await laptop.post("/api/auth/logout");
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/ballast_session=;/);
    expect((await laptop.get("/api/auth/me")).status).toBe(401);
  });

  it("expires after the idle timeout and after the absolute lifetime", async () => {
    const clock = testClock();
    const app = testApp({ now: clock.now });
    const idle = await signIn(app);
    clock.advance(7 * 24 * HOUR + 1000);
    expect((await idle.get("/api/auth/me")).status).toBe(401);

    const active = await signIn(app);
    for (let day = 0; day < 31; day++) {
      clock.advance(24 * HOUR);
      if (day < 29) expect((await active.get("/api/auth/me")).status, `day ${day}`).toBe(200);
    }
    expect((await active.get("/api/auth/me")).status).toBe(401);
  });

  it("refuses cookie-authenticated unsafe requests from another origin or without an Origin", async () => {
    const user = await signIn(testApp());
    const foreign = await user.post("/api/auth/2fa/setup", undefined, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect((foreign.body.error as { message: string }).message).toMatch(/Origin/);
    expect((await user.post("/api/auth/2fa/setup", undefined, { origin: null })).status).toBe(403);
    expect((await user.post("/api/auth/2fa/setup")).status).toBe(200);
    const crossSiteSignIn = await new Caller(testApp()).post(
      "/api/auth/dev",
      { email: uniqueEmail() },
      { origin: "https://evil.example" },
    );
    expect(crossSiteSignIn.status).toBe(403);
  });

  it("has no development sign-in unless DEV_LOGIN=true, and says which sign-in methods exist", async () => {
    const options = await new Caller(testApp()).get("/api/auth/options");
    expect(options.body).toEqual({ googleClientId: "ballast-test.apps.googleusercontent.com", devLogin: true });
    const app = testApp({}, { DEV_LOGIN: "false", GOOGLE_CLIENT_ID: "" });
    expect((await new Caller(app).get("/api/auth/options")).body).toEqual({ googleClientId: null, devLogin: false });
    const reply = await new Caller(app).post("/api/auth/dev", { email: uniqueEmail() });
    expect(reply.status).toBe(404);
    expect((reply.body.error as { code: string }).code).toBe("not_found");
  });

  it("makes no one an admin for being first: only the ADMIN_EMAILS are admins", async () => {
    // On a fresh deploy with Google sign-in, "first" is whoever signs in before the owner does.
    const first = await env.DB.prepare("SELECT email, role FROM users ORDER BY created_at, rowid LIMIT 1").first();
    expect(first).toMatchObject({ email: "founder@ballast.test", role: "user" });
    expect((await founder.get("/api/auth/me")).body.user).toMatchObject({ role: "user" });
    const admins = await env.DB.prepare("SELECT email FROM users WHERE role = 'admin'").all<{ email: string }>();
    expect(admins.results.map((row) => row.email).filter((email) => email !== "admin@ballast.test")).toEqual([]);
    const listed = await signIn(testApp(), "admin@ballast.test");
    expect((await listed.get("/api/auth/me")).body.user).toMatchObject({ role: "admin" });
  });
});
