import { describe, expect, it } from "vitest";
import { buildTokenContext, type MarketDataSource } from "../../../worker/ai/market-context.ts";
import type { Kline } from "../../../worker/exchanges/contract.ts";
import { btcCorrelation } from "../../../worker/market/btc-correlation.ts";
import { multiTimeframe, resample, trendOf } from "../../../worker/market/multi-timeframe.ts";
import { volatilityRegime } from "../../../worker/market/volatility-regime.ts";

const HOUR = 3_600_000;

/** Hourly candles from log returns, starting at 100 (open time t·1h). */
function candlesFrom(logReturns: number[], start = 0): Kline[] {
  let close = 100;
  const closes = [close, ...logReturns.map((r) => (close *= Math.exp(r)))];
  return closes.map((c, i) => ({
    openTime: (start + i) * HOUR,
    open: String(c),
    high: String(c),
    low: String(c),
    close: String(c),
    volume: "1",
  }));
}

/** A deterministic, drift-free wiggle standing in for BTC's hourly returns. */
const btcReturns = Array.from({ length: 199 }, (_, i) => 0.01 * Math.sin(i * 1.7) + 0.004 * Math.cos(i * 0.3));

describe("multi-timeframe returns and trend", () => {
  it("reads 4h and 1d bars from hourly closes, newest aligned", () => {
    expect(resample([1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([1, 5, 9]);
    expect(resample([1, 2, 3, 4, 5, 6, 7, 8], 4)).toEqual([4, 8]);
  });

  it("gives each timeframe's return, slope per bar and trend on a steady rise", () => {
    const closes = Array.from({ length: 200 }, (_, i) => 100 * 1.001 ** i);
    const context = multiTimeframe(closes);
    expect(context["1h"].return).toBeCloseTo(0.001, 12);
    expect(context["4h"].return).toBeCloseTo(1.001 ** 4 - 1, 12);
    expect(context["1d"].return).toBeCloseTo(1.001 ** 24 - 1, 12);
    expect(context["1h"].slopePct).toBeCloseTo(0.1, 9);
    expect(context["4h"].slopePct).toBeCloseTo(100 * (1.001 ** 4 - 1), 9);
    expect(context["1d"].slopePct).toBeCloseTo(100 * (1.001 ** 24 - 1), 9);
    expect([context["1h"].trend, context["4h"].trend, context["1d"].trend]).toEqual(["up", "up", "up"]);
  });

  it("calls a fall down, a constant flat, and noise without drift flat", () => {
    expect(trendOf([100, 99, 98.01, 97.0299])?.trend).toBe("down");
    expect(trendOf([5, 5, 5, 5])).toEqual({ slopePct: 0, trend: "flat" });
    // ±2 % alternating: the fitted move (≈0.2 %) is far inside the noise of ±2 % steps.
    expect(trendOf([100, 102, 100, 102, 100, 102, 100, 102])?.trend).toBe("flat");
    // The same noise on a 1 % per bar climb is a trend.
    expect(trendOf([100, 101.5, 102, 103.5, 104, 105.5, 106, 107.5].map((c, i) => c * 1.03 ** i))?.trend).toBe("up");
  });

  it("leaves a timeframe null without enough candles", () => {
    const context = multiTimeframe([100, 101, 102, 103, 104]);
    expect(context["1h"]).toEqual({ return: expect.closeTo(104 / 103 - 1, 12), slopePct: null, trend: null });
    expect(context["4h"]).toEqual({ return: expect.closeTo(0.04, 12), slopePct: null, trend: null });
    expect(context["1d"]).toEqual({ return: null, slopePct: null, trend: null });
  });
});

describe("volatility regime", () => {
  const alternating = (n: number, size: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? size : -size));
  const closesOf = (returns: number[]) => candlesFrom(returns).map((k) => Number(k.close));

  it("is high when the last day moves four times as much as before", () => {
    const regime = volatilityRegime(closesOf([...alternating(176, 0.001), ...alternating(24, 0.004)]));
    // 24 returns of ±0.4 %: sample deviation 0.4 % · √(24/23).
    expect(regime?.recentPct).toBeCloseTo(0.4 * Math.sqrt(24 / 23), 9);
    expect(regime?.ratio).toBeGreaterThan(1.5);
    expect(regime?.regime).toBe("high");
  });

  it("is low after a calm day, normal when nothing changes, null on too little history", () => {
    expect(volatilityRegime(closesOf([...alternating(176, 0.004), ...alternating(24, 0.001)]))?.regime).toBe("low");
    const steady = volatilityRegime(closesOf(alternating(200, 0.002)));
    expect(steady?.regime).toBe("normal");
    // Same ±0.2 % swings throughout: only the sample sizes differ (24 vs 200 returns, both zero-mean).
    expect(steady?.ratio).toBeCloseTo(Math.sqrt(24 / 23 / (200 / 199)), 9);
    expect(volatilityRegime(closesOf(alternating(50, 0.002)))).toBeNull();
  });
});

describe("correlation and beta to BTC", () => {
  const btc = candlesFrom(btcReturns);

  it("is 1 and 2 for a token that moves twice as much, −1 and −0.5 for one that moves half as much the other way", () => {
    const double = btcCorrelation(candlesFrom(btcReturns.map((r) => 2 * r)), btc);
    expect(double?.correlation).toBeCloseTo(1, 9);
    expect(double?.beta).toBeCloseTo(2, 9);
    expect(double?.hours).toBe(168);
    const inverse = btcCorrelation(candlesFrom(btcReturns.map((r) => -0.5 * r)), btc);
    expect(inverse?.correlation).toBeCloseTo(-1, 9);
    expect(inverse?.beta).toBeCloseTo(-0.5, 9);
  });

  it("matches hours by open time and is null with too few shared hours or no movement", () => {
    // The token's candles start 190 hours later: 9 shared hours, too few.
    expect(btcCorrelation(candlesFrom(btcReturns.slice(0, 30), 190), btc)).toBeNull();
    // A missing candle drops the two returns that need it, and never shifts the series.
    const gappy = candlesFrom(btcReturns.map((r) => 3 * r)).filter((_, i) => i !== 150);
    const matched = btcCorrelation(gappy, btc);
    expect(matched?.hours).toBe(168);
    expect(matched?.beta).toBeCloseTo(3, 9);
    expect(btcCorrelation(candlesFrom(btcReturns.map(() => 0)), btc)).toBeNull();
  });

  it("appears in a token's market context; BTC itself is 1 / 1", async () => {
    const source: MarketDataSource = {
      async klines(_market, symbol) {
        return symbol === "BTCUSDC" ? btc : candlesFrom(btcReturns.map((r) => 1.5 * r));
      },
      async orderBookTop(_market, symbol) {
        return { symbol, bidPrice: "99", bidQty: "1", askPrice: "101", askQty: "1", time: 0 };
      },
    };
    const eth = await buildTokenContext(source, "spot", "ETH", "ETHUSDC", "BTCUSDC");
    expect(eth.btc?.correlation).toBeCloseTo(1, 9);
    expect(eth.btc?.beta).toBeCloseTo(1.5, 9);
    expect(eth.timeframes?.["1h"].return).toBeCloseTo(Math.exp(1.5 * (btcReturns.at(-1) ?? 0)) - 1, 9);
    expect(eth.volatility?.regime).toMatch(/^(low|normal|high)$/);
    const own = await buildTokenContext(source, "spot", "BTC", "BTCUSDC", "BTCUSDC");
    expect(own.btc).toEqual({ correlation: 1, beta: 1, hours: 168 });
  });
});
