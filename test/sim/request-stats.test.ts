import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceOfPath } from "../../sim/request-stats.ts";
import { type Simulator, startSimulator } from "../../sim/server.ts";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 42 });
});

afterAll(async () => {
  await sim.close();
});

async function stats() {
  return (await fetch(`${sim.url}/control/stats`)).json();
}

describe("simulator request counts", () => {
  it("sorts paths into the venue and provider families, leaving the control API out", () => {
    expect(serviceOfPath("/api/v3/ticker/price")).toBe("binance");
    expect(serviceOfPath("/sapi/v1/account/apiRestrictions")).toBe("binance");
    expect(serviceOfPath("/fapi/v2/balance")).toBe("binance");
    expect(serviceOfPath("/v5/market/tickers")).toBe("bybit");
    expect(serviceOfPath("/v1/responses")).toBe("openai");
    expect(serviceOfPath("/openai/v1/chat/completions")).toBe("groq");
    expect(serviceOfPath("/google/oauth2/v3/certs")).toBe("google");
    expect(serviceOfPath("/nowhere")).toBe("other");
    expect(serviceOfPath("/control/stats")).toBeNull();
    expect(serviceOfPath("/control/ai/requests")).toBeNull();
  });

  it("counts answered requests per service, status and path, and resets on DELETE and on /control/reset", async () => {
    await fetch(`${sim.url}/control/stats`, { method: "DELETE" });
    await fetch(`${sim.url}/api/v3/ticker/price?symbol=BTCUSDT`);
    await fetch(`${sim.url}/api/v3/ticker/price?symbol=ETHUSDT`);
    await fetch(`${sim.url}/api/v3/account`); // no API key: refused with 401
    await fetch(`${sim.url}/v5/market/time`);
    await fetch(`${sim.url}/control/limits`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ binanceWeightPerMinute: 4 }),
    });
    const limited = await fetch(`${sim.url}/api/v3/ticker/price?symbol=BTCUSDT`);
    expect(limited.status).toBe(429);

    const counted = await stats();
    expect(counted).toMatchObject({
      total: 5,
      services: {
        binance: { total: 4, statuses: { "200": 2, "401": 1, "429": 1 } },
        bybit: { total: 1, statuses: { "200": 1 } },
      },
      paths: { "GET /api/v3/ticker/price": 3, "GET /api/v3/account": 1, "GET /v5/market/time": 1 },
    });
    expect(Object.keys(counted.paths).some((path) => path.includes("/control"))).toBe(false);

    const cleared = await (await fetch(`${sim.url}/control/stats`, { method: "DELETE" })).json();
    expect(cleared).toMatchObject({ total: 0, services: {}, paths: {} });
    expect(Date.parse(cleared.since)).toBeGreaterThanOrEqual(Date.parse(counted.since));

    await fetch(`${sim.url}/v5/market/time`);
    expect((await stats()).total).toBe(1);
    await fetch(`${sim.url}/control/reset`, { method: "POST" });
    expect(await stats()).toMatchObject({ total: 0, services: {}, paths: {} });
  });

  it("counts requests per API key, from either venue's key header", async () => {
    await fetch(`${sim.url}/control/stats`, { method: "DELETE" });
    await fetch(`${sim.url}/api/v3/account`, { headers: { "X-MBX-APIKEY": "key-a" } });
    await fetch(`${sim.url}/v5/account/wallet-balance`, { headers: { "X-BAPI-API-KEY": "key-b" } });
    await fetch(`${sim.url}/v5/account/wallet-balance`, { headers: { "X-BAPI-API-KEY": "key-b" } });
    await fetch(`${sim.url}/v5/market/time`);
    expect((await stats()).keys).toEqual({
      "key-a": { "GET /api/v3/account": 1 },
      "key-b": { "GET /v5/account/wallet-balance": 2 },
    });
  });
});
