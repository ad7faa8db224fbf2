import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../sim/server.ts";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 42 });
});

afterAll(async () => {
  await sim.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function base64urlJson(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

describe("simulator server", () => {
  it("listens on loopback and creates accounts with generated keys", async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await call("POST", "/control/accounts", { venue: "bybit", spot: { USDT: "500" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ venue: "bybit" });
    expect(String(created.body.apiKey)).toHaveLength(18);
    const dump = await call("GET", `/control/accounts/${created.body.apiKey}`);
    expect(dump.body).toMatchObject({
      venue: "bybit",
      positionMode: "one_way",
      balances: [{ asset: "USDT", free: "500", locked: "0" }],
      orders: [],
    });
    expect((await call("GET", "/control/accounts/nope")).status).toBe(404);
  });

  it("sets and reads prices, answering 400 on bad input", async () => {
    const set = await call("POST", "/control/prices", {
      venue: "binance",
      market: "linear",
      symbol: "ETHUSDT",
      price: "3000",
      hold: true,
    });
    expect(set.body).toEqual({ venue: "binance", market: "linear", symbol: "ETHUSDT", price: "3000.00" });
    const read = await call("GET", "/control/prices?venue=binance&market=linear&symbol=ETHUSDT");
    expect(read.body).toMatchObject({ price: "3000.00", book: { bidPrice: "2999.94", askPrice: "3000.06" } });
    expect((await call("POST", "/control/prices", { venue: "binance", market: "spot", symbol: "X" })).status).toBe(400);
    expect(
      await call("POST", "/control/prices", { venue: "binance", market: "spot", symbol: "X", price: "1" }),
    ).toEqual({
      status: 400,
      body: { error: "bad_symbol", message: "unknown spot symbol X" },
    });
    const malformed = await fetch(`${sim.url}/control/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(malformed.status).toBe(400);
  });

  it("answers Binance's day ticker with the last price and the book (FULL) or without the book (MINI)", async () => {
    await call("POST", "/control/prices", {
      venue: "binance",
      market: "spot",
      symbol: "BTCUSDT",
      price: "60000",
      hold: true,
    });
    const get = async (query: string) => {
      const res = await fetch(`${sim.url}/api/v3/ticker/24hr?${query}`);
      return { status: res.status, weight: Number(res.headers.get("X-MBX-USED-WEIGHT-1M")), body: await res.json() };
    };
    const book = (await (await fetch(`${sim.url}/api/v3/ticker/bookTicker?symbol=BTCUSDT`)).json()) as Record<
      string,
      string
    >;
    const full = await get("symbol=BTCUSDT");
    expect(Object.keys(full.body)).toEqual([
      "symbol",
      "priceChange",
      "priceChangePercent",
      "weightedAvgPrice",
      "prevClosePrice",
      "lastPrice",
      "lastQty",
      "bidPrice",
      "bidQty",
      "askPrice",
      "askQty",
      "openPrice",
      "highPrice",
      "lowPrice",
      "volume",
      "quoteVolume",
      "openTime",
      "closeTime",
      "firstId",
      "lastId",
      "count",
    ]);
    expect(full.body).toMatchObject({
      symbol: "BTCUSDT",
      lastPrice: "60000.00000000",
      bidPrice: book.bidPrice,
      askPrice: book.askPrice,
    });
    expect(Number(full.body.highPrice)).toBeGreaterThanOrEqual(60000);
    expect(Number(full.body.lowPrice)).toBeLessThanOrEqual(60000);
    expect(full.body.closeTime - full.body.openTime).toBe(86_400_000);

    const both = await get(`symbols=${encodeURIComponent('["BTCUSDT","ETHUSDT"]')}&type=MINI`);
    expect(both.body.map((t: { symbol: string }) => t.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(both.body[0]).not.toHaveProperty("bidPrice");
    expect(both.body[0]).toMatchObject({ lastPrice: "60000.00000000" });
    // rest-api.md: 2 for up to 20 symbols, as for one.
    expect(both.weight - full.weight).toBe(2);

    expect(await get("symbol=NOPEUSDT")).toMatchObject({ status: 400, body: { code: -1121 } });
    expect(await get("symbol=BTCUSDT&type=HUGE")).toMatchObject({ status: 400, body: { code: -1100 } });
  });

  it("stores faults and limits in the shared state, and resets everything", async () => {
    expect(
      (
        await call("POST", "/control/faults", {
          type: "rate_limit",
          venue: "binance",
          pathPrefix: "/api",
          retryAfterSeconds: 1,
        })
      ).status,
    ).toBe(201);
    expect((await call("POST", "/control/faults", { type: "clock_skew", venue: "binance", skewMs: 1 })).status).toBe(
      400,
    );
    expect(sim.state.faults.list()).toHaveLength(1);
    const [stored] = sim.state.faults.list();
    expect((await call("DELETE", "/control/faults?id=f-other")).body).toMatchObject({ faults: [{ id: stored?.id }] });
    expect((await call("DELETE", `/control/faults?id=${stored?.id}`)).body).toEqual({ faults: [] });
    await call("POST", "/control/faults", {
      type: "rate_limit",
      venue: "binance",
      pathPrefix: "/api",
      retryAfterSeconds: 1,
    });
    expect(sim.state.faults.list()).toHaveLength(1);
    expect((await call("POST", "/control/limits", { bybitPerSecond: 2 })).body).toMatchObject({
      limits: { bybitPerSecond: 2, binanceWeightPerMinute: 6000 },
    });
    expect((await call("POST", "/control/limits", { bogus: 1 })).status).toBe(400);
    expect(sim.state.limits.bybitPerSecond).toBe(2);
    expect((await call("POST", "/control/settle", {})).body).toEqual({ settled: ["binance", "bybit"] });
    await call("POST", "/control/reset");
    expect(sim.state.faults.list()).toEqual([]);
    expect(sim.state.limits.bybitPerSecond).toBe(10);
    expect(sim.state.exchanges.bybit.accounts()).toEqual([]);
  });

  it("signs Google ID tokens that verify against its JWKS", async () => {
    const jwks = await fetch(`${sim.url}/google/oauth2/v3/certs`);
    const { keys } = (await jwks.json()) as { keys: (JsonWebKey & { kid: string })[] };
    expect(keys).toHaveLength(1);
    const { body } = await call("POST", "/control/google/id-token", { email: "ada@example.com", aud: "client-1" });
    const [header = "", payload = "", signature = ""] = String(body.idToken).split(".");
    expect(base64urlJson(header)).toEqual({ alg: "RS256", kid: keys[0]?.kid, typ: "JWT" });
    const claims = base64urlJson(payload);
    expect(claims).toMatchObject({ iss: "https://accounts.google.com", aud: "client-1", email: "ada@example.com" });
    expect(claims.email_verified).toBe(true);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    expect(String(claims.sub)).toMatch(/^\d{21}$/);
    const key = await crypto.subtle.importKey(
      "jwk",
      keys[0] as JsonWebKey,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["verify"],
    );
    const valid = await crypto.subtle.verify(
      "RSASSA-PKCS1-v1_5",
      key,
      Buffer.from(signature, "base64url"),
      new TextEncoder().encode(`${header}.${payload}`),
    );
    expect(valid).toBe(true);
  });
});
