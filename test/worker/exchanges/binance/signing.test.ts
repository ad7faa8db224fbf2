import { describe, expect, it } from "vitest";
import { encodeParams, signPayload, signRequest } from "../../../../worker/exchanges/binance/signing.ts";

// The official example key pair from Binance spot rest-api.md § "SIGNED Endpoint Examples for POST /api/v3/order".
const SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

const order = (symbol: string) => ({
  symbol,
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  quantity: "1",
  price: "0.1",
  recvWindow: 5000,
  timestamp: 1499827319559,
});

describe("Binance signing vectors (exchanges.md §1.3)", () => {
  it("B1: query string of a limit order", async () => {
    const payload = encodeParams(order("LTCBTC"));
    expect(payload).toBe(
      "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
    );
    expect(await signPayload(SECRET, payload, "")).toBe(
      "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
    );
  });

  it("B2: non-ASCII symbol is percent-encoded before signing", async () => {
    const payload = encodeParams(order("１２３４５６"));
    expect(payload.startsWith("symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY")).toBe(true);
    expect(await signPayload(SECRET, payload, "")).toBe(
      "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3",
    );
  });

  it("B3: query and body are concatenated without a separator", async () => {
    const query = encodeParams({ symbol: "LTCBTC", side: "BUY", type: "LIMIT", timeInForce: "GTC" });
    const body = encodeParams({ quantity: "1", price: "0.1", recvWindow: 5000, timestamp: 1499827319559 });
    expect(await signPayload(SECRET, query, body)).toBe(
      "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77",
    );
  });

  it("B4: GET /api/v3/account signed through signRequest", async () => {
    const signed = await signRequest("GET", { omitZeroBalances: "true" }, { apiSecret: SECRET }, 5000, 1499827319559);
    expect(signed).toEqual({
      query:
        "omitZeroBalances=true&recvWindow=5000&timestamp=1499827319559&signature=807e9f33e2180fee3162aaa9fddb73c600a957ca7e8353e2c50ba2a31430a41f",
      body: "",
    });
  });

  it("POST parameters travel in a form body that carries its signature", async () => {
    const { recvWindow: _r, timestamp: _t, ...params } = order("LTCBTC");
    const signed = await signRequest("POST", params, { apiSecret: SECRET }, 5000, 1499827319559);
    expect(signed.query).toBe("");
    expect(signed.body).toBe(
      "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
    );
  });

  it("encodes symbols=[...] as a JSON array", () => {
    expect(encodeParams({ symbols: ["BTCUSDT", "ETHUSDT"], skipped: undefined })).toBe(
      "symbols=%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D",
    );
  });
});
