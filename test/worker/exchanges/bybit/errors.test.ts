import { describe, expect, it } from "vitest";
import { errorFromHttp, errorFromRetCode } from "../../../../worker/exchanges/bybit/errors.ts";
import type { OrderRequest } from "../../../../worker/exchanges/contract.ts";
import { ExchangeError } from "../../../../worker/exchanges/errors.ts";
import { addFault, bybitGateway, clientId, createAccount, setPrice } from "./harness.ts";

const spotBuy = (overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  market: "spot",
  symbol: "BTCUSDT",
  side: "buy",
  type: "limit",
  quantity: "0.001",
  price: "80000",
  timeInForce: "gtc",
  clientOrderId: clientId("err"),
  ...overrides,
});

const linearBuy = (overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  market: "linear",
  symbol: "ETHUSDT",
  side: "buy",
  type: "limit",
  quantity: "0.01",
  price: "3000",
  timeInForce: "gtc",
  clientOrderId: clientId("err"),
  ...overrides,
});

describe("Bybit retCode mapping", () => {
  const map = (code: number, message: string) =>
    errorFromRetCode(code, message, { httpStatus: 200, operation: "test" });

  it("maps the filter codes of spot and the 10001 messages of linear", () => {
    expect(map(170136, "Order quantity lower than the minimum.")).toMatchObject({
      kind: "invalid_order",
      filter: "min_qty",
    });
    expect(map(170135, "Order quantity too large.")).toMatchObject({ filter: "max_qty" });
    expect(map(170137, "Order volume decimal too long")).toMatchObject({ filter: "step_size" });
    expect(map(170134, "Order price decimal too long.")).toMatchObject({ filter: "tick_size" });
    expect(map(170140, "Order value exceeded lower limit.")).toMatchObject({ filter: "min_notional" });
    expect(map(110094, "Order does not meet minimum order value 5USDT")).toMatchObject({ filter: "min_notional" });
    expect(map(110003, "Order price is out of permissible range")).toMatchObject({ filter: "price_band" });
    expect(map(10001, "The number of contracts exceeds minimum limit allowed")).toMatchObject({ filter: "min_qty" });
    expect(map(10001, "The number of contracts exceeds maximum limit allowed")).toMatchObject({ filter: "max_qty" });
    expect(map(110017, "orderQty will be truncated to zero")).toMatchObject({ filter: "step_size" });
    expect(map(10001, "params error: symbol invalid")).toMatchObject({ kind: "bad_symbol" });
  });

  it("maps auth, time, rate, server and no-trade codes", () => {
    expect(map(10003, "API key is invalid.").kind).toBe("authentication");
    expect(map(10004, "error sign!").kind).toBe("authentication");
    expect(map(10005, "Permission denied").kind).toBe("permission");
    expect(map(10002, "invalid request").kind).toBe("timestamp");
    expect(map(10006, "Too many visits").kind).toBe("rate_limited");
    expect(map(10016, "Internal error").kind).toBe("exchange_unavailable");
    expect(map(100028, "unified account is forbidden").kind).toBe("not_supported");
    expect(map(110007, "ab not enough for new order").kind).toBe("insufficient_funds");
  });

  it("keeps the API key out of a 10004 message that echoes the pre-sign string", () => {
    const error = map(10004, "error sign! origin_string[1700000000000SECRETKEY5000category=spot]");
    expect(error.message).not.toContain("SECRETKEY");
    expect(error.venueMessage).not.toContain("SECRETKEY");
    expect(JSON.stringify(error.toLog())).not.toContain("SECRETKEY");
  });

  it("tells a US-IP 403 from an IP rate-limit 403", () => {
    expect(errorFromHttp(403, "<html>block access from your country</html>", "x").kind).toBe("restricted_location");
    const banned = errorFromHttp(403, "access too frequent", "x");
    expect(banned.kind).toBe("rate_limited");
    expect(banned.retryAfterMs).toBeGreaterThanOrEqual(600_000);
  });
});

