import Big from "big.js";
import type { SimMarket } from "../engine/types.ts";
import { apiError } from "./errors.ts";
import { intervalParam, optionalInt, symbolParam, symbolsParam } from "./params.ts";
import type { Endpoint, EndpointContext } from "./routes.ts";
import { futuresSymbolJson, klineRow, spot8, spotSymbolJson } from "./shapes.ts";

/** Public market data, the same on both hosts except for paths, weights and a few fields. */

const fmt = (market: SimMarket, value: string) => (market === "spot" ? spot8(value) : new Big(value).toFixed());

function symbolsOrAll(market: SimMarket, c: EndpointContext): string[] {
  const listed = market === "spot" ? symbolsParam(c.exchange, market, c.params) : null;
  if (listed) return listed;
  if (market === "linear" && c.params.get("symbol")) return [symbolParam(c.exchange, market, c.params)];
  return c.exchange.instruments(market).map((i) => i.symbol);
}

/** A single `symbol` answers an object, otherwise an array (rest-api.md). */
function oneOrMany<T>(c: EndpointContext, rows: T[]): T | T[] {
  return c.params.get("symbol") ? (rows[0] as T) : rows;
}

function exchangeInfo(market: SimMarket, c: EndpointContext) {
  const symbols = market === "spot" ? symbolsParam(c.exchange, market, c.params) : null;
  const instruments = c.exchange.instruments(market).filter((i) => !symbols || symbols.includes(i.symbol));
  const weight = { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: c.weightLimit };
  if (market === "spot") {
    return {
      timezone: "UTC",
      serverTime: c.serverTime,
      rateLimits: [
        weight,
        { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
        { rateLimitType: "ORDERS", interval: "DAY", intervalNum: 1, limit: 200000 },
        { rateLimitType: "RAW_REQUESTS", interval: "MINUTE", intervalNum: 5, limit: 61000 },
      ],
      exchangeFilters: [],
      symbols: instruments.map(spotSymbolJson),
    };
  }
  return {
    timezone: "UTC",
    serverTime: c.serverTime,
    futuresType: "U_MARGINED",
    rateLimits: [
      weight,
      { rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, limit: 1200 },
      { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300 },
    ],
    exchangeFilters: [],
    assets: [{ asset: "USDT", marginAvailable: true, autoAssetExchange: "-10000" }],
    symbols: instruments.map(futuresSymbolJson),
  };
}

function klines(market: SimMarket, c: EndpointContext) {
  const symbol = symbolParam(c.exchange, market, c.params);
  const intervalMs = intervalParam(c.params);
  const max = market === "spot" ? 1000 : 1500;
  const limit = Math.min(optionalInt(c.params, "limit") ?? 500, max);
  if (limit < 1) throw apiError(400, -1100, "Illegal characters found in parameter 'limit'.");
  const startTime = optionalInt(c.params, "startTime");
  let endTime = optionalInt(c.params, "endTime");
  if (endTime === undefined && startTime !== undefined) {
    endTime = Math.min(c.exchange.now(), startTime + (limit - 1) * intervalMs);
  }
  const candles = c.exchange.klines(market, symbol, intervalMs, limit, endTime);
  // Oldest first, like the real API.
  return candles
    .filter((k) => startTime === undefined || k.openTime >= startTime)
    .sort((a, b) => a.openTime - b.openTime)
    .map((k) => klineRow(k, intervalMs));
}

/** A shallow synthetic book around the engine's top: `limit` levels a tick apart. */
function depth(market: SimMarket, c: EndpointContext) {
  const symbol = symbolParam(c.exchange, market, c.params);
  const instrument = c.exchange.instrument(market, symbol);
  const top = c.exchange.bookTop(market, symbol);
  const levels = Math.min(optionalInt(c.params, "limit") ?? 100, 20);
  const tick = new Big(instrument?.tickSize ?? "0.01");
  const side = (price: string, qty: string, direction: number) =>
    Array.from({ length: levels }, (_, i) => [
      fmt(market, new Big(price).plus(tick.times(i * direction)).toFixed()),
      fmt(market, qty),
    ]);
  const book = {
    lastUpdateId: c.serverTime,
    bids: side(top.bidPrice, top.bidQty, -1),
    asks: side(top.askPrice, top.askQty, 1),
  };
  return market === "spot" ? book : { ...book, E: c.serverTime, T: c.serverTime };
}

function tickerPrice(market: SimMarket, c: EndpointContext) {
  const rows = symbolsOrAll(market, c).map((symbol) => {
    const price = fmt(market, c.exchange.price(market, symbol));
    return market === "spot" ? { symbol, price } : { symbol, price, time: c.serverTime };
  });
  return oneOrMany(c, rows);
}

function bookTicker(market: SimMarket, c: EndpointContext) {
  const rows = symbolsOrAll(market, c).map((symbol) => {
    const top = c.exchange.bookTop(market, symbol);
    const row = {
      symbol,
      bidPrice: fmt(market, top.bidPrice),
      bidQty: fmt(market, top.bidQty),
      askPrice: fmt(market, top.askPrice),
      askQty: fmt(market, top.askQty),
    };
    return market === "spot" ? row : { ...row, time: c.serverTime, lastUpdateId: c.serverTime };
  });
  return oneOrMany(c, rows);
}

const HOUR_MS = 3_600_000;

/**
 * `GET /api/v3/ticker/24hr`: the rolling day's statistics with the last price and the top of the book (FULL, the
 * default), or the statistics alone (MINI). The day is read from the simulator's six latest 4-hour candles: hourly
 * ones would sample the price path four times as often for figures the app does not read.
 */
function ticker24hr(c: EndpointContext) {
  const type = c.params.get("type") ?? "FULL";
  if (type !== "FULL" && type !== "MINI") throw apiError(400, -1100, "Illegal characters found in parameter 'type'.");
  const rows = symbolsOrAll("spot", c).map((symbol) => {
    const candles = c.exchange.klines("spot", symbol, 4 * HOUR_MS, 6, undefined);
    const last = new Big(c.exchange.price("spot", symbol));
    const open = new Big(candles[0]?.open ?? last);
    let high = last;
    let low = last;
    let volume = new Big(0);
    let quoteVolume = new Big(0);
    for (const k of candles) {
      if (high.lt(k.high)) high = new Big(k.high);
      if (low.gt(k.low)) low = new Big(k.low);
      volume = volume.plus(k.volume);
      quoteVolume = quoteVolume.plus(new Big(k.volume).times(k.close));
    }
    const day = {
      openPrice: spot8(open),
      highPrice: spot8(high),
      lowPrice: spot8(low),
      volume: spot8(volume),
      quoteVolume: spot8(quoteVolume),
      openTime: c.serverTime - 24 * HOUR_MS,
      closeTime: c.serverTime,
      // The simulator keeps no public trade ids: what Binance answers for a day without trades.
      firstId: -1,
      lastId: -1,
      count: 0,
    };
    if (type === "MINI") {
      const { openPrice, highPrice, lowPrice, ...rest } = day;
      return { symbol, openPrice, highPrice, lowPrice, lastPrice: spot8(last), ...rest };
    }
    const top = c.exchange.bookTop("spot", symbol);
    const change = last.minus(open);
    return {
      symbol,
      priceChange: spot8(change),
      priceChangePercent: open.eq(0) ? "0.000" : change.div(open).times(100).toFixed(3),
      weightedAvgPrice: spot8(volume.eq(0) ? last : quoteVolume.div(volume)),
      prevClosePrice: spot8(open),
      lastPrice: spot8(last),
      lastQty: spot8("0"),
      bidPrice: spot8(top.bidPrice),
      bidQty: spot8(top.bidQty),
      askPrice: spot8(top.askPrice),
      askQty: spot8(top.askQty),
      ...day,
    };
  });
  return oneOrMany(c, rows);
}

/** rest-api.md: 2 for one symbol or up to 20 in `symbols`, 40 up to 100, 80 beyond or for every symbol. */
function ticker24hrWeight(params: Map<string, string>): number {
  if (params.get("symbol")) return 2;
  const listed = params.get("symbols");
  let count = Number.POSITIVE_INFINITY;
  try {
    const parsed: unknown = listed ? JSON.parse(listed) : null;
    if (Array.isArray(parsed)) count = parsed.length;
  } catch {
    // Refused by the handler; weighed as the whole market.
  }
  return count <= 20 ? 2 : count <= 100 ? 40 : 80;
}

const FUNDING_INTERVAL_MS = 8 * 3_600_000;

function premiumIndex(c: EndpointContext) {
  const rows = symbolsOrAll("linear", c).map((symbol) => {
    const mark = c.exchange.price("linear", symbol);
    return {
      symbol,
      markPrice: mark,
      indexPrice: mark,
      estimatedSettlePrice: mark,
      lastFundingRate: c.exchange.fundingRate(symbol),
      interestRate: "0.00010000",
      nextFundingTime: Math.ceil((c.serverTime + 1) / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS,
      time: c.serverTime,
    };
  });
  return oneOrMany(c, rows);
}

/** `GET /fapi/v1/openInterest?symbol=`: `{ openInterest, symbol, time }`, open contracts in the base asset. */
function openInterest(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "linear", c.params);
  return { openInterest: c.exchange.openInterest(symbol), symbol, time: c.serverTime };
}

/**
 * `GET /fapi/v1/fundingRate`: settled rates with their mark price, oldest first; from `startTime` the oldest `limit`
 * (default 100, at most 1000), otherwise the newest up to `endTime`.
 */
function fundingRateHistory(c: EndpointContext) {
  const symbols = c.params.get("symbol")
    ? [symbolParam(c.exchange, "linear", c.params)]
    : c.exchange.instruments("linear").map((i) => i.symbol);
  const limit = Math.min(optionalInt(c.params, "limit") ?? 100, 1000);
  if (limit < 1) throw apiError(400, -1100, "Illegal characters found in parameter 'limit'.");
  const startTime = optionalInt(c.params, "startTime");
  const query = {
    from: startTime ?? 0,
    to: optionalInt(c.params, "endTime") ?? c.serverTime,
    limit,
    keep: startTime === undefined ? ("newest" as const) : ("oldest" as const),
  };
  return symbols
    .flatMap((symbol) => c.exchange.fundingHistory(symbol, query))
    .sort((a, b) => a.fundingTime - b.fundingTime)
    .slice(0, limit)
    .map((r) => ({ symbol: r.symbol, fundingRate: r.fundingRate, fundingTime: r.fundingTime, markPrice: r.markPrice }));
}

const hasSymbol = (p: Map<string, string>) => Boolean(p.get("symbol"));

export function marketDataEndpoints(market: SimMarket): Endpoint[] {
  const prefix = market === "spot" ? "/api/v3" : "/fapi/v1";
  const base = { market, signed: false, permission: "none" } as const;
  const spot = market === "spot";
  const endpoints: Endpoint[] = [
    { ...base, method: "GET", path: `${prefix}/ping`, weight: 1, handle: () => ({}) },
    { ...base, method: "GET", path: `${prefix}/time`, weight: 1, handle: (c) => ({ serverTime: c.serverTime }) },
    {
      ...base,
      method: "GET",
      path: `${prefix}/exchangeInfo`,
      weight: spot ? 20 : 1,
      handle: (c) => exchangeInfo(market, c),
    },
    {
      ...base,
      method: "GET",
      path: `${prefix}/ticker/price`,
      weight: (p) => (hasSymbol(p) ? (spot ? 2 : 1) : spot ? 4 : 2),
      handle: (c) => tickerPrice(market, c),
    },
    {
      ...base,
      method: "GET",
      path: `${prefix}/ticker/bookTicker`,
      weight: (p) => (hasSymbol(p) ? 2 : spot ? 4 : 5),
      handle: (c) => bookTicker(market, c),
    },
    { ...base, method: "GET", path: `${prefix}/klines`, weight: spot ? 2 : 5, handle: (c) => klines(market, c) },
    ...(spot
      ? [{ ...base, method: "GET", path: "/api/v3/ticker/24hr", weight: ticker24hrWeight, handle: ticker24hr } as const]
      : []),
    { ...base, method: "GET", path: `${prefix}/depth`, weight: spot ? 5 : 2, handle: (c) => depth(market, c) },
  ];
  if (!spot) {
    endpoints.push({
      ...base,
      method: "GET",
      path: "/fapi/v1/premiumIndex",
      weight: (p) => (hasSymbol(p) ? 1 : 10),
      handle: premiumIndex,
    });
    endpoints.push({ ...base, method: "GET", path: "/fapi/v1/openInterest", weight: 1, handle: openInterest });
    endpoints.push({ ...base, method: "GET", path: "/fapi/v1/fundingRate", weight: 1, handle: fundingRateHistory });
  }
  return endpoints;
}
