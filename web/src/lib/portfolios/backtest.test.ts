import { describe, expect, it } from "vitest";
import { backtestCurve, backtestMarkers } from "./backtest.ts";

describe("backtest curve", () => {
  it("gives each point its PnL from the starting equity, in decimal strings", () => {
    const curve = backtestCurve({
      market: "spot",
      interval: "1h",
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-01-01T02:00:00.000Z",
      cashToken: "USDT",
      feeRate: "0.001",
      startingEquity: "10000",
      endingEquity: "9990.1",
      returnPct: "-0.099",
      maxDrawdownPct: "0.1",
      feesPaid: "1.5",
      equityCurve: [
        { at: "2026-01-01T01:00:00.000Z", equity: "10000" },
        { at: "2026-01-01T02:00:00.000Z", equity: "9990.1" },
      ],
      trades: [],
      holdings: [],
      futures: null,
      notes: [],
    });
    expect(curve).toEqual({
      cashToken: "USDT",
      startingEquity: "10000",
      points: [
        { at: "2026-01-01T01:00:00.000Z", equity: "10000", pnl: "0" },
        { at: "2026-01-01T02:00:00.000Z", equity: "9990.1", pnl: "-9.9" },
      ],
    });
  });
});

describe("backtest markers", () => {
  it("marks the trades a stop-loss, take-profit or liquidation filled, never a review's orders", () => {
    const trade = {
      symbol: "BTCUSDT",
      quantity: "0.01",
      price: "90000",
      fee: "0.45",
      feeAsset: "USDT",
      action: "CLOSE" as const,
      positionSide: "long" as const,
      realizedPnl: "-10",
    };
    const markers = backtestMarkers({
      market: "futures",
      interval: "4h",
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-01-02T00:00:00.000Z",
      cashToken: "USDT",
      feeRate: "0.0005",
      startingEquity: "10000",
      endingEquity: "9990",
      returnPct: "-0.1",
      maxDrawdownPct: "0.1",
      feesPaid: "1",
      equityCurve: [],
      trades: [
        { ...trade, at: "2026-01-01T04:00:00.000Z", side: "buy", trigger: "review", action: "OPEN", realizedPnl: "0" },
        { ...trade, at: "2026-01-01T08:00:00.000Z", side: "sell", trigger: "stop_loss" },
        { ...trade, at: "2026-01-01T16:00:00.000Z", side: "sell", trigger: "take_profit" },
        { ...trade, at: "2026-01-01T20:00:00.000Z", side: "sell", trigger: "liquidation" },
      ],
      holdings: [],
      futures: null,
      notes: [],
    });
    expect(markers).toEqual([
      { at: "2026-01-01T08:00:00.000Z", trigger: "stop_loss", tone: "bad" },
      { at: "2026-01-01T16:00:00.000Z", trigger: "take_profit", tone: "good" },
      { at: "2026-01-01T20:00:00.000Z", trigger: "liquidation", tone: "bad" },
    ]);
  });
});