describe("Bybit error taxonomy against the simulator", () => {
  it("unknown key → authentication (HTTP 401, 10003)", async () => {
    const { gateway } = bybitGateway({ apiKey: "no-such-key", apiSecret: "whatever" });
    const error = await gateway.balances().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error).toMatchObject({ kind: "authentication", venueCode: "10003", httpStatus: 401 });
    expect((error as Error).message).not.toContain("no-such-key");
  });

  it("wrong secret → authentication (10004), without the key in the error", async () => {
    const account = await createAccount();
    const { gateway } = bybitGateway({ apiKey: account.apiKey, apiSecret: "wrong-secret" });
    const error = (await gateway.balances().catch((e: unknown) => e)) as ExchangeError;
    expect(error).toMatchObject({ kind: "authentication", venueCode: "10004" });
    expect(JSON.stringify(error.toLog())).not.toContain(account.apiKey);
    expect(error.message).not.toContain(account.apiKey);
  });

  it("no trade permission → permission (10005)", async () => {
    const account = await createAccount({ permissions: { spot: false, futures: false } });
    const { gateway } = bybitGateway(account);
    await expect(gateway.placeOrder(spotBuy())).rejects.toMatchObject({ kind: "permission", venueCode: "10005" });
    await expect(gateway.setLeverage("ETHUSDT", 3)).rejects.toMatchObject({ kind: "permission" });
    expect(await gateway.balances()).not.toHaveLength(0);
  });

  it("insufficient funds on spot (170131) and linear (110007)", async () => {
    await setPrice("linear", "BTCUSDT", "95000");
    const account = await createAccount({ spot: { USDT: "50" }, futuresWallet: "0" });
    const { gateway } = bybitGateway(account);
    await expect(gateway.placeOrder(spotBuy({ quantity: "0.01" }))).rejects.toMatchObject({
      kind: "insufficient_funds",
      venueCode: "170131",
    });
    await expect(
      gateway.placeOrder(linearBuy({ symbol: "BTCUSDT", quantity: "1", price: "90000" })),
    ).rejects.toMatchObject({ kind: "insufficient_funds", venueCode: "110007" });
  });

  it("each reachable filter, with the failing filter named", async () => {
    const account = await createAccount();
    const { gateway } = bybitGateway(account);
    const cases: [OrderRequest, string][] = [
      [spotBuy({ price: "80000.001" }), "tick_size"],
      [spotBuy({ quantity: "0.000011" }), "step_size"],
      [spotBuy({ quantity: "9001", price: "1" }), "max_qty"],
      [spotBuy({ quantity: "0.00001" }), "min_notional"],
      [linearBuy({ price: "3000.001" }), "tick_size"],
      [linearBuy({ quantity: "0.0105" }), "step_size"],
      [linearBuy({ quantity: "10001", price: "1" }), "max_qty"],
      [linearBuy({ quantity: "0.001" }), "min_notional"],
    ];
    for (const [request, filter] of cases) {
      await expect(gateway.placeOrder(request), `${request.market} ${filter}`).rejects.toMatchObject({
        kind: "invalid_order",
        filter,
      });
    }
  });

  it("unknown order → order_not_found on cancel; getOrder answers null", async () => {
    const account = await createAccount();
    const { gateway } = bybitGateway(account);
    await expect(gateway.cancelOrder("linear", "ETHUSDT", "missing-order")).rejects.toMatchObject({
      kind: "order_not_found",
      venueCode: "110001",
    });
    expect(await gateway.getOrder("linear", "ETHUSDT", "missing-order")).toBeNull();
  });

  it("a reused orderLinkId → duplicate_client_id (170141 spot, 110072 linear)", async () => {
    const account = await createAccount();
    const { gateway } = bybitGateway(account);
    const spot = spotBuy();
    await gateway.placeOrder(spot);
    await expect(gateway.placeOrder(spot)).rejects.toMatchObject({ kind: "duplicate_client_id", venueCode: "170141" });
    const linear = linearBuy();
    await gateway.placeOrder(linear);
    await expect(gateway.placeOrder(linear)).rejects.toMatchObject({
      kind: "duplicate_client_id",
      venueCode: "110072",
    });
  });

  it("an unknown symbol on order → bad_symbol before anything is sent", async () => {
    const account = await createAccount();
    const { gateway } = bybitGateway(account);
    await expect(gateway.placeOrder(spotBuy({ symbol: "NOPEUSDT" }))).rejects.toMatchObject({ kind: "bad_symbol" });
  });

  it("10006 → rate_limited with the wait from X-Bapi-Limit-Reset-Timestamp", async () => {
    const account = await createAccount();
    const { gateway } = bybitGateway(account);
    await addFault({
      type: "rate_limit",
      pathPrefix: "GET /v5/account/wallet-balance",
      retryAfterSeconds: 3,
      apiKey: account.apiKey,
    });
    const error = (await gateway.balances().catch((e: unknown) => e)) as ExchangeError;
    expect(error).toMatchObject({ kind: "rate_limited", venueCode: "10006", retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(1_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(3_100);
  });

  it("a clock 60 s off → 10002, then the adapter re-syncs, re-signs and succeeds", async () => {
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    await gateway.balances(); // synced to the unskewed clock
    // The next three server clock readings run 60 s ahead: the rejected call, the re-sync, the re-signed call.
    await addFault({ type: "clock_skew", skewMs: 60_000, count: 3 });
    const balances = await gateway.balances();
    expect(balances.length).toBeGreaterThan(0);
    expect(traffic.filter((t) => t.retCode === 10002)).toHaveLength(1);
    expect(traffic.filter((t) => t.url.includes("/v5/market/time")).length).toBeGreaterThanOrEqual(2);
  });

  it("HTTP 403 from a restricted location → restricted_location", async () => {
    const account = await createAccount({ apiKey: `restricted-location-${clientId("geo")}` });
    const { gateway } = bybitGateway(account);
    await expect(gateway.balances()).rejects.toMatchObject({ kind: "restricted_location", httpStatus: 403 });
  });

  it("5xx on every attempt of a read → exchange_unavailable after the transport's retries", async () => {
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    for (let i = 0; i < 3; i++) {
      await addFault({
        apiKey: account.apiKey,
        type: "error_after_accept",
        pathPrefix: "GET /v5/user/query-api",
        status: 503,
      });
    }
    await expect(gateway.permissions()).rejects.toMatchObject({ kind: "exchange_unavailable", httpStatus: 503 });
    expect(traffic.filter((t) => t.url.includes("/v5/user/query-api"))).toHaveLength(3);
  });
});
