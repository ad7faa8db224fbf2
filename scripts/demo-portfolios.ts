import type * as z from "zod";
import type { CreatePortfolio } from "../shared/api/portfolios.ts";

/**
 * The portfolios `npm start` seeds for the demo user (scripts/demo-data.ts), started on the demo keys named here; the
 * worker test test/worker/engine/demo-portfolio.test.ts runs the futures one against the simulator's demo scenario.
 * Both are paper portfolios with the built-in strategy: a paper account lives in the portfolio's own state, so it
 * survives restarts of `npm start` while the simulator's accounts (in memory) start afresh each time.
 */

export type DemoPortfolio = {
  /** Label of the demo exchange key it runs on. */
  key: "Simulator (Binance)" | "Simulator (Bybit)";
  body: Omit<z.input<typeof CreatePortfolio>, "exchangeKeyId">;
};

/** A spot rebalance on the Binance simulator, reviewed hourly. */
export const DEMO_SPOT_PORTFOLIO: DemoPortfolio = {
  key: "Simulator (Binance)",
  body: {
    name: "Demo spot (paper)",
    market: "spot",
    cashToken: "USDT",
    tokens: [
      { token: "BTC", minAllocation: 20, targetAllocation: 40 },
      { token: "ETH", minAllocation: 10, targetAllocation: 30 },
      { token: "SOL", minAllocation: 5, targetAllocation: 10 },
    ],
    reviewInterval: "1h",
    paper: true,
    paperCapital: "10000",
    risk: { maxOrderPct: "25", maxExposurePct: null, maxDailyLossPct: "5", maxDrawdownPct: "15" },
  },
};

/**
 * The built-in trend rule on BTC and ETH perpetuals on the Bybit simulator, reviewed every 10 minutes (the shortest
 * interval) so the demo scenario's moves (sim/engine/scenarios.ts) show within minutes: it opens a position with SL
 * and TP at its first review, the stops fire within about six minutes, and the next reviews act on what is left.
 * Orders up to half the equity make the equity curve's moves visible; exposure stays within 150 %.
 */
export const DEMO_FUTURES_PORTFOLIO: DemoPortfolio = {
  key: "Simulator (Bybit)",
  body: {
    name: "Demo futures (paper)",
    market: "futures",
    cashToken: "USDT",
    tokens: [
      { token: "BTC", minAllocation: 0 },
      { token: "ETH", minAllocation: 0 },
    ],
    reviewInterval: "10m",
    paper: true,
    paperCapital: "5000",
    futures: { positionMode: "one_way", marginMode: "cross", maxLeverage: 3 },
    risk: { maxOrderPct: "50", maxExposurePct: "150", maxDailyLossPct: "5", maxDrawdownPct: "15" },
  },
};

export const DEMO_PORTFOLIOS: readonly DemoPortfolio[] = [DEMO_SPOT_PORTFOLIO, DEMO_FUTURES_PORTFOLIO];
