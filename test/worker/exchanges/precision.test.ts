import Big from "big.js";
import { describe, expect, it } from "vitest";
import type { Market } from "../../../worker/exchanges/contract.ts";
import {
  ceilToStep,
  decimalsOf,
  floorToStep,
  roundStopPrice,
  roundToTick,
  sizeOrder,
} from "../../../worker/exchanges/precision.ts";

const market = (overrides: Partial<Market> = {}): Market => ({
  venue: "bybit",
  type: "spot",
  symbol: "SOLUSDT",
  base: "SOL",
  quote: "USDT",
  status: "trading",
  tickSize: "0.01",
  stepSize: "0.001",
  marketStepSize: null,
  minQty: "0.001",
  maxQty: "10000",
  maxMarketQty: null,
  minNotional: "5",
  minLeverage: null,
  maxLeverage: null,
  ...overrides,
});

describe("decimal rounding", () => {
  it("counts decimals of steps written with trailing zeros", () => {
    expect(decimalsOf("0.001")).toBe(3);
    expect(decimalsOf("0.0010")).toBe(3);
    expect(decimalsOf("1")).toBe(0);
    expect(decimalsOf("0.5")).toBe(1);
  });

  it("floors quantities to step 0.001 without float error", () => {
    expect(floorToStep("0.0029999", "0.001")).toBe("0.002");
    expect(floorToStep("1.005", "0.001")).toBe("1.005");
    // 0.1 + 0.2 in floats is 0.30000000000000004: decimal arithmetic keeps it exact.
    expect(floorToStep("0.3", "0.1")).toBe("0.3");
    expect(floorToStep("2.675", "0.01")).toBe("2.67");
  });

  it("handles step 0.5", () => {
    expect(floorToStep("2.9", "0.5")).toBe("2.5");
    expect(floorToStep("3", "0.5")).toBe("3.0");
    expect(ceilToStep("2.1", "0.5")).toBe("2.5");
  });

  it("rounds prices to tick 0.01 in the asked direction", () => {
    expect(roundToTick("101.005", "0.01")).toBe("101.01");
    expect(roundToTick("101.009", "0.01", "down")).toBe("101.00");
    expect(roundToTick("101.001", "0.01", "up")).toBe("101.01");
    expect(roundToTick("101.00", "0.01", "up")).toBe("101.00");
  });

  it("rounds to a step of 1, 0.1, 0.01… exactly as dividing by the step would", () => {
    // The reference: divide by the step, round to a whole number of steps, multiply back (the general path).
    const reference = (value: string, step: string, rm: Big.RoundingMode) =>
      Big(value).div(step).round(0, rm).times(step).toFixed(decimalsOf(step));
    let seed = 7;
    const next = () => {
      seed = (seed * 48271) % 2147483647;
      return seed;
    };
    // Values at many magnitudes, with more decimals than any step, plus halves and exact multiples.
    const values = ["101.005", "0.0005", "2.5", "3", "0.000015", "99999.995", "1e-9", "12345678.9876543"];
    for (let i = 0; i < 300; i++)
      values.push(
        Big(next())
          .div(10 ** (next() % 12))
          .toFixed(),
      );
    let compared = 0;
    for (const step of ["1", "0.1", "0.01", "0.0010", "0.00001", "0.00000001"]) {
      for (const value of values) {
        expect(floorToStep(value, step), `floor ${value} to ${step}`).toBe(reference(value, step, Big.roundDown));
        expect(ceilToStep(value, step), `ceil ${value} to ${step}`).toBe(reference(value, step, Big.roundUp));
        expect(roundToTick(value, step), `round ${value} to ${step}`).toBe(reference(value, step, Big.roundHalfUp));
        compared++;
      }
    }
    expect(compared).toBe(6 * values.length);
    expect(roundToTick("99999.995", "0.01")).toBe("100000.00");
    expect(floorToStep("0.0005", "0.001")).toBe("0.000");
  });

  it("rounds to other steps (0.05, 0.5, 10) by dividing", () => {
    expect(roundToTick("101.024", "0.05")).toBe("101.00");
    expect(roundToTick("101.025", "0.05")).toBe("101.05");
    expect(roundToTick("101.01", "0.05", "up")).toBe("101.05");
    expect(floorToStep("1234", "10")).toBe("1230");
    expect(ceilToStep("1231", "10")).toBe("1240");
  });

  it("rounds stop prices in the protective direction", () => {
    expect(roundStopPrice("99.123", "0.01", "long", "stop_loss")).toBe("99.13");
    expect(roundStopPrice("100.987", "0.01", "short", "stop_loss")).toBe("100.98");
    expect(roundStopPrice("110.987", "0.01", "long", "take_profit")).toBe("110.98");
    expect(roundStopPrice("90.123", "0.01", "short", "take_profit")).toBe("90.13");
  });
});

