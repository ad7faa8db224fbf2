import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORWARDED_HOST, SIMULATED_HOSTS } from "../../sim/environments.ts";
import { type Simulator, startSimulator } from "../../sim/server.ts";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 42 });
});

afterAll(async () => {
  await sim.close();
});

type Key = { apiKey: string; apiSecret: string };

/** A request as the test harness forwards it for a venue host (or straight to the simulator without one). */
function send(host: string | null, path: string, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}${path}`, { headers: { ...headers, ...(host ? { [FORWARDED_HOST]: host } : {}) } });
}

async function account(venue: "binance" | "bybit", environment?: string): Promise<Key> {
  const res = await fetch(`${sim.url}/control/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ venue, environment, spot: { USDT: "100" }, futuresWallet: "100" }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Key;
}

function binanceSigned(host: string | null, path: string, key: Key) {
  const query = `timestamp=${Date.now()}`;
  const signature = createHmac("sha256", key.apiSecret).update(query).digest("hex");
  return send(host, `${path}?${query}&signature=${signature}`, { "X-MBX-APIKEY": key.apiKey });
}

function bybitSigned(host: string | null, path: string, query: string, key: Key) {
  const timestamp = String(Date.now());
  const sign = createHmac("sha256", key.apiSecret).update(`${timestamp}${key.apiKey}5000${query}`).digest("hex");
  return send(host, `${path}?${query}`, {
    "X-BAPI-API-KEY": key.apiKey,
    "X-BAPI-TIMESTAMP": timestamp,
    "X-BAPI-RECV-WINDOW": "5000",
    "X-BAPI-SIGN": sign,
  });
}

describe("venue environments", () => {
  it("lists only the venues' testnet and demo hosts, never a live one", () => {
    expect([...SIMULATED_HOSTS].sort()).toEqual([
      "api-demo.bybit.com",
      "api-testnet.bybit.com",
      "demo-api.binance.com",
      "demo-fapi.binance.com",
      "testnet.binance.vision",
      "testnet.binancefuture.com",
    ]);
  });

  it("answers only the paths a forwarded site serves, in the venue's own 404 shape", async () => {
    const sapi = await send("testnet.binance.vision", "/sapi/v1/account/apiRestrictions");
    expect(sapi.status).toBe(404);
    expect(sapi.headers.get("content-type")).toContain("text/html");
    expect(await sapi.text()).toBe("<html><body><h2>404 Not found</h2></body></html>");
    expect((await send("testnet.binance.vision", "/api/v3/time")).status).toBe(200);
    expect((await send("testnet.binancefuture.com", "/api/v3/time")).status).toBe(404);
    expect((await send("testnet.binancefuture.com", "/fapi/v1/time")).status).toBe(200);
    expect((await send("demo-fapi.binance.com", "/sapi/v1/account/apiRestrictions")).status).toBe(404);
    // The harness's own API is not part of any venue site.
    expect((await send("demo-api.binance.com", "/control/stats")).status).toBe(404);
    expect((await send("api-testnet.bybit.com", "/api/v3/time")).status).toBe(404);

    const unsupported = await send("api-demo.bybit.com", "/v5/user/query-api");
    expect(unsupported.status).toBe(200);
    expect(await unsupported.json()).toMatchObject({ retCode: 10032, retMsg: "Demo trading are not supported." });
    expect((await send("api-demo.bybit.com", "/v5/market/time")).status).toBe(200);
    expect((await send("api.binance.com", "/api/v3/time")).status).toBe(421);
  });

  it("authenticates a Binance key only on its own environment's sites (-2015 elsewhere)", async () => {
    const spotTestnet = await account("binance", "spot-testnet");
    expect((await binanceSigned("testnet.binance.vision", "/api/v3/account", spotTestnet)).status).toBe(200);
    const elsewhere = [
      await binanceSigned("testnet.binancefuture.com", "/fapi/v2/account", spotTestnet),
      await binanceSigned("demo-api.binance.com", "/api/v3/account", spotTestnet),
      await binanceSigned(null, "/api/v3/account", spotTestnet),
      await binanceSigned("testnet.binance.vision", "/api/v3/account", await account("binance")),
    ];
    for (const res of elsewhere) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: -2015, msg: "Invalid API-key, IP, or permissions for action." });
    }
    const demo = await account("binance", "demo");
    expect((await binanceSigned("demo-api.binance.com", "/api/v3/account", demo)).status).toBe(200);
    expect((await binanceSigned("demo-fapi.binance.com", "/fapi/v2/account", demo)).status).toBe(200);
  });

  it("authenticates a Bybit key only on its own environment (10003 elsewhere)", async () => {
    const demo = await account("bybit", "demo");
    const wallet = ["/v5/account/wallet-balance", "accountType=UNIFIED"] as const;
    expect(await (await bybitSigned("api-demo.bybit.com", ...wallet, demo)).json()).toMatchObject({ retCode: 0 });
    for (const host of ["api-testnet.bybit.com", null]) {
      const res = await bybitSigned(host, ...wallet, demo);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ retCode: 10003 });
    }
    const testnet = await account("bybit", "testnet");
    expect(await (await bybitSigned("api-testnet.bybit.com", "/v5/user/query-api", "", testnet)).json()).toMatchObject({
      retCode: 0,
    });
  });

  it("takes an environment per venue on the control API and counts forwarded requests per host", async () => {
    const create = (body: Record<string, unknown>) =>
      fetch(`${sim.url}/control/accounts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await create({ venue: "binance", environment: "testnet" })).status).toBe(400);
    expect((await create({ venue: "bybit", environment: "futures-testnet" })).status).toBe(400);
    expect((await create({ venue: "bybit", environment: "moon" })).status).toBe(400);
    const created = (await (await create({ venue: "bybit", environment: "testnet" })).json()) as Key;
    const dump = await (await fetch(`${sim.url}/control/accounts/${created.apiKey}`)).json();
    expect(dump).toMatchObject({ venue: "bybit", environment: "testnet" });
    expect(
      (await (await fetch(`${sim.url}/control/accounts/${(await account("binance")).apiKey}`)).json()) as object,
    ).toMatchObject({ environment: "live" });

    await fetch(`${sim.url}/control/stats`, { method: "DELETE" });
    await send("testnet.binance.vision", "/api/v3/time");
    await send("testnet.binance.vision", "/sapi/v1/account/apiRestrictions");
    await send(null, "/api/v3/time");
    const stats = (await (await fetch(`${sim.url}/control/stats`)).json()) as {
      paths: Record<string, number>;
      hosts: Record<string, Record<string, number>>;
    };
    expect(stats.hosts).toEqual({
      "testnet.binance.vision": { "GET /api/v3/time": 1, "GET /sapi/v1/account/apiRestrictions": 1 },
    });
    expect(stats.paths["GET /api/v3/time"]).toBe(2);
  });
});
