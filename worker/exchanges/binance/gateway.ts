import Big from "big.js";
import type {
  Balance,
  Capabilities,
  ExchangeGateway,
  Fill,
  KeyPermissions,
  Kline,
  KlineInterval,
  Market,
  MarketType,
  Order,
  OrderBookTop,
  OrderRequest,
  Ticker,
} from "../contract.ts";
import { ExchangeError, isExchangeError } from "../errors.ts";
import type { GatewayDeps, GatewayOptions } from "../gateway.ts";
import * as funding from "./funding.ts";
import * as futures from "./futures.ts";
import { keyPermissions } from "./key-permissions.ts";
import { forgetMarkets, loadMarket, loadMarkets, lotSizeRule } from "./markets.ts";
import {
  fromFuturesOrder,
  fromFuturesTrade,
  fromSpotOrder,
  fromSpotTrade,
  futuresOrderParams,
  futuresTradeFees,
  spotOrderParams,
  spotTradeFees,
} from "./orders.ts";
import { BinanceRest } from "./rest.ts";
import {
  BookTickers,
  DayTickers,
  FuturesOrder,
  FuturesOrders,
  FuturesTrades,
  Klines,
  PremiumIndexes,
  PriceTickers,
  SpotAccount,
  SpotOrder,
  SpotOrders,
  SpotTrades,
} from "./wire.ts";

const venue = "binance" as const;

const READ_OPS = ["markets", "ticker", "klines", "orderBookTop"] as const;
const ORDER_OPS = ["placeOrder", "cancelOrder", "getOrder", "openOrders", "fills"] as const;

export const BINANCE_CAPABILITIES: Capabilities = {
  venue,
  name: "Binance",
  markets: ["spot", "linear"],
  environments: ["live", "testnet", "demo", "custom"],
  operations: {
    spot: [...READ_OPS, "balances", ...ORDER_OPS],
    linear: [
      ...READ_OPS,
      ...ORDER_OPS,
      "futuresWallet",
      "positions",
      "setPositionMode",
      "setMarginMode",
      "setLeverage",
      "stops",
    ],
  },
  notes: [
    "Spot client order ids are unique only among open orders: a filled order's id can be reused, so an unknown outcome is always resolved with getOrder before resending.",
    "Futures stop-loss and take-profit are algo orders (/fapi/v1/algoOrder, closePosition, mark price); they are listed by conditionalOrders, not openOrders.",
    "Position mode is account-wide on Binance USDⓈ-M futures.",
    "Market.maxLeverage is null: Binance publishes leverage brackets only to signed requests.",
    "Spot fills do not carry the client order id; match them on exchangeOrderId.",
  ],
};

/** Futures windows for userTrades are at most 7 days, over the last 6 months only (USDⓈ-M "Account Trade List"). */
const FUTURES_TRADE_WINDOW_MS = 7 * 24 * 60 * 60_000;
const FUTURES_TRADE_HISTORY_MS = 183 * 24 * 60 * 60_000;
const MAX_TRADE_PAGES = 30;

