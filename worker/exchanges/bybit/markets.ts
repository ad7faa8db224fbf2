import type { Market, MarketType } from "../contract.ts";
import type { LinearInstrument, SpotInstrument } from "./wire.ts";

/** instruments-info → Market. Tick size always comes from priceFilter.tickSize. */

function status(wire: string): Market["status"] {
  if (wire === "Trading") return "trading";
  if (wire === "Closed" || wire === "Delivering" || wire === "Settling") return "delisted";
  return "halted"; // PreLaunch and anything new
}

const positive = (value: string | undefined): string | null => (value && Number(value) > 0 ? value : null);

export function spotMarket(wire: SpotInstrument): Market {
  const lot = wire.lotSizeFilter;
  return {
    venue: "bybit",
    type: "spot",
    symbol: wire.symbol,
    base: wire.baseCoin,
    quote: wire.quoteCoin,
    status: status(wire.status),
    tickSize: wire.priceFilter.tickSize,
    // Spot has no qtyStep: basePrecision is the quantity step (instrument.mdx).
    stepSize: lot.basePrecision,
    marketStepSize: null,
    minQty: positive(lot.minOrderQty) ?? lot.basePrecision,
    maxQty: positive(lot.maxLimitOrderQty) ?? positive(lot.maxOrderQty),
    maxMarketQty: positive(lot.maxMarketOrderQty),
    // minOrderAmt is the minimum order value in quote currency.
    minNotional: lot.minOrderAmt ?? "0",
    minLeverage: null,
    maxLeverage: null,
  };
}

export function linearMarket(wire: LinearInstrument): Market {
  const lot = wire.lotSizeFilter;
  return {
    venue: "bybit",
    type: "linear",
    symbol: wire.symbol,
    base: wire.baseCoin,
    quote: wire.quoteCoin,
    status: status(wire.status),
    tickSize: wire.priceFilter.tickSize,
    stepSize: lot.qtyStep,
    marketStepSize: null,
    minQty: lot.minOrderQty,
    maxQty: positive(lot.maxOrderQty),
    maxMarketQty: positive(lot.maxMktOrderQty),
    minNotional: lot.minNotionalValue ?? "0",
    minLeverage: wire.leverageFilter ? Number(wire.leverageFilter.minLeverage) : null,
    maxLeverage: wire.leverageFilter ? Number(wire.leverageFilter.maxLeverage) : null,
  };
}

const TTL_MS = 60 * 60_000;
/** A symbol missing from a fresh list is not re-fetched more often than this. */
const MISS_REFRESH_AFTER_MS = 60_000;

type Entry = { loadedAt: number; bySymbol: Map<string, Market>; pending: Promise<Map<string, Market>> | null };

/** Isolate-wide cache per (venue, base URL, market type): instruments change rarely and the lists are large. */
const cache = new Map<string, Entry>();

export function clearBybitMarketCache(): void {
  cache.clear();
}

export class MarketCache {
  readonly #key: (market: MarketType) => string;
  readonly #load: (market: MarketType) => Promise<Market[]>;

  constructor(baseUrls: Record<MarketType, string | null>, load: (market: MarketType) => Promise<Market[]>) {
    this.#key = (market) => `bybit|${baseUrls[market]}|${market}`;
    this.#load = load;
  }

  async all(market: MarketType, options: { refresh?: boolean } = {}): Promise<Map<string, Market>> {
    const key = this.#key(market);
    const entry = cache.get(key);
    const fresh = entry && Date.now() - entry.loadedAt < TTL_MS;
    if (entry && fresh && !options.refresh) return entry.bySymbol;
    if (entry?.pending) return entry.pending;
    const pending = this.#load(market).then((markets) => {
      const bySymbol = new Map(markets.map((m) => [m.symbol, m]));
      cache.set(key, { loadedAt: Date.now(), bySymbol, pending: null });
      return bySymbol;
    });
    const placeholder: Entry = entry ?? { loadedAt: 0, bySymbol: new Map(), pending: null };
    placeholder.pending = pending.finally(() => {
      placeholder.pending = null;
    });
    cache.set(key, placeholder);
    return placeholder.pending;
  }

  /** One market; an unknown symbol triggers one refresh (a new listing) before giving up. */
  async one(market: MarketType, symbol: string): Promise<Market | undefined> {
    const known = (await this.all(market)).get(symbol);
    if (known) return known;
    const entry = cache.get(this.#key(market));
    if (entry && Date.now() - entry.loadedAt < MISS_REFRESH_AFTER_MS) return undefined;
    return (await this.all(market, { refresh: true })).get(symbol);
  }
}
