import type { ExchangeGateway, KlineInterval, MarketType } from "../exchanges/contract.ts";
import { bookContext, marketContext } from "../market/indicators.ts";
import type { TokenMarketContext } from "./decision-input.ts";

/**
 * Per-token market context for a decision, from the gateway's klines and book top (formulas in
 * worker/market/indicators.ts). One cache per run: a symbol asked for twice in a run (spot and futures, or a retry)
 * costs one request, and the next run starts fresh. A venue error leaves that token's numbers null with the reason,
 * never failing the run.
 */

/** 200 hourly candles cover the 168-candle return plus the 72-candle slope with margin. */
const INTERVAL: KlineInterval = "1h";
const CANDLES = 200;

export type MarketDataSource = Pick<ExchangeGateway, "klines" | "orderBookTop">;

export type MarketContextCache = {
  get(market: MarketType, asset: string, symbol: string): Promise<TokenMarketContext>;
};

export function createMarketContextCache(gateway: MarketDataSource): MarketContextCache {
  const cache = new Map<string, Promise<TokenMarketContext>>();
  return {
    get(market, asset, symbol) {
      const key = `${market}:${symbol}`;
      let entry = cache.get(key);
      if (!entry) {
        entry = buildTokenContext(gateway, market, asset, symbol);
        cache.set(key, entry);
      }
      return entry;
    },
  };
}

export async function buildTokenContext(
  gateway: MarketDataSource,
  market: MarketType,
  asset: string,
  symbol: string,
): Promise<TokenMarketContext> {
  const [klines, top] = await Promise.allSettled([
    gateway.klines(market, symbol, INTERVAL, CANDLES),
    gateway.orderBookTop(market, symbol),
  ]);
  const candles = klines.status === "fulfilled" ? marketContext(klines.value) : null;
  const book = top.status === "fulfilled" ? bookContext(top.value) : null;
  const errors = [klines, top].flatMap((r) => (r.status === "rejected" ? [failureText(r.reason)] : []));
  const context: TokenMarketContext = {
    asset,
    symbol,
    interval: INTERVAL,
    lastClose: candles && candles.lastClose > 0 ? candles.lastClose : null,
    returns: candles?.returns ?? {},
    rsi14: candles?.rsi14 ?? null,
    atr14Pct: candles?.atr14Pct ?? null,
    trendSlopePct: candles?.trendSlopePct ?? {},
    volumeAnomaly: candles?.volumeAnomaly ?? null,
    book,
    riskFlags: [],
    error: errors.length ? errors.join("; ") : null,
  };
  context.riskFlags = riskFlags(context);
  return context;
}

/** Thresholds: RSI ≥ 75 / ≤ 25, ATR ≥ 3 % of price, spread > 10 bps, volume ≥ 3× the recent mean. */
export function riskFlags(context: TokenMarketContext): TokenMarketContext["riskFlags"] {
  const flags: TokenMarketContext["riskFlags"] = [];
  if (context.rsi14 !== null && context.rsi14 >= 75) flags.push("overbought");
  if (context.rsi14 !== null && context.rsi14 <= 25) flags.push("oversold");
  if (context.atr14Pct !== null && context.atr14Pct >= 3) flags.push("volatile");
  if (context.book && context.book.spreadBps > 10) flags.push("thin_book");
  if (context.volumeAnomaly !== null && context.volumeAnomaly >= 3) flags.push("volume_spike");
  return flags;
}

function failureText(reason: unknown): string {
  return reason instanceof Error ? reason.message.slice(0, 200) : "market data unavailable";
}
