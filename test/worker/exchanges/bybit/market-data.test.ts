import { describe, expect, it } from "vitest";
import { bybitGateway, createAccount } from "./harness.ts";

describe("Bybit market data against the simulator", () => {
  it("reads server time", async () => {
    const { gateway } = bybitGateway(null);
    const time = await gateway.serverTime("linear");
    expect(Math.abs(time - Date.now())).toBeLessThan(60_000);
  });

  it("parses spot instruments: basePrecision is the step, minOrderAmt the minimum notional", async () => {
    const { gateway } = bybitGateway(null);
    const btc = await gateway.market("spot", "BTCUSDT");
    expect(btc).toMatchObject({ venue: "bybit", type: "spot", base: "BTC", quote: "USDT", status: "trading" });
    expect(btc.tickSize).toBe("0.01");
    expect(btc.stepSize).toBe("0.00001");
    expect(Number(btc.minNotional)).toBeGreaterThan(0);
    expect(btc.maxLeverage).toBeNull();
    const all = await gateway.markets("spot");
    expect(all.find((m) => m.symbol === "HALTUSDT")?.status).toBe("halted");
  });

  it("parses linear instruments: qtyStep, minOrderQty, minNotionalValue and leverage", async () => {
    const { gateway } = bybitGateway(null);
    const btc = await gateway.market("linear", "BTCUSDT");
    expect(btc).toMatchObject({ type: "linear", tickSize: "0.1", stepSize: "0.001", minNotional: "5" });
    expect(btc.maxLeverage).toBe(125);
    expect(btc.minLeverage).toBe(1);
  });

  it("answers bad_symbol for an unknown market", async () => {
    const { gateway } = bybitGateway(null);
    await expect(gateway.market("linear", "NOPEUSDT")).rejects.toMatchObject({ kind: "bad_symbol" });
    await expect(gateway.tickers("spot", ["NOPEUSDT"])).rejects.toMatchObject({ kind: "bad_symbol" });
  });

  it("reads tickers with mark price and funding on linear only", async () => {
    const { gateway } = bybitGateway(null);
    const [spot] = await gateway.tickers("spot", ["ETHUSDT"]);
    expect(spot?.mark).toBeNull();
    expect(Number(spot?.last)).toBeGreaterThan(0);
    const linear = await gateway.tickers("linear", ["BTCUSDT", "ETHUSDT"]);
    expect(linear.map((t) => t.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(Number(linear[0]?.mark)).toBeGreaterThan(0);
    expect(linear[0]?.fundingRate).not.toBeNull();
  });

  it("returns klines oldest first although Bybit sends them newest first", async () => {
    const { gateway, traffic } = bybitGateway(null);
    const klines = await gateway.klines("linear", "BTCUSDT", "1m", 5);
    expect(klines).toHaveLength(5);
    for (let i = 1; i < klines.length; i++) {
      expect(klines[i]?.openTime).toBe((klines[i - 1]?.openTime ?? 0) + 60_000);
    }
    expect(traffic.at(-1)?.url).toContain("interval=1&limit=5");
    const daily = await gateway.klines("spot", "ETHUSDT", "1d", 3);
    expect(daily[0]?.openTime).toBeLessThan(daily[2]?.openTime ?? 0);
  });

  it("reads the top of the book", async () => {
    const { gateway } = bybitGateway(null);
    const top = await gateway.orderBookTop("linear", "ETHUSDT");
    expect(Number(top.askPrice)).toBeGreaterThan(Number(top.bidPrice));
    expect(top.symbol).toBe("ETHUSDT");
  });

  it("reads key permissions from user/query-api", async () => {
    const full = await createAccount({ permissions: { withdrawals: true } });
    expect(await bybitGateway(full).gateway.permissions()).toEqual({
      canRead: true,
      spotTrading: true,
      futuresTrading: true,
      withdrawals: true,
      ipRestricted: false,
      note: null,
    });
    const readOnly = await createAccount({ permissions: { spot: false, futures: false } });
    expect(await bybitGateway(readOnly).gateway.permissions()).toMatchObject({
      spotTrading: false,
      futuresTrading: false,
      withdrawals: false,
    });
  });

  it("reports capabilities scoped by market", () => {
    const { gateway } = bybitGateway(null);
    expect(gateway.capabilities.operations.spot).toContain("balances");
    expect(gateway.capabilities.operations.spot).not.toContain("positions");
    expect(gateway.capabilities.operations.linear).toContain("stops");
    expect(gateway.capabilities.operations.linear).not.toContain("balances");
  });
});
