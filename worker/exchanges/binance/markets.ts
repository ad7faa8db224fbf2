import Big from "big.js";
import type { Market, MarketType } from "../contract.ts";
import { ExchangeError, type OrderFilter } from "../errors.ts";
import type { BinanceRest } from "./rest.ts";
import { ExchangeInfo, type Filter, type SymbolInfo } from "./wire.ts";

/**
 * Instruments from exchangeInfo, cached per isolate per (base URL, market) for an hour: filters change rarely and the
 * full spot document is large (Workers' CPU budget). Tick and step come from PRICE_FILTER / LOT_SIZE, never from
 * futures `pricePrecision` / `quantityPrecision` (exchanges.md §2.3).
 */

export const MARKET_TTL_MS = 60 * 60_000;

type CacheEntry = { loadedAt: number; complete: boolean; bySymbol: Map<string, Market> };
const cache = new Map<string, CacheEntry>();
/** Reads in flight, shared (as Bybit's are): reviews starting together in a cold isolate ask exchangeInfo once. */
const inFlight = new Map<string, Promise<Market[]>>();

/** Drops cached instruments (all, or one host's). */
export function forgetMarkets(baseUrl?: string): void {
  if (!baseUrl) {
    cache.clear();
    return;
  }
  for (const key of cache.keys()) if (key.startsWith(`${baseUrl}|`)) cache.delete(key);
}

export async function loadMarkets(rest: BinanceRest, refresh = false): Promise<Market[]> {
  const entry = fresh(rest);
  if (entry?.complete && !refresh) return [...entry.bySymbol.values()];
  const markets = await sharedFetch(rest);
  const bySymbol = new Map(markets.map((m) => [m.symbol, m]));
  cache.set(key(rest), { loadedAt: Date.now(), complete: true, bySymbol });
  return markets;
}

export async function loadMarket(rest: BinanceRest, symbol: string, refresh = false): Promise<Market> {
  const cached = fresh(rest)?.bySymbol.get(symbol);
  if (cached && !refresh) return cached;
  // Spot accepts `symbols=[...]`, so one symbol costs a small document; fapi exchangeInfo has no symbol filter.
  const markets = rest.market === "spot" ? await sharedFetch(rest, [symbol]) : await loadMarkets(rest, true);
  const market = markets.find((m) => m.symbol === symbol);
  if (!market) {
    throw new ExchangeError("bad_symbol", `Binance ${rest.market} has no market ${symbol}.`, { venue: "binance" });
  }
  remember(rest, market);
  return market;
}

function sharedFetch(rest: BinanceRest, symbols?: string[]): Promise<Market[]> {
  const name = `${key(rest)}|${symbols?.join(",") ?? "*"}`;
  let pending = inFlight.get(name);
  if (!pending) {
    pending = fetchMarkets(rest, symbols).finally(() => inFlight.delete(name));
    inFlight.set(name, pending);
  }
  return pending;
}

async function fetchMarkets(rest: BinanceRest, symbols?: string[]): Promise<Market[]> {
  const info = await rest.send({
    method: "GET",
    path: rest.market === "spot" ? "/api/v3/exchangeInfo" : "/fapi/v1/exchangeInfo",
    params: symbols ? { symbols } : {},
    signed: false,
    schema: ExchangeInfo,
  });
  const weight = info.rateLimits.find((l) => l.rateLimitType === "REQUEST_WEIGHT" && l.interval === "MINUTE");
  if (weight && weight.intervalNum === 1) rest.setWeightLimit(weight.limit);
  const wanted = rest.market === "spot" ? info.symbols : info.symbols.filter(isUsdtPerpetual);
  return wanted.map((s) => toMarket(rest.market, s));
}

function isUsdtPerpetual(s: SymbolInfo): boolean {
  return s.contractType === "PERPETUAL" && s.quoteAsset === "USDT";
}

function toMarket(type: MarketType, s: SymbolInfo): Market {
  const price = filter(s, "PRICE_FILTER");
  const lot = filter(s, "LOT_SIZE");
  const marketLot = filter(s, "MARKET_LOT_SIZE");
  const notional = filter(s, "NOTIONAL") ?? filter(s, "MIN_NOTIONAL");
  return {
    venue: "binance",
    type,
    symbol: s.symbol,
    base: s.baseAsset,
    quote: s.quoteAsset,
    status: toStatus(s.status),
    tickSize: decimal(price?.tickSize) ?? "0",
    stepSize: decimal(lot?.stepSize) ?? "0",
    marketStepSize: positive(marketLot?.stepSize),
    minQty: decimal(lot?.minQty) ?? "0",
    maxQty: positive(lot?.maxQty),
    maxMarketQty: positive(marketLot?.maxQty),
    // Spot NOTIONAL/MIN_NOTIONAL use `minNotional`; futures MIN_NOTIONAL uses `notional`.
    minNotional: decimal(notional?.minNotional ?? notional?.notional) ?? "0",
    // Futures leverage brackets need a signed call (leverageBracket); exchangeInfo does not carry them.
    minLeverage: type === "linear" ? 1 : null,
    maxLeverage: null,
  };
}

/** Spot: TRADING/HALT/BREAK (+ CANCEL_ONLY since 2026-07); futures: TRADING, PENDING_TRADING, SETTLING, CLOSE, ... */
function toStatus(status: string): Market["status"] {
  if (status === "TRADING") return "trading";
  if (status === "CANCEL_ONLY") return "cancel_only";
  if (status === "CLOSE" || status === "DELIVERED" || status === "SETTLING") return "delisted";
  return "halted";
}

function filter(s: SymbolInfo, type: string): Filter | undefined {
  return s.filters.find((f) => f.filterType === type);
}

function decimal(value: string | undefined): string | null {
  return value === undefined ? null : Big(value).toFixed();
}

/** Binance writes "0" (or "0.00000000") for "no separate limit". */
function positive(value: string | undefined): string | null {
  return value !== undefined && Big(value).gt(0) ? Big(value).toFixed() : null;
}

function key(rest: BinanceRest): string {
  return `${rest.baseUrl}|${rest.market}`;
}

function fresh(rest: BinanceRest): CacheEntry | undefined {
  const entry = cache.get(key(rest));
  return entry && Date.now() - entry.loadedAt < MARKET_TTL_MS ? entry : undefined;
}

function remember(rest: BinanceRest, market: Market): void {
  const entry = fresh(rest);
  if (entry) entry.bySymbol.set(market.symbol, market);
  else cache.set(key(rest), { loadedAt: Date.now(), complete: false, bySymbol: new Map([[market.symbol, market]]) });
}

/** Which LOT_SIZE rule a quantity breaks ("Filter failure: LOT_SIZE" names the filter, not the rule). */
export function lotSizeRule(market: Market, quantity: string, isMarketOrder: boolean): OrderFilter {
  const q = Big(quantity);
  const maxQty = isMarketOrder && market.maxMarketQty ? market.maxMarketQty : market.maxQty;
  const step = isMarketOrder && market.marketStepSize ? market.marketStepSize : market.stepSize;
  if (q.lt(market.minQty)) return "min_qty";
  if (maxQty && q.gt(maxQty)) return "max_qty";
  if (Big(step).gt(0) && !q.mod(step).eq(0)) return "step_size";
  return "step_size";
}
