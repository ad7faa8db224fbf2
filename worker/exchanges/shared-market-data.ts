import type {
  ExchangeGateway,
  FundingRateRecord,
  FuturesStats,
  Kline,
  KlineInterval,
  MarketType,
  OrderBookTop,
  Ticker,
} from "./contract.ts";

/**
 * Public market data shared by every gateway of an isolate that reads the same venue host: many portfolios reviewing
 * at once (one Durable Object each) ask for the same candles and prices, and the venue's weight budget is per IP.
 * Candles are kept briefly (the newest hourly candle moving for a minute does not change an analysis). Prices and
 * book tops are shared while an identical request is in flight, so a price is never older than the request that
 * asked for it, unless the gateway was made with `priceReuseMs`: the engine's brokers reuse a price for a second (a
 * review reads prices at several steps a few milliseconds apart), since a thousand reviews in a minute would otherwise
 * spend the IP's weight budget on identical reads.
 */

const KLINES_TTL_MS = 60_000;
const MAX_ENTRIES = 2_000;

type Entry<T> = { promise: Promise<T>; expiresAt: number };

const klines = new Map<string, Entry<Kline[]>>();
/** Settled funding history: paper portfolios due at the same funding time ask for the same window. */
const fundingHistory = new Map<string, Entry<FundingRateRecord[]>>();
/** Prices kept for gateways made with `priceReuseMs`; others never read them. */
const recentPrices = new Map<string, Entry<unknown>>();
const inFlight = new Map<string, Promise<unknown>>();

function remember<T>(cache: Map<string, Entry<T>>, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.promise;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const promise = load();
  cache.set(key, { promise, expiresAt: now + ttlMs });
  // A failure is not kept: the next caller asks again.
  promise.catch(() => {
    if (cache.get(key)?.promise === promise) cache.delete(key);
  });
  return promise;
}

function shared<T>(key: string, load: () => Promise<T>): Promise<T> {
  const pending = inFlight.get(key) as Promise<T> | undefined;
  if (pending) return pending;
  const promise = load().finally(() => inFlight.delete(key));
  inFlight.set(key, promise);
  return promise;
}

/**
 * The gateway with its public reads shared; `host` names the venue endpoints (venue and base URLs). A price another
 * gateway read less than `priceReuseMs` ago is reused (0: only one still in flight).
 */
export function withSharedMarketData(gateway: ExchangeGateway, host: string, priceReuseMs = 0): ExchangeGateway {
  const key = (...parts: (string | number)[]) => [host, ...parts].join("|");
  const price = <T>(name: string, load: () => Promise<T>): Promise<T> =>
    priceReuseMs > 0
      ? remember(recentPrices as Map<string, Entry<T>>, name, priceReuseMs, () => shared(name, load))
      : shared(name, load);
  const reads: Partial<ExchangeGateway> = {
    klines: (market: MarketType, symbol: string, interval: KlineInterval, limit: number) =>
      remember(klines, key("klines", market, symbol, interval, limit), KLINES_TTL_MS, () =>
        gateway.klines(market, symbol, interval, limit),
      ),
    tickers: (market: MarketType, symbols: string[]) =>
      price<Ticker[]>(key("tickers", market, [...symbols].sort().join(",")), () => gateway.tickers(market, symbols)),
    orderBookTop: (market: MarketType, symbol: string) =>
      price<OrderBookTop>(key("book", market, symbol), () => gateway.orderBookTop(market, symbol)),
    // Funding and open interest are public and read by every futures review: shared like prices.
    futuresStats: (symbols: string[]) =>
      price<FuturesStats[]>(key("futuresStats", [...symbols].sort().join(",")), () => gateway.futuresStats(symbols)),
    // Kept like candles: a window read a second before the venue published its last funding comes back without it,
    // and the paper broker then waits (paper-funding.ts) rather than charging from it.
    fundingHistory: (symbol: string, since: number) =>
      remember(fundingHistory, key("fundingHistory", symbol, since), KLINES_TTL_MS, () =>
        gateway.fundingHistory(symbol, since),
      ),
  };
  // A proxy rather than a copy: adapters may be class instances whose methods need their own `this`.
  return new Proxy(gateway, {
    get(target, property) {
      if (property in reads) return reads[property as keyof typeof reads];
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** For tests: forget shared candles and prices. */
export function clearSharedMarketData(): void {
  klines.clear();
  fundingHistory.clear();
  recentPrices.clear();
}