export function createBinanceGateway(options: GatewayOptions, deps: GatewayDeps): ExchangeGateway {
  const credentials = options.credentials;
  const restFor = (market: MarketType): BinanceRest => {
    const rest: BinanceRest = new BinanceRest({
      market,
      baseUrl: deps.baseUrls[market],
      http: deps.http(market, () => rest.serverTime()),
      credentials,
      recvWindowMs: deps.recvWindowMs,
    });
    return rest;
  };
  const rests: Record<MarketType, BinanceRest> = { spot: restFor("spot"), linear: restFor("linear") };
  const spot = rests.spot;
  const linear = rests.linear;

  const permissions = (): Promise<KeyPermissions> => keyPermissions(options.environment, rests);

  /**
   * -2015 "Invalid API-key, IP, or permissions for action." (HTTP 401) covers both a bad key and a valid key without
   * the permission. When the permission check answers, the key is valid, so the refusal is about permission.
   */
  const clarifyKeyRejection = async <T>(action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      if (!isExchangeError(error, "authentication") || error.venueCode !== "-2015") throw error;
      const granted = await permissions().catch(() => null);
      if (!granted) throw error;
      throw new ExchangeError(
        "permission",
        "The Binance API key is valid but not allowed to do this (check its spot/futures trading permissions and IP whitelist).",
        { venue, venueCode: error.venueCode, venueMessage: error.venueMessage, httpStatus: error.httpStatus },
      );
    }
  };

  /** One request for last price and book: the day ticker answers both (weight 2 for up to 20 symbols, vs 4 + 4). */
  const spotTickers = async (symbols: string[]): Promise<Ticker[]> => {
    const params = symbols.length === 1 ? { symbol: symbols[0] } : { symbols };
    const days = await spot.send({
      method: "GET",
      path: "/api/v3/ticker/24hr",
      params,
      signed: false,
      schema: DayTickers,
    });
    const now = spot.now();
    return symbols.map((symbol) => {
      const day = days.find((d) => d.symbol === symbol);
      if (!day) throw new ExchangeError("bad_symbol", `Binance spot has no ticker for ${symbol}.`, { venue });
      return {
        symbol,
        last: Big(day.lastPrice).toFixed(),
        bid: Big(day.bidPrice).toFixed(),
        ask: Big(day.askPrice).toFixed(),
        bidQty: Big(day.bidQty).toFixed(),
        askQty: Big(day.askQty).toFixed(),
        mark: null,
        fundingRate: null,
        time: now,
      };
    });
  };

  const tradesForOrder = async (market: MarketType, symbol: string, orderId: string): Promise<Order["fees"]> => {
    if (market === "spot") {
      const trades = await spot.send({
        method: "GET",
        path: "/api/v3/myTrades",
        params: { symbol, orderId },
        signed: true,
        schema: SpotTrades,
      });
      return spotTradeFees(trades);
    }
    const trades = await linear.send({
      method: "GET",
      path: "/fapi/v1/userTrades",
      params: { symbol, orderId },
      signed: true,
      schema: FuturesTrades,
    });
    return futuresTradeFees(trades);
  };

  /**
   * An order answer → contract order; commissions come from the order's trades when it has traded. `raw` was read
   * with the market's own schema (`orderSchema`, `ordersSchema`) by the request that fetched it: not parsed again.
   */
  const withFees = async (market: MarketType, raw: SpotOrder | FuturesOrder): Promise<Order> => {
    const now = rests[market].now();
    if (market === "spot") {
      const o = raw as SpotOrder;
      const fees = Big(o.executedQty).gt(0) && !o.fills ? await tradesForOrder("spot", o.symbol, o.orderId) : undefined;
      return fromSpotOrder(o, fees, now);
    }
    const o = raw as FuturesOrder;
    const fees = Big(o.executedQty).gt(0) ? await tradesForOrder("linear", o.symbol, o.orderId) : [];
    return fromFuturesOrder(o, fees, now);
  };

  const orderPath = (market: MarketType) => (market === "spot" ? "/api/v3/order" : "/fapi/v1/order");
  const orderSchema = (market: MarketType) => (market === "spot" ? SpotOrder : FuturesOrder);
  const ordersSchema = (market: MarketType) => (market === "spot" ? SpotOrders : FuturesOrders);

  return {
    venue,
    capabilities: BINANCE_CAPABILITIES,

    serverTime: (market) => rests[market].serverTime(),

    markets: (market) => loadMarkets(rests[market]),
    market: (market, symbol) => loadMarket(rests[market], symbol),

    async tickers(market, symbols): Promise<Ticker[]> {
      if (symbols.length === 0) return [];
      if (market === "spot") return spotTickers(symbols);
      // fapi takes one symbol or none (all, still cheap); its day ticker has no book, so price and book are read apart.
      const params = symbols.length === 1 ? { symbol: symbols[0] } : ({} as Record<string, never>);
      const [prices, books, premiums] = await Promise.all([
        linear.send({ method: "GET", path: "/fapi/v1/ticker/price", params, signed: false, schema: PriceTickers }),
        linear.send({ method: "GET", path: "/fapi/v1/ticker/bookTicker", params, signed: false, schema: BookTickers }),
        linear.send({ method: "GET", path: "/fapi/v1/premiumIndex", params, signed: false, schema: PremiumIndexes }),
      ]);
      const now = linear.now();
      return symbols.map((symbol) => {
        const price = prices.find((p) => p.symbol === symbol);
        if (!price) throw new ExchangeError("bad_symbol", `Binance ${market} has no ticker for ${symbol}.`, { venue });
        const book = books.find((b) => b.symbol === symbol);
        const premium = premiums.find((p) => p.symbol === symbol);
        return {
          symbol,
          last: Big(price.price).toFixed(),
          bid: book ? Big(book.bidPrice).toFixed() : null,
          ask: book ? Big(book.askPrice).toFixed() : null,
          bidQty: book ? Big(book.bidQty).toFixed() : null,
          askQty: book ? Big(book.askQty).toFixed() : null,
          mark: premium ? Big(premium.markPrice).toFixed() : null,
          fundingRate: premium ? Big(premium.lastFundingRate).toFixed() : null,
          time: premium?.time ?? price.time ?? now,
        };
      });
    },

    async klines(market, symbol, interval: KlineInterval, limit): Promise<Kline[]> {
      const rows = await rests[market].send({
        method: "GET",
        path: market === "spot" ? "/api/v3/klines" : "/fapi/v1/klines",
        params: { symbol, interval, limit: Math.min(Math.max(Math.trunc(limit), 1), 1000) },
        signed: false,
        schema: Klines,
      });
      // Binance already sends oldest first; sorting keeps the contract's promise whatever a proxy does.
      return rows
        .map(([openTime, open, high, low, close, volume]) => ({ openTime, open, high, low, close, volume }))
        .sort((a, b) => a.openTime - b.openTime);
    },

    async orderBookTop(market, symbol): Promise<OrderBookTop> {
      const rest = rests[market];
      const [book] = await rest.send({
        method: "GET",
        path: market === "spot" ? "/api/v3/ticker/bookTicker" : "/fapi/v1/ticker/bookTicker",
        params: { symbol },
        signed: false,
        schema: BookTickers,
      });
      if (!book) throw new ExchangeError("bad_symbol", `Binance ${market} has no order book for ${symbol}.`, { venue });
      return {
        symbol,
        bidPrice: Big(book.bidPrice).toFixed(),
        bidQty: Big(book.bidQty).toFixed(),
        askPrice: Big(book.askPrice).toFixed(),
        askQty: Big(book.askQty).toFixed(),
        time: book.time ?? rest.now(),
      };
    },

    async balances(): Promise<Balance[]> {
      const account = await clarifyKeyRejection(() =>
        spot.send({
          method: "GET",
          path: "/api/v3/account",
          params: { omitZeroBalances: "true" },
          signed: true,
          schema: SpotAccount,
        }),
      );
      return account.balances.map((b) => ({
        asset: b.asset,
        free: Big(b.free).toFixed(),
        locked: Big(b.locked).toFixed(),
        total: Big(b.free).plus(b.locked).toFixed(),
      }));
    },

    permissions,

    async placeOrder(request: OrderRequest): Promise<Order> {
      const rest = rests[request.market];
      const market: Market = await loadMarket(rest, request.symbol);
      const raw = await clarifyKeyRejection(() =>
        rest.send({
          method: "POST",
          path: orderPath(request.market),
          params: request.market === "spot" ? spotOrderParams(request) : futuresOrderParams(request),
          signed: true,
          schema: orderSchema(request.market),
          // Never retried: a lost answer becomes unknown_outcome, resolved by getOrder(clientOrderId).
          idempotent: false,
          lotSizeFilter: (name) =>
            name === "LOT_SIZE" || name === "MARKET_LOT_SIZE"
              ? lotSizeRule(market, request.quantity, request.type === "market")
              : null,
        }),
      );
      if (request.market === "spot") return fromSpotOrder(raw as SpotOrder, undefined, rest.now());
      // The order exists now: a failure to read its commissions must not look like a failed placement.
      return withFees("linear", raw).catch(() => fromFuturesOrder(raw as FuturesOrder, [], rest.now()));
    },

    async cancelOrder(market, symbol, clientOrderId): Promise<Order> {
      const raw = await clarifyKeyRejection(() =>
        rests[market].send({
          method: "DELETE",
          path: orderPath(market),
          params: { symbol, origClientOrderId: clientOrderId },
          signed: true,
          schema: orderSchema(market),
        }),
      );
      return withFees(market, raw);
    },

    async getOrder(market, symbol, clientOrderId): Promise<Order | null> {
      try {
        const raw = await clarifyKeyRejection(() =>
          rests[market].send({
            method: "GET",
            path: orderPath(market),
            params: { symbol, origClientOrderId: clientOrderId },
            signed: true,
            schema: orderSchema(market),
          }),
        );
        return await withFees(market, raw);
      } catch (error) {
        // -2013 "Order does not exist.": the order was never accepted.
        if (isExchangeError(error, "order_not_found")) return null;
        throw error;
      }
    },

    async openOrders(market, symbol): Promise<Order[]> {
      const raw = await clarifyKeyRejection(() =>
        rests[market].send({
          method: "GET",
          path: market === "spot" ? "/api/v3/openOrders" : "/fapi/v1/openOrders",
          params: { symbol },
          signed: true,
          schema: ordersSchema(market),
        }),
      );
      return Promise.all(raw.map((o) => withFees(market, o)));
    },

    fills: (market, symbol, since) =>
      clarifyKeyRejection(() =>
        market === "spot" ? spotFills(spot, symbol, since) : futuresFills(linear, symbol, since),
      ),

    futuresStats: (symbols) => funding.futuresStats(linear, symbols),
    fundingPayments: (since) => clarifyKeyRejection(() => funding.fundingPayments(linear, since)),
    fundingHistory: (symbol, since) => funding.fundingHistory(linear, symbol, since),
    futuresWallet: () => clarifyKeyRejection(() => futures.futuresWallet(linear)),
    positions: (symbol) => clarifyKeyRejection(() => futures.positions(linear, symbol)),
    positionMode: () => clarifyKeyRejection(() => futures.positionMode(linear)),
    setPositionMode: (mode) => clarifyKeyRejection(() => futures.setPositionMode(linear, mode)),
    setMarginMode: (symbol, mode) => clarifyKeyRejection(() => futures.setMarginMode(linear, symbol, mode)),
    setLeverage: (symbol, leverage) => clarifyKeyRejection(() => futures.setLeverage(linear, symbol, leverage)),
    setStops: (request) => clarifyKeyRejection(() => futures.setStops(linear, request)),
    cancelStops: (symbol, positionSide) => clarifyKeyRejection(() => futures.cancelStops(linear, symbol, positionSide)),
    conditionalOrders: (symbol) => clarifyKeyRejection(() => futures.conditionalOrders(linear, symbol)),
  };
}