describe("sizeOrder", () => {
  it("floors the quantity and rounds a limit buy down to the tick", () => {
    const sized = sizeOrder({ market: market(), side: "buy", type: "limit", quantity: "1.23456", price: "150.019" });
    expect(sized).toEqual({ ok: true, quantity: "1.234", price: "150.01", notional: "185.11234" });
  });

  it("rounds a limit sell up to the tick", () => {
    const sized = sizeOrder({ market: market(), side: "sell", type: "limit", quantity: "1", price: "150.011" });
    expect(sized.ok && sized.price).toBe("150.02");
  });

  it("never sells more than the free balance", () => {
    const sized = sizeOrder({
      market: market(),
      side: "sell",
      type: "market",
      quantity: "2",
      price: "150",
      available: "1.23456",
    });
    expect(sized.ok && sized.quantity).toBe("1.234");
  });

  it("never buys more than the quote balance can pay for", () => {
    const sized = sizeOrder({
      market: market(),
      side: "buy",
      type: "market",
      quantity: "10",
      price: "150",
      available: "300",
    });
    expect(sized.ok && sized.quantity).toBe("2.000");
  });

  it("rejects below the minimum notional with the exact values", () => {
    const sized = sizeOrder({ market: market(), side: "buy", type: "market", quantity: "0.02", price: "160" });
    const reason = "Order value 3.2 USDT is below Bybit's minimum of 5 USDT for SOLUSDT.";
    expect(sized).toEqual({
      ok: false,
      filter: "min_notional",
      reason,
      // The same refusal as a code the UI words in the reader's language.
      text: {
        message: {
          code: "filter_min_notional",
          params: { minAmount: "5", notionalAmount: "3.2", quote: "USDT", symbol: "SOLUSDT", venue: "Bybit" },
        },
        text: reason,
      },
    });
  });

  it("bumps up to the minimum notional when asked and the balance allows", () => {
    const sized = sizeOrder({
      market: market(),
      side: "buy",
      type: "market",
      quantity: "0.02",
      price: "160",
      available: "100",
      bumpToMinNotional: true,
    });
    expect(sized).toEqual({ ok: true, quantity: "0.032", price: "160", notional: "5.12" });
  });

  it("refuses the bump when the balance cannot cover it", () => {
    const sized = sizeOrder({
      market: market(),
      side: "sell",
      type: "market",
      quantity: "0.02",
      price: "160",
      available: "0.025",
      bumpToMinNotional: true,
    });
    expect(sized.ok).toBe(false);
    expect(!sized.ok && sized.filter).toBe("min_notional");
  });

  it("rejects a quantity that rounds below the minimum", () => {
    const sized = sizeOrder({
      market: market({ minQty: "0.01" }),
      side: "buy",
      type: "limit",
      quantity: "0.0099",
      price: "1000",
    });
    expect(sized).toMatchObject({ ok: false, filter: "min_qty" });
    expect(!sized.ok && sized.reason).toContain("rounds to 0.009 at step 0.001");
  });

  it("uses the market-order step when the venue has one", () => {
    const sized = sizeOrder({
      market: market({ marketStepSize: "0.01" }),
      side: "buy",
      type: "market",
      quantity: "1.239",
      price: "150",
    });
    expect(sized.ok && sized.quantity).toBe("1.23");
  });

  it("exempts reduce-only orders from the minimum notional", () => {
    const sized = sizeOrder({
      market: market({ type: "linear" }),
      side: "sell",
      type: "market",
      quantity: "0.01",
      price: "160",
      reduceOnly: true,
    });
    expect(sized.ok).toBe(true);
  });

  it("rejects above the maximum quantity", () => {
    const sized = sizeOrder({
      market: market({ maxQty: "5" }),
      side: "buy",
      type: "limit",
      quantity: "6",
      price: "100",
    });
    expect(sized).toMatchObject({ ok: false, filter: "max_qty" });
  });
});
