import { env } from "cloudflare:workers";
import Big from "big.js";
import { describe, expect, it } from "vitest";
import { Caller, signIn } from "../identity/support.ts";
import { accountsApp, connectKey, errorOf, holdPrice, simAccount, trader, VENUES, verifiedEarlier } from "./support.ts";

type ValuedBalance = { asset: string; total: string; priceUsd: string | null; valueUsd: string | null };

describe.each(VENUES)("%s balances", (venue) => {
  it("values spot balances in USD: stablecoins at 1, the rest through one batched ticker call", async () => {
    const app = accountsApp();
    await holdPrice(venue, "spot", "BTCUSDT", "100000");
    await holdPrice(venue, "spot", "SOLUSDT", "200");
    const { user, keyId } = await trader(app, venue, {
      spot: { USDT: "1000", USDC: "250", BTC: "0.5", SOL: "10" },
      futuresWallet: "0",
    });
    const reply = await user.get(`/api/keys/${keyId}/balances?market=spot`);
    expect(reply.status, reply.text).toBe(200);
    const balances = reply.body.balances as ValuedBalance[];
    const byAsset = Object.fromEntries(balances.map((b) => [b.asset, b]));
    expect(byAsset.USDT).toMatchObject({ total: "1000", priceUsd: "1", valueUsd: "1000" });
    expect(byAsset.USDC).toMatchObject({ total: "250", priceUsd: "1", valueUsd: "250" });
    expect(byAsset.BTC).toMatchObject({ total: "0.5", priceUsd: "100000", valueUsd: "50000" });
    expect(byAsset.SOL).toMatchObject({ total: "10", priceUsd: "200", valueUsd: "2000" });
    expect(reply.body).toMatchObject({ keyId, venue, market: "spot", futuresWallet: null, unpricedAssets: [] });
    expect(Big(reply.body.totalUsd as string).eq("53250")).toBe(true);
  });

  it("answers the futures wallet for market=linear", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue, { spot: { USDT: "0" }, futuresWallet: "5000" });
    const reply = await user.get(`/api/keys/${keyId}/balances?market=linear`);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.market).toBe("linear");
    expect(reply.body.futuresWallet).toMatchObject({ asset: "USDT" });
    expect(Big((reply.body.futuresWallet as { walletBalance: string }).walletBalance).eq(5000)).toBe(true);
    expect(Big(reply.body.totalUsd as string).eq(5000)).toBe(true);
  });

  it("refuses validation failures, missing and unverified keys, and other users", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    expect((await user.get(`/api/keys/${keyId}/balances?market=margin`)).status).toBe(400);
    const missing = await user.get("/api/keys/no-such-key/balances");
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe("not_found");
    expect((await new Caller(app).get(`/api/keys/${keyId}/balances`)).status).toBe(401);
    const stranger = await signIn(app);
    const crossUser = await stranger.get(`/api/keys/${keyId}/balances`);
    expect(crossUser.status).toBe(404);
    expect(crossUser.text).not.toContain(keyId);

    const unverifiedKey = await connectKey(user, venue, await simAccount(venue));
    await env.DB.prepare("UPDATE exchange_keys SET status = 'unverified' WHERE id = ?").bind(unverifiedKey).run();
    const unverified = await user.get(`/api/keys/${unverifiedKey}/balances`);
    expect(unverified.status).toBe(409);
    expect(errorOf(unverified).code).toBe("key_unverified");
  });

  it("maps a key the venue refuses to 424 exchange_authentication", async () => {
    const app = accountsApp({ verifyExchangeKey: verifiedEarlier });
    const user = await signIn(app);
    const account = await simAccount(venue);
    const keyId = await connectKey(user, venue, { apiKey: account.apiKey, apiSecret: `${account.apiSecret}-wrong` });
    const reply = await user.get(`/api/keys/${keyId}/balances`);
    expect(reply.status, reply.text).toBe(424);
    expect(errorOf(reply)).toMatchObject({ code: "exchange_authentication", details: { venue } });
    expect(reply.text).not.toContain(account.apiSecret);
    expect(reply.text).not.toMatch(/at \w+ \(/); // no stack
  });
});

describe("API tokens", () => {
  it("read-scoped tokens can read balances but not trade", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, "bybit");
    const token = await user.post("/api/tokens", { name: "reader", scopes: ["read"] });
    const reader = new Caller(app, { bearer: token.body.token as string });
    expect((await reader.get(`/api/keys/${keyId}/balances`)).status).toBe(200);
    const trade = await reader.post(`/api/keys/${keyId}/futures/positions`, {
      symbol: "SOLUSDT",
      side: "long",
      quantity: "1",
    });
    expect(trade.status).toBe(403);
    expect(errorOf(trade).message).toContain("trade");
  });
});
