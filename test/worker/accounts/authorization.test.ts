import { describe, expect, it } from "vitest";
import { totpAt } from "../../../worker/auth/totp.ts";
import { Caller, signIn, testClock } from "../identity/support.ts";
import { accountsApp, connectKey, errorOf, holdPrice, simAccount } from "./support.ts";

describe("2FA for trading (a user setting)", () => {
  it("once on, needs a recent code for trading from a session and refuses API tokens", async () => {
    const clock = testClock(new Date());
    const app = accountsApp({ now: clock.now });
    const user = await signIn(app);
    const keyId = await connectKey(user, "bybit", await simAccount("bybit"));
    await holdPrice("bybit", "linear", "SOLUSDT", "100");

    expect((await user.get("/api/me/settings")).body).toEqual({ twoFactorForTrading: false });
    const without2fa = await user.put("/api/me/settings", { twoFactorForTrading: true });
    expect(without2fa.status).toBe(409);

    const secret = (await user.post("/api/auth/2fa/setup")).body.secret as string;
    expect((await user.post("/api/auth/2fa/enable", { code: await totpAt(secret, clock.now()) })).status).toBe(200);
    const token = await user.post("/api/tokens", { name: "bot", scopes: ["read", "trade"] });
    const bot = new Caller(app, { bearer: token.body.token as string });
    const saved = await user.put("/api/me/settings", { twoFactorForTrading: true });
    expect(saved.status, saved.text).toBe(200);
    expect((await bot.get("/api/me/settings")).body).toEqual({ twoFactorForTrading: true });
    expect((await bot.put("/api/me/settings", { twoFactorForTrading: false })).status).toBe(403);

    const order = { symbol: "SOLUSDT", side: "long", quantity: "1" };
    const url = `/api/keys/${keyId}/futures/positions`;
    clock.advance(11 * 60_000);
    const stale = await user.post(url, order);
    expect(stale.status).toBe(403);
    expect(errorOf(stale).code).toBe("two_factor_required");
    const fromBot = await bot.post(url, order);
    expect(fromBot.status).toBe(403);
    expect(errorOf(fromBot).message).toContain("browser session");
    expect((await bot.get(`/api/keys/${keyId}/positions`)).status).toBe(200);

    expect((await user.post("/api/auth/2fa/verify", { code: await totpAt(secret, clock.now()) })).status).toBe(200);
    const confirmed = await user.post(url, order);
    expect(confirmed.status, confirmed.text).toBe(200);
  });
});

describe("rate limits", () => {
  it("uses the write preset for trading routes and the read preset for reads, with Retry-After", async () => {
    const app = accountsApp();
    const user = await signIn(app);
    let last = await user.put("/api/keys/none/futures/position-mode", { mode: "hedge" });
    for (let i = 0; i < 30 && last.status !== 429; i++)
      last = await user.put("/api/keys/none/futures/position-mode", { mode: "hedge" });
    expect(last.status).toBe(429);
    expect(errorOf(last)).toMatchObject({ code: "rate_limited", details: { preset: "write" } });
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Reads have their own budget.
    expect((await user.get("/api/keys/none/positions")).status).toBe(404);
  });
});
