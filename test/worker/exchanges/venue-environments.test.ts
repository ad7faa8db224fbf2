import { describe, expect, it } from "vitest";
import { createGateway } from "../../../worker/exchanges/gateway.ts";
import { createSimAccount, simUrl } from "../../support/simulator.ts";

/*
 * The venues' testnet and demo sites as the worker sees them: real https URLs on the official hosts, which the test
 * harness (vitest.config.ts) routes to the simulator, which answers only the paths each site really serves.
 */

describe("testnet and demo sites in tests", () => {
  it("serve only their own path family: a live-only path on a testnet or demo host is the venue's 404", async () => {
    const apiRestrictions = await fetch("https://testnet.binance.vision/sapi/v1/account/apiRestrictions");
    expect(apiRestrictions.status).toBe(404);
    expect(await apiRestrictions.text()).toContain("404 Not found");
    expect((await fetch("https://demo-api.binance.com/sapi/v1/account/apiRestrictions")).status).toBe(404);
    expect((await fetch("https://testnet.binance.vision/fapi/v1/time")).status).toBe(404);
    expect((await fetch("https://testnet.binancefuture.com/api/v3/time")).status).toBe(404);

    const spotTime = await fetch("https://testnet.binance.vision/api/v3/time");
    expect(spotTime.status).toBe(200);
    expect(await spotTime.json()).toMatchObject({ serverTime: expect.any(Number) });
    expect((await fetch("https://demo-fapi.binance.com/fapi/v1/time")).status).toBe(200);
  });

  it("serve Bybit demo's subset, answering the rest with retCode 10032, and all of V5 on testnet", async () => {
    const queryApi = await fetch("https://api-demo.bybit.com/v5/user/query-api");
    expect(queryApi.status).toBe(200);
    expect(await queryApi.json()).toMatchObject({ retCode: 10032, retMsg: "Demo trading are not supported." });
    expect((await fetch("https://api-demo.bybit.com/v5/market/time")).status).toBe(200);
    // Testnet serves query-api: without a key it is the authentication failure, not "unsupported".
    const testnet = await fetch("https://api-testnet.bybit.com/v5/user/query-api");
    expect(await testnet.json()).toMatchObject({ retCode: 10003 });
  });

  it("never reach a live venue host: the harness refuses it like an unreachable network", async () => {
    for (const url of ["https://api.binance.com/api/v3/time", "https://api.bybit.com/v5/market/time"]) {
      const refused = await fetch(url);
      expect(refused.status).toBe(500);
      expect(await refused.text()).toContain("tests may not reach");
    }
  });
});

describe("Binance gateway environments", () => {
  it("sends each market's requests of a custom key to that market's own base URL", async () => {
    const account = await createSimAccount("binance");
    const spotBase = simUrl();
    const futuresBase = simUrl().replace("127.0.0.1", "localhost");
    const sent: string[] = [];
    const gateway = createGateway({
      venue: "binance",
      environment: "custom",
      customBaseUrls: { spot: spotBase, linear: futuresBase },
      allowLocalUrls: true,
      credentials: account,
      fetch: (input, init) => {
        sent.push(String(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
    });
    expect(await gateway.balances()).toContainEqual(expect.objectContaining({ asset: "USDT" }));
    expect(await gateway.futuresWallet()).toMatchObject({ asset: "USDT", walletBalance: "10000" });

    const spotCalls = sent.filter((url) => new URL(url).pathname.startsWith("/api/"));
    const futuresCalls = sent.filter((url) => new URL(url).pathname.startsWith("/fapi/"));
    expect(spotCalls.length).toBeGreaterThan(0);
    expect(futuresCalls.length).toBeGreaterThan(0);
    for (const url of spotCalls) expect(url.startsWith(`${spotBase}/`)).toBe(true);
    for (const url of futuresCalls) expect(url.startsWith(`${futuresBase}/`)).toBe(true);
  });

  it("checks testnet keys on each market's own testnet site", async () => {
    const gatewayFor = (account: { apiKey: string; apiSecret: string }) =>
      createGateway({ venue: "binance", environment: "testnet", credentials: account });
    const futuresKey = await createSimAccount("binance", { environment: "futures-testnet" });
    expect(await gatewayFor(futuresKey).permissions()).toMatchObject({
      spotTrading: false,
      futuresTrading: true,
      withdrawals: false,
    });
    await expect(gatewayFor(await createSimAccount("binance")).permissions()).rejects.toMatchObject({
      kind: "authentication",
    });
    // The futures-testnet key trades there, on the site the environment names.
    expect(await gatewayFor(futuresKey).futuresWallet()).toMatchObject({ walletBalance: "10000" });
  });
});
