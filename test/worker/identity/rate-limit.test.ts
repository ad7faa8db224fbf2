import { describe, expect, it } from "vitest";
import { consume } from "../../../worker/ratelimit/gcra.ts";
import { Caller, signIn, testApp, testClock, uniqueEmail } from "./support.ts";

describe("GCRA limiter (fixed clock)", () => {
  it("allows the burst, refuses the next with the wait, and refills one slot per interval", () => {
    const rule = { limit: 5, periodMs: 60_000 };
    let tat: number | null = null;
    const at = (now: number) => {
      const result = consume(rule, tat, now);
      tat = result.tat;
      return result.decision;
    };
    for (let i = 0; i < 5; i++) expect(at(0).allowed).toBe(true);
    expect(at(0)).toEqual({ allowed: false, retryAfterMs: 12_000, remaining: 0 });
    expect(at(11_999).allowed).toBe(false);
    expect(at(12_000).allowed).toBe(true);
    expect(at(12_000).allowed).toBe(false);
  });
});

describe("rate limits on routes", () => {
  it("limits sign-in to 5 per minute per IP with a 429 envelope and Retry-After", async () => {
    const clock = testClock();
    const app = testApp({ now: clock.now });
    const sameIp = new Caller(app);
    for (let i = 0; i < 5; i++) expect((await sameIp.post("/api/auth/dev", { email: uniqueEmail() })).status).toBe(200);
    const limited = await sameIp.post("/api/auth/dev", { email: uniqueEmail() });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("12");
    expect(limited.body.error).toMatchObject({
      code: "rate_limited",
      details: { preset: "login", limit: 5, retryAfterSeconds: 12 },
    });
    // Another IP is not affected; the same IP may try again once the wait is over.
    expect((await new Caller(app).post("/api/auth/dev", { email: uniqueEmail() })).status).toBe(200);
    clock.advance(12_000);
    expect((await sameIp.post("/api/auth/dev", { email: uniqueEmail() })).status).toBe(200);
  });

  it("limits reads per user at 120 per minute, whatever IP they come from", async () => {
    const clock = testClock();
    const user = await signIn(testApp({ now: clock.now }));
    const replies = await Promise.all(Array.from({ length: 121 }, () => user.get("/api/sessions")));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(120);
    const limited = replies.find((r) => r.status === 429);
    expect(limited?.body.error).toMatchObject({ code: "rate_limited", details: { preset: "read" } });
  });
});
