import Big from "big.js";
import type { ExchangeGateway, MarketType, OrderSide } from "../contract.ts";

/** Live prices the paper broker fills against: the venue's public book top and mark, read once per call. */

export type Quote = { bid: string; ask: string; mark: string };
export type Quotes = Record<MarketType, Map<string, Quote>>;

export async function loadQuotes(
  market: ExchangeGateway,
  type: MarketType,
  symbols: readonly string[],
): Promise<Map<string, Quote>> {
  if (symbols.length === 0) return new Map();
  const tickers = await market.tickers(type, [...symbols]);
  const entries = await Promise.all(
    tickers.map(async (ticker): Promise<[string, Quote]> => {
      const mark = ticker.mark ?? ticker.last;
      if (ticker.bid !== null && ticker.ask !== null)
        return [ticker.symbol, { bid: ticker.bid, ask: ticker.ask, mark }];
      // Some tickers omit the book; its top is one more public call.
      const book = await market.orderBookTop(type, ticker.symbol);
      return [ticker.symbol, { bid: ticker.bid ?? book.bidPrice, ask: ticker.ask ?? book.askPrice, mark }];
    }),
  );
  return new Map(entries);
}

/** The book price a taker gets: buy at the ask, sell at the bid, each moved against the taker by `slippageBps`. */
export function takerPrice(book: { bid: string; ask: string }, side: OrderSide, slippageBps: number): Big {
  const slip = Big(slippageBps).div(10_000);
  return side === "buy" ? Big(book.ask).times(Big(1).plus(slip)) : Big(book.bid).times(Big(1).minus(slip));
}

/** Whether a limit price would trade against the book now (a buy at or above the ask, a sell at or below the bid). */
export function isMarketable(book: { bid: string; ask: string }, side: OrderSide, limit: Big): boolean {
  return side === "buy" ? limit.gte(book.ask) : limit.lte(book.bid);
}
