import { describe, expect, it } from "vitest";
import { backtestCurve } from "./backtest.ts";

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
