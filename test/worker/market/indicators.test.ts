import { describe, expect, it } from "vitest";
import type { Kline } from "../../../worker/exchanges/contract.ts";
import {
  atr,
  bookContext,
  marketContext,
  returnOver,
  rsi,
  trendSlopePct,
  volumeAnomaly,
} from "../../../worker/market/indicators.ts";

describe("indicators on fixed data", () => {
  it("computes returns over k candles", () => {
    expect(returnOver([100, 110, 121], 1)).toBeCloseTo(0.1, 12);
    expect(returnOver([100, 110, 121], 2)).toBeCloseTo(0.21, 12);
    expect(returnOver([100, 110], 2)).toBeNull();
  });

  it("computes Wilder's RSI", () => {
    // Constant gains: RSI 100; constant losses: RSI 0; flat: 50.
    expect(rsi([1, 2, 3, 4, 5], 3)).toBe(100);
    expect(rsi([5, 4, 3, 2, 1], 3)).toBe(0);
    expect(rsi([3, 3, 3, 3, 3], 3)).toBe(50);
    // Changes +2, -1, +1, then -2: first averages gain 1, loss 1/3; then gain 2/3, loss 8/9 → RSI 300/7.
    expect(rsi([10, 12, 11, 12, 10], 3)).toBeCloseTo(300 / 7, 10);
    expect(rsi([1, 2, 3], 3)).toBeNull();
  });

  it("computes Wilder's ATR with true ranges across gaps", () => {
    const candles = [
      { high: 10, low: 9, close: 9.5 },
      { high: 11, low: 10, close: 10.5 }, // TR = max(1, 1.5, 0.5) = 1.5
      { high: 10.6, low: 10, close: 10.2 }, // TR = max(0.6, 0.1, 0.5) = 0.6
      { high: 12, low: 10.1, close: 11.8 }, // TR = max(1.9, 1.8, 0.1) = 1.9
    ];
    // First ATR over 2: (1.5 + 0.6) / 2 = 1.05; then (1.05·1 + 1.9) / 2 = 1.475.
    expect(atr(candles, 2)).toBeCloseTo(1.475, 12);
  });

  it("measures the log-linear trend slope", () => {
    const growing = Array.from({ length: 10 }, (_, i) => 100 * 1.01 ** i);
    expect(trendSlopePct(growing, 10)).toBeCloseTo(1, 10);
    expect(trendSlopePct([5, 5, 5], 3)).toBeCloseTo(0, 12);
    expect(trendSlopePct([1, 2], 3)).toBeNull();
  });

  it("compares the last volume to the recent average", () => {
    expect(volumeAnomaly([10, 10, 10, 30], 3)).toBe(3);
    expect(volumeAnomaly([10, 30], 3)).toBeNull();
  });

  it("reads spread and imbalance from the top of the book", () => {
    const book = bookContext({ symbol: "X", bidPrice: "99.5", bidQty: "3", askPrice: "100.5", askQty: "1", time: 0 });
    expect(book.mid).toBe(100);
    expect(book.spreadBps).toBeCloseTo(100, 10);
    expect(book.imbalance).toBe(0.5);
  });

  it("assembles a context from klines, oldest first", () => {
    const klines: Kline[] = Array.from({ length: 200 }, (_, i) => ({
      openTime: i * 3_600_000,
      open: String(100 + i),
      high: String(101 + i),
      low: String(99 + i),
      close: String(100.5 + i),
      volume: i === 199 ? "50" : "10",
    }));
    const context = marketContext(klines);
    expect(context.lastClose).toBe(299.5);
    expect(context.returns["1"]).toBeCloseTo(299.5 / 298.5 - 1, 12);
    expect(context.rsi14).toBe(100);
    expect(context.atr14).toBeCloseTo(2, 12);
    expect(context.volumeAnomaly).toBe(5);
    expect(context.trendSlopePct["24"]).toBeGreaterThan(0);
  });
});
