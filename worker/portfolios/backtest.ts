import type { BacktestRequest, BacktestResult } from "../../shared/api/portfolio-backtest.ts";
import { type AccountServices, marketDataGateway } from "../accounts/gateway-for-key.ts";
import { backtestFutures } from "./backtest-futures.ts";
import { backtestSpot } from "./backtest-spot.ts";
import { ownedPortfolio } from "./store.ts";

/**
 * Paper backtest of the built-in strategy over the venue's latest candles: one review per candle close, with the
 * portfolio's settings and virtual capital, the review's planner and hard guards, and the paper broker's fees.
 * Spot (backtest-spot.ts) and USDT-perpetual futures (backtest-futures.ts) simulate their own books.
 *
 * It runs in the request: the candles come in one public read per token, the rest is arithmetic, and nothing is
 * written, so it needs neither the portfolio's Durable Object nor its lock, and no order can come of it.
 */
export async function backtestPortfolio(
  services: AccountServices,
  userId: string,
  portfolioId: string,
  request: BacktestRequest,
): Promise<BacktestResult> {
  const row = await ownedPortfolio(services.db, userId, portfolioId);
  const gateway = await marketDataGateway(services, userId, row.venue, row.exchangeKeyId);
  return row.market === "spot" ? backtestSpot(gateway, row, request) : backtestFutures(gateway, row, request);
}