/** Forget cached instruments, e.g. after a listing change or a filter rejection that suggests stale filters. */
export function refreshBinanceMarkets(baseUrl?: string): void {
  forgetMarkets(baseUrl);
}

/** myTrades: startTime for the first page, then fromId (the two cannot be combined). */
async function spotFills(rest: BinanceRest, symbol: string, since: number): Promise<Fill[]> {
  const fills: Fill[] = [];
  let params: Record<string, string | number> = { symbol, startTime: since, limit: 1000 };
  for (let page = 0; page < MAX_TRADE_PAGES; page++) {
    const trades = await rest.send({
      method: "GET",
      path: "/api/v3/myTrades",
      params,
      signed: true,
      schema: SpotTrades,
    });
    fills.push(...trades.filter((t) => t.time >= since).map(fromSpotTrade));
    const last = trades.at(-1);
    if (trades.length < 1000 || !last) break;
    params = { symbol, fromId: Big(last.id).plus(1).toFixed(), limit: 1000 };
  }
  return fills.sort((a, b) => a.time - b.time);
}

/** userTrades takes windows of at most 7 days, so older history is read window by window. */
async function futuresFills(rest: BinanceRest, symbol: string, since: number): Promise<Fill[]> {
  const fills: Fill[] = [];
  const now = rest.now();
  let start = Math.max(since, now - FUTURES_TRADE_HISTORY_MS);
  for (let page = 0; page < MAX_TRADE_PAGES && start <= now; page++) {
    const end = Math.min(start + FUTURES_TRADE_WINDOW_MS - 1, now);
    const trades = await rest.send({
      method: "GET",
      path: "/fapi/v1/userTrades",
      params: { symbol, startTime: start, endTime: end, limit: 1000 },
      signed: true,
      schema: FuturesTrades,
    });
    fills.push(...trades.map(fromFuturesTrade));
    const last = trades.at(-1);
    // A full page may hide more trades in the same window: continue just after the last one.
    start = trades.length >= 1000 && last ? last.time + 1 : end + 1;
  }
  return fills.sort((a, b) => a.time - b.time);
}
