import type { ExchangeGateway, Kline, KlineInterval, MarketType } from "../exchanges/contract.ts";
import { btcCorrelation, WINDOW } from "../market/btc-correlation.ts";
import { bookContext, marketContext } from "../market/indicators.ts";
import type { TokenMarketContext } from "./decision-input.ts";

/**
 * Per-token market context for a decision, from the gateway's klines and book top (formulas in
 * worker/market/indicators.ts). One cache per run: a symbol asked for twice in a run (spot and futures, or a retry)
 * costs one request, and the next run starts fresh. A venue error leaves that token's numbers null with the reason,
 * never failing the run. 4h and 1d figures come from the same hourly candles; correlation to BTC reads BTC's hourly
 * candles in the token's quote (the same request when BTC is one of the tokens).
 */

/** 200 hourly candles cover the 168-candle return plus the 72-candle slope with margin. */
const INTERVAL: KlineInterval = "1h";
const CANDLES = 200;

export type MarketDataSource = Pick<ExchangeGateway, "klines" | "orderBookTop">;

export type MarketContextCache = {
  /** `quote` is the symbol's quote asset: BTC's candles in it are the benchmark. */
  get(market: MarketType, asset: string, symbol: string, quote: string): Promise<TokenMarketContext>;
};

const BENCHMARK = "BTC";

export function createMarketContextCache(gateway: MarketDataSource): MarketContextCache {
  const cache = new Map<string, Promise<TokenMarketContext>>();
  const candles = new Map<string, Promise<Kline[]>>();
  const source: MarketDataSource = {
    klines(market, symbol, interval, limit) {
      const key = `${market}:${symbol}:${interval}:${limit}`;
      let entry = candles.get(key);
      if (!entry) {
        entry = gateway.klines(market, symbol, interval, limit);
        candles.set(key, entry);
      }
      return entry;
    },
    orderBookTop: (market, symbol) => gateway.orderBookTop(market, symbol),
  };
  return {
    get(market, asset, symbol, quote) {
      const key = `${market}:${symbol}`;
      let entry = cache.get(key);
      if (!entry) {
        entry = buildTokenContext(source, market, asset, symbol, `${BENCHMARK}${quote}`);
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
  benchmarkSymbol: string,
): Promise<TokenMarketContext> {
  const isBenchmark = symbol === benchmarkSymbol;
  const [klines, top, benchmark] = await Promise.allSettled([
    gateway.klines(market, symbol, INTERVAL, CANDLES),
    gateway.orderBookTop(market, symbol),
    isBenchmark ? Promise.resolve([]) : gateway.klines(market, benchmarkSymbol, INTERVAL, CANDLES),
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
    timeframes: candles?.timeframes,
    volatility: candles?.volatility ?? null,
    btc: !candles
      ? null
      : isBenchmark
        ? {
            correlation: 1,
            beta: 1,
            hours: Math.min(WINDOW, Math.max(klines.status === "fulfilled" ? klines.value.length - 1 : 0, 0)),
          }
        : benchmark.status === "fulfilled" && klines.status === "fulfilled"
          ? btcCorrelation(klines.value, benchmark.value)
          : null,
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
