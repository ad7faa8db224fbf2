import { describe, expect, it } from "vitest";
import type { Venue } from "../../../shared/api/exchanges.ts";
import { createSimAccount, type SimAccountInput, simControl, simUrl } from "../../support/simulator.ts";
import { signIn, testApp } from "./support.ts";

/*
 * Keys for the venues' testnet and demo environments, saved through the API and verified by the production verifier.
 * The harness routes the official testnet and demo hosts (never a live one) to the simulator, which serves each site's
 * real path layout and knows only the keys made for that environment (vitest.config.ts, sim/environments.ts).
 */

type Stats = { hosts: Record<string, Record<string, number>> };

async function requestsTo(host: string, path: string): Promise<number> {
  return (await simControl<Stats>("GET", "/stats")).hosts[host.toLowerCase()]?.[path] ?? 0;
}

async function saveKey(
  venue: Venue,
  environment: "live" | "testnet" | "demo" | "custom",
  account: { apiKey: string; apiSecret: string },
  extra: Record<string, unknown> = {},
) {
  const user = await signIn(testApp());
  const reply = await user.post("/api/keys/exchange", {
    venue,
    environment,
    label: `env-${crypto.randomUUID().slice(0, 8)}`,
    apiKey: account.apiKey,
    apiSecret: account.apiSecret,
    ...extra,
  });
  return { user, reply };
}

const account = (venue: Venue, input: SimAccountInput) => createSimAccount(venue, input);

describe("Binance testnet and demo keys", () => {
  it("verifies a spot-testnet key for spot only and a futures-testnet key for futures only", async () => {
    const spot = await saveKey("binance", "testnet", await account("binance", { environment: "spot-testnet" }));
    expect(spot.reply.status).toBe(200);
    expect(spot.reply.body).toMatchObject({
      environment: "testnet",
      status: "verified",
      permissions: { canTrade: true, canWithdraw: false, spot: true, futures: false },
      verificationNote: expect.stringMatching(/spot: yes; futures: refused the key/),
    });

    const futures = await saveKey("binance", "testnet", await account("binance", { environment: "futures-testnet" }));
    expect(futures.reply.status).toBe(200);
    expect(futures.reply.body).toMatchObject({
      status: "verified",
      permissions: { canTrade: true, canWithdraw: false, spot: false, futures: true },
      verificationNote: expect.stringMatching(/spot: refused the key; futures: yes/),
    });
    // The note is stored with the key, not only answered once.
    const listed = await futures.user.get(`/api/keys/exchange/${futures.reply.body.id}`);
    expect(listed.body.verificationNote).toBe(futures.reply.body.verificationNote);
  });

  it("rejects a key neither testnet knows, such as a live key", async () => {
    const live = await saveKey("binance", "testnet", await account("binance", {}));
    expect(live.reply.status).toBe(400);
    expect(live.reply.body.error).toMatchObject({ code: "key_rejected", message: expect.stringMatching(/Neither/) });
  });

  it("verifies a demo key for both markets, reading each market's account on its own demo site", async () => {
    const before = await Promise.all([
      requestsTo("demo-api.binance.com", "GET /api/v3/account"),
      requestsTo("demo-fapi.binance.com", "GET /fapi/v2/account"),
    ]);
    const demo = await saveKey("binance", "demo", await account("binance", { environment: "demo" }));
    expect(demo.reply.status).toBe(200);
    expect(demo.reply.body).toMatchObject({
      status: "verified",
      permissions: { canTrade: true, canWithdraw: false, spot: true, futures: true },
    });
    expect((await requestsTo("demo-api.binance.com", "GET /api/v3/account")) - (before[0] ?? 0)).toBeGreaterThan(0);
    expect((await requestsTo("demo-fapi.binance.com", "GET /fapi/v2/account")) - (before[1] ?? 0)).toBeGreaterThan(0);

    const spotOnly = await saveKey(
      "binance",
      "demo",
      await account("binance", { environment: "demo", permissions: { futures: false } }),
    );
    expect(spotOnly.reply.body).toMatchObject({ status: "verified", permissions: { spot: true, futures: false } });
  });
});

describe("Bybit testnet and demo keys", () => {
  it("verifies a demo key with a read demo serves, never query-api, and says what it assumed", async () => {
    const queryApi = await requestsTo("api-demo.bybit.com", "GET /v5/user/query-api");
    const wallet = await requestsTo("api-demo.bybit.com", "GET /v5/account/wallet-balance");
    const demo = await saveKey("bybit", "demo", await account("bybit", { environment: "demo" }));
    expect(demo.reply.status).toBe(200);
    expect(demo.reply.body).toMatchObject({
      environment: "demo",
      status: "verified",
      permissions: { canTrade: true, canWithdraw: false, spot: true, futures: true },
      verificationNote: expect.stringMatching(/does not report key permissions/),
    });
    expect(await requestsTo("api-demo.bybit.com", "GET /v5/user/query-api")).toBe(queryApi);
    expect(await requestsTo("api-demo.bybit.com", "GET /v5/account/wallet-balance")).toBeGreaterThan(wallet);
  });

  it("refuses a key made for another environment on demo (10003)", async () => {
    const testnetKey = await saveKey("bybit", "demo", await account("bybit", { environment: "testnet" }));
    expect(testnetKey.reply.status).toBe(400);
    expect(testnetKey.reply.body.error).toMatchObject({ code: "key_rejected" });
  });

  it("verifies a testnet key like a live one: permissions read, a withdrawal-enabled key refused", async () => {
    const testnet = await saveKey("bybit", "testnet", await account("bybit", { environment: "testnet" }));
    expect(testnet.reply.status).toBe(200);
    expect(testnet.reply.body).toMatchObject({
      status: "verified",
      permissions: { spot: true, futures: true, canWithdraw: false },
      verificationNote: null,
    });
    const withdrawing = await saveKey(
      "bybit",
      "testnet",
      await account("bybit", { environment: "testnet", permissions: { withdrawals: true } }),
    );
    expect(withdrawing.reply.status).toBe(400);
    expect(withdrawing.reply.body.error).toMatchObject({ code: "key_can_withdraw" });
  });
});

describe("custom Binance keys with per-market base URLs", () => {
  it("trades only the markets the key has a URL for", async () => {
    const sim = await account("binance", {});
    const { user, reply } = await saveKey("binance", "custom", sim, { baseUrls: { spot: simUrl() } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      baseUrls: { spot: simUrl(), linear: null },
      status: "verified",
      permissions: { spot: true, futures: false },
    });
    const id = reply.body.id as string;
    expect((await user.get(`/api/keys/${id}/balances?market=spot`)).status).toBe(200);
    const futures = await user.get(`/api/keys/${id}/balances?market=linear`);
    expect(futures.status).toBe(422);
    expect(futures.body.error).toMatchObject({
      code: "exchange_not_supported",
      message: expect.stringMatching(/no futures base URL/),
    });
  });

  it("leaves a futures-only custom key unverified: Binance reports permissions only through its spot API", async () => {
    const { reply } = await saveKey("binance", "custom", await account("binance", {}), {
      baseUrls: { linear: simUrl() },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      baseUrls: { spot: null, linear: simUrl() },
      status: "unverified",
      permissions: null,
      verificationNote: expect.stringMatching(/spot base URL/),
    });
  });
});
