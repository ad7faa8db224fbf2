import Big from "big.js";
import { describe, expect, it } from "vitest";
import { createExchange } from "../../sim/engine/exchange.ts";
import { START, testClock } from "./fixtures.ts";

const MINUTE = 60_000;

describe("seeded price paths", () => {
  it("gives the same price for the same seed and time, and a different one for another seed", () => {
    const clock = testClock();
    const a = createExchange("binance", { seed: 42, now: () => clock.now });
    const b = createExchange("bybit", { seed: 42, now: () => clock.now });
    const c = createExchange("binance", { seed: 7, now: () => clock.now });
    for (const symbol of ["BTCUSDT", "ETHUSDT", "DOGEUSDT"]) {
      expect(a.price("spot", symbol)).toBe(b.price("spot", symbol));
      expect(a.price("spot", symbol)).not.toBe(c.price("spot", symbol));
    }
    const before = a.price("spot", "BTCUSDT");
    clock.advance(3600_000);
    expect(a.price("spot", "BTCUSDT")).not.toBe(before);
  });

  it("stays near the anchor, on the tick, and moves like a random walk", () => {
    const clock = testClock();
    const exchange = createExchange("binance", { seed: 42, now: () => clock.now });
    const prices: number[] = [];
    for (let i = 0; i < 600; i++) {
      const price = exchange.price("spot", "BTCUSDT");
      expect(new Big(price).mod("0.01").eq(0)).toBe(true);
      prices.push(Number(price));
      clock.advance(1000);
    }
    for (const price of prices) expect(price).toBeGreaterThan(95_000 * 0.6);
    for (const price of prices) expect(price).toBeLessThan(95_000 * 1.4);
    const steps = prices.slice(1).map((price, i) => Math.abs(price / (prices[i] as number) - 1));
    expect(Math.max(...steps)).toBeLessThan(0.01);
    expect(new Set(prices).size).toBeGreaterThan(100);
  });

  it("re-anchors at setPrice and continues the path from there, or holds it", () => {
    const clock = testClock();
    const exchange = createExchange("binance", { seed: 42, now: () => clock.now });
    exchange.setPrice("spot", "ETHUSDT", "4000.004");
    expect(exchange.price("spot", "ETHUSDT")).toBe("4000.00");
    clock.advance(60_000);
    expect(Math.abs(Number(exchange.price("spot", "ETHUSDT")) / 4000 - 1)).toBeLessThan(0.05);
    expect(exchange.price("linear", "ETHUSDT")).not.toBe(exchange.price("spot", "ETHUSDT"));
    exchange.setPrice("spot", "ETHUSDT", "3000", { hold: true });
    clock.advance(600_000);
    expect(exchange.price("spot", "ETHUSDT")).toBe("3000.00");
  });

  it("shows a book around the price on the tick with a quantity on the step", () => {
    const clock = testClock();
    const exchange = createExchange("bybit", { seed: 42, volatility: 0, now: () => clock.now });
    expect(exchange.price("spot", "BTCUSDT")).toBe("95000.00");
    expect(exchange.bookTop("spot", "BTCUSDT")).toEqual({
      bidPrice: "94998.10",
      bidQty: "1.05263",
      askPrice: "95001.90",
      askQty: "1.05263",
    });
    const doge = exchange.bookTop("linear", "DOGEUSDT");
    expect(doge.bidPrice).toBe("0.34999");
    expect(doge.askPrice).toBe("0.35001");
  });
});

describe("klines", () => {
  it("are aligned, oldest first, consistent, and end in the candle that contains now", () => {
    const clock = testClock(START + 37_250);
    const exchange = createExchange("binance", { seed: 42, now: () => clock.now });
    const candles = exchange.klines("spot", "BTCUSDT", MINUTE, 100);
    expect(candles).toHaveLength(100);
    candles.forEach((candle, i) => {
      expect(candle.openTime % MINUTE).toBe(0);
      if (i > 0) expect(candle.openTime - (candles[i - 1]?.openTime ?? 0)).toBe(MINUTE);
      const [open, high, low, close] = [candle.open, candle.high, candle.low, candle.close].map((v) => new Big(v));
      expect(low?.lte(open as Big) && low.lte(close as Big)).toBe(true);
      expect(high?.gte(open as Big) && high.gte(close as Big)).toBe(true);
      expect(Number(candle.volume)).toBeGreaterThan(0);
    });
    const last = candles.at(-1);
    expect(last?.openTime).toBe(START);
    expect(last?.close).toBe(exchange.price("spot", "BTCUSDT"));
    expect(exchange.klines("spot", "BTCUSDT", MINUTE, 100)).toEqual(candles);
  });

  it("aggregate the same path: an hour opens with its first minute and closes with its last", () => {
    const clock = testClock(START + 2 * 3600_000);
    const exchange = createExchange("binance", { seed: 42, now: () => clock.now });
    const hour = exchange.klines("spot", "ETHUSDT", 3600_000, 1, START + 3599_000)[0];
    const minutes = exchange.klines("spot", "ETHUSDT", MINUTE, 60, START + 3599_000);
    expect(hour?.openTime).toBe(START);
    expect(hour?.open).toBe(minutes[0]?.open);
    expect(hour?.close).toBe(minutes.at(-1)?.close);
    expect(exchange.klines("linear", "ETHUSDT", 86_400_000, 500)).toHaveLength(500);
  });

  it("rejects an interval under a second", () => {
    const exchange = createExchange("binance");
    expect(() => exchange.klines("spot", "BTCUSDT", 500, 10)).toThrow(
      expect.objectContaining({ code: "invalid_parameter" }),
    );
  });
});
