import Big from "big.js";
import type { ExchangeGateway, Market, MarketType, Ticker } from "../exchanges/contract.ts";

export type MarketSearch = { market: MarketType; q?: string; limit: number };

/** Markets for the UI's pickers: tradable ones first, matching `q` on symbol, base or quote. */
export async function searchMarkets(
  gateway: ExchangeGateway,
  search: MarketSearch,
): Promise<{ total: number; markets: Market[] }> {
  const needle = search.q?.toUpperCase() ?? "";
  const matching = (await gateway.markets(search.market))
    .filter((m) => !needle || m.symbol.includes(needle) || m.base.includes(needle) || m.quote.includes(needle))
    .sort((a, b) => rank(a) - rank(b) || a.symbol.localeCompare(b.symbol));
  return { total: matching.length, markets: matching.slice(0, search.limit) };
}

/** One market's filters and its current price, for validating an order form. */
export async function marketDetail(
  gateway: ExchangeGateway,
  market: MarketType,
  symbol: string,
): Promise<{ market: Market; ticker: Ticker }> {
  const [found, tickers] = await Promise.all([gateway.market(market, symbol), gateway.tickers(market, [symbol])]);
  const ticker = tickers[0];
  if (!ticker) throw new Error(`the gateway answered no ticker for ${symbol}`);
  return { market: found, ticker: canonicalTicker(ticker) };
}

/** Venues format decimals differently ("150.00" vs "150"); answers look the same whichever venue is behind them. */
function canonicalTicker(ticker: Ticker): Ticker {
  const canonical = (value: string | null) => (value === null ? null : Big(value).toFixed());
  return {
    ...ticker,
    last: Big(ticker.last).toFixed(),
    bid: canonical(ticker.bid),
    ask: canonical(ticker.ask),
    mark: canonical(ticker.mark),
    fundingRate: canonical(ticker.fundingRate),
  };
}

function rank(market: Market): number {
  return market.status === "trading" ? 0 : 1;
}
