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
 * asked for it, unless the gateway was made with a `PriceReuse`: a review reads prices at several steps a few
 * milliseconds apart, and a thousand paper reviews in a minute would otherwise spend the IP's weight budget on
 * identical reads.
 */

const KLINES_TTL_MS = 60_000;
const MAX_ENTRIES = 2_000;

type Entry<T> = { promise: Promise<T>; expiresAt: number };

const klines = new Map<string, Entry<Kline[]>>();
/** Settled funding history: paper portfolios due at the same funding time ask for the same window. */
const fundingHistory = new Map<string, Entry<FundingRateRecord[]>>();
/**
 * How long a gateway may reuse a price or book top read before: only its own reads (`gateway`: a live review, whose
 * next review must see the price after a move) or any gateway's of the isolate with the same reuse (`isolate`: paper).
 */
export type PriceReuse = { ms: number; across: "gateway" | "isolate" };

/** Prices kept for gateways whose reuse is across the isolate; others never read them. */
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
 * The gateway with its public reads shared; `host` names the venue endpoints (venue and base URLs). Without `reuse`,
 * a price is shared only while its request is in flight.
 */
export function withSharedMarketData(gateway: ExchangeGateway, host: string, reuse?: PriceReuse): ExchangeGateway {
  const key = (...parts: (string | number)[]) => [host, ...parts].join("|");
  const kept = reuse?.across === "gateway" ? new Map<string, Entry<unknown>>() : recentPrices;
  const price = <T>(name: string, load: () => Promise<T>): Promise<T> =>
    reuse && reuse.ms > 0
      ? remember(kept as Map<string, Entry<T>>, name, reuse.ms, () => shared(name, load))
      : shared(name, load);
  // A ticker that carries the sizes at its best bid and ask is the book's top (Binance reads them with its prices,
  // Bybit's tickers carry bid1/ask1): kept as one, a review's decision input reads no book its prices already had.
  const keepBookTops = (market: MarketType, tickers: Ticker[], expiresAt: number) => {
    for (const t of tickers) {
      if (!t.bid || !t.ask || !t.bidQty || !t.askQty) continue;
      const top: OrderBookTop = {
        symbol: t.symbol,
        bidPrice: t.bid,
        bidQty: t.bidQty,
        askPrice: t.ask,
        askQty: t.askQty,
        time: t.time,
      };
      kept.set(key("book", market, t.symbol), { promise: Promise.resolve(top), expiresAt });
    }
  };
  const reads: Partial<ExchangeGateway> = {
    klines: (market: MarketType, symbol: string, interval: KlineInterval, limit: number) =>
      remember(klines, key("klines", market, symbol, interval, limit), KLINES_TTL_MS, () =>
        gateway.klines(market, symbol, interval, limit),
      ),
    tickers: (market: MarketType, symbols: string[]) =>
      price<Ticker[]>(key("tickers", market, [...symbols].sort().join(",")), async () => {
        const asked = Date.now();
        const tickers = await gateway.tickers(market, symbols);
        if (reuse && reuse.ms > 0) keepBookTops(market, tickers, asked + reuse.ms);
        return tickers;
      }),
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
