import Big from "big.js";
import * as z from "zod";
import type {
  Balance,
  Capabilities,
  ConditionalOrder,
  Environment,
  ExchangeGateway,
  Fill,
  FundingPayment,
  FundingRateRecord,
  FuturesStats,
  FuturesWallet,
  KeyPermissions,
  Kline,
  KlineInterval,
  MarginMode,
  Market,
  MarketType,
  Order,
  OrderBookTop,
  OrderRequest,
  Position,
  PositionMode,
  PositionSide,
  StopsRequest,
  Ticker,
} from "../contract.ts";
import { ExchangeError, isExchangeError } from "../errors.ts";
import type { GatewayDeps, GatewayOptions } from "../gateway.ts";
import { roundStopPrice } from "../precision.ts";
import { SERVER_ERROR_CODES } from "./errors.ts";
import * as funding from "./funding.ts";
import {
  futuresWalletFromCoin,
  isOpenLeg,
  marginModeFromAccount,
  positionFromWire,
  positionModeOf,
  stopsFromPosition,
} from "./futures.ts";
import { keyPermissions } from "./key-permissions.ts";
import { linearMarket, MarketCache, spotMarket } from "./markets.ts";
import {
  acceptedOrder,
  createOrderBody,
  fillFromWire,
  isPlainOrder,
  orderFromWire,
  positionIdx,
  positionSideOf,
} from "./orders.ts";
import { BybitRest } from "./rest.ts";
import {
  AccountInfo,
  Executions,
  Klines,
  LinearInstruments,
  OrderAck,
  OrderBook,
  OrderList,
  Positions,
  SpotInstruments,
  Tickers,
  WalletBalance,
  type WireOrder,
  type WirePosition,
} from "./wire.ts";

const SPOT_OPERATIONS = [
  "markets",
  "ticker",
  "klines",
  "orderBookTop",
  "balances",
  "placeOrder",
  "cancelOrder",
  "getOrder",
  "openOrders",
  "fills",
] as const;

export const BYBIT_CAPABILITIES: Capabilities = {
  venue: "bybit",
  name: "Bybit",
  markets: ["spot", "linear"],
  environments: ["live", "testnet", "demo", "custom"],
  operations: {
    spot: [...SPOT_OPERATIONS],
    linear: [
      ...SPOT_OPERATIONS.filter((op) => op !== "balances"),
      "futuresWallet",
      "positions",
      "setPositionMode",
      "setMarginMode",
      "setLeverage",
      "stops",
    ],
  },
  notes: [
    "Unified trading account: spot balances and USDT futures collateral are one wallet (accountType=UNIFIED).",
    "Position mode is switched for all USDT perpetuals at once (switch-mode with coin=USDT).",
    "Margin mode is the whole unified account's, not a symbol's: setting it for one contract switches every USDT perpetual of the account (account/set-margin-mode; position/switch-isolated is refused on unified accounts). It is changed only when it differs, and the venue refuses a change while orders or positions are open.",
    "Stop-loss and take-profit are position-level (trading-stop, tpslMode=Full, mark price trigger); they have no client id.",
    "Order creation is asynchronous: the order is read back after the acknowledgement.",
  ],
};

const KLINE_INTERVALS: Record<KlineInterval, string> = {
  "1m": "1",
  "5m": "5",
  "15m": "15",
  "30m": "30",
  "1h": "60",
  "4h": "240",
  "12h": "720",
  "1d": "D",
  "1w": "W",
};

/** How often and how long to wait for an acknowledged order to show up in order/realtime. */
const READ_BACK_ATTEMPTS = 3;
const READ_BACK_DELAY_MS = 150;
const MAX_PAGES = 20;

const Empty = z.unknown();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createBybitGateway(options: GatewayOptions, deps: GatewayDeps): ExchangeGateway {
  return new BybitGateway(new BybitRest(deps, options.credentials), deps, options.environment);
}

class BybitGateway implements ExchangeGateway {
  readonly venue = "bybit" as const;
  readonly capabilities = BYBIT_CAPABILITIES;
  readonly #rest: BybitRest;
  readonly #markets: MarketCache;
  readonly #environment: Environment;

  constructor(rest: BybitRest, deps: GatewayDeps, environment: Environment) {
    this.#rest = rest;
    this.#environment = environment;
    this.#markets = new MarketCache(deps.baseUrls, (market) => this.#loadMarkets(market));
  }

  serverTime(market: MarketType): Promise<number> {
    return this.#rest.serverTime(market);
  }

  // ── market data ────────────────────────────────────────────────────────────────────────────────

  async markets(market: MarketType): Promise<Market[]> {
    return [...(await this.#markets.all(market)).values()];
  }

  /** Re-reads instruments-info now (after a listing change or a filter rejection). */
  async refreshMarkets(market: MarketType): Promise<Market[]> {
    return [...(await this.#markets.all(market, { refresh: true })).values()];
  }

  async market(market: MarketType, symbol: string): Promise<Market> {
    const found = await this.#markets.one(market, symbol);
    if (!found) {
      throw new ExchangeError("bad_symbol", `Bybit has no ${market} market ${symbol}.`, { venue: "bybit" });
    }
    return found;
  }

  async #loadMarkets(market: MarketType): Promise<Market[]> {
    const markets: Market[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const params = { category: market, limit: 1000, cursor };
      const base = {
        market,
        path: "/v5/market/instruments-info",
        operation: "market/instruments-info",
        idempotent: true,
      };
      if (market === "spot") {
        const { result } = await this.#rest.publicGet({ ...base, schema: SpotInstruments }, params);
        markets.push(...result.list.map(spotMarket));
        cursor = result.nextPageCursor || undefined;
      } else {
        const { result } = await this.#rest.publicGet({ ...base, schema: LinearInstruments }, params);
        // Only perpetuals: dated USDT futures share the category.
        const perpetuals = result.list.filter((i) => !i.contractType || i.contractType === "LinearPerpetual");
        markets.push(...perpetuals.map(linearMarket));
        cursor = result.nextPageCursor || undefined;
      }
      if (!cursor) break;
    }
    return markets;
  }

  async tickers(market: MarketType, symbols: string[]): Promise<Ticker[]> {
    // One symbol: ask for it; several: one call for the category and filter (fewer subrequests).
    const params = { category: market, symbol: symbols.length === 1 ? symbols[0] : undefined };
    const { result, time } = await this.#rest.publicGet(
      { market, path: "/v5/market/tickers", operation: "market/tickers", schema: Tickers, idempotent: true },
      params,
    );
    const bySymbol = new Map(result.list.map((t) => [t.symbol, t]));
    return symbols.map((symbol) => {
      const t = bySymbol.get(symbol);
      if (!t) throw new ExchangeError("bad_symbol", `Bybit has no ${market} ticker ${symbol}.`, { venue: "bybit" });
      return {
        symbol,
        last: t.lastPrice,
        bid: t.bid1Price || null,
        ask: t.ask1Price || null,
        bidQty: t.bid1Size || null,
        askQty: t.ask1Size || null,
        mark: market === "linear" ? t.markPrice || null : null,
        fundingRate: market === "linear" ? t.fundingRate || null : null,
        time: time ?? Date.now(),
      };
    });
  }

  async klines(market: MarketType, symbol: string, interval: KlineInterval, limit: number): Promise<Kline[]> {
    const { result } = await this.#rest.publicGet(
      { market, path: "/v5/market/kline", operation: "market/kline", schema: Klines, idempotent: true },
      { category: market, symbol, interval: KLINE_INTERVALS[interval], limit: Math.min(Math.max(limit, 1), 1000) },
    );
    // Bybit sends newest first; the contract is oldest first.
    return result.list
      .map(([openTime, open, high, low, close, volume]) => ({
        openTime: Number(openTime),
        open: open ?? "0",
        high: high ?? "0",
        low: low ?? "0",
        close: close ?? "0",
        volume: volume ?? "0",
      }))
      .sort((a, b) => a.openTime - b.openTime);
  }

  async orderBookTop(market: MarketType, symbol: string): Promise<OrderBookTop> {
    const { result } = await this.#rest.publicGet(
      { market, path: "/v5/market/orderbook", operation: "market/orderbook", schema: OrderBook, idempotent: true },
      { category: market, symbol, limit: 1 },
    );
    const bid = result.b[0];
    const ask = result.a[0];
    if (!bid || !ask) {
      throw new ExchangeError("exchange_unavailable", `Bybit's ${symbol} order book is empty.`, { venue: "bybit" });
    }
    return { symbol, bidPrice: bid[0], bidQty: bid[1], askPrice: ask[0], askQty: ask[1], time: result.ts };
  }

  // ── account ──────────────────────────────────────────────────────────────────────────────────

  async #walletCoins() {
    const { result } = await this.#rest.signedGet(
      {
        market: "spot",
        path: "/v5/account/wallet-balance",
        operation: "account/wallet-balance",
        schema: WalletBalance,
        idempotent: true,
      },
      { accountType: "UNIFIED" },
    );
    return result.list.find((a) => a.accountType === "UNIFIED")?.coin ?? result.list[0]?.coin ?? [];
  }

  async balances(): Promise<Balance[]> {
    const coins = await this.#walletCoins();
    return coins
      .filter((c) => Number(c.walletBalance) !== 0)
      .map((c) => {
        const total = c.walletBalance;
        const locked = c.locked || "0";
        const free = subtract(total, locked);
        return { asset: c.coin, free, locked, total };
      });
  }

  permissions(): Promise<KeyPermissions> {
    return keyPermissions(this.#environment, this.#rest);
  }

  // ── orders ──────────────────────────────────────────────────────────────────────────────────

  async placeOrder(request: OrderRequest): Promise<Order> {
    const market = await this.market(request.market, request.symbol);
    let ack: { orderId: string } | null;
    try {
      ({ result: ack } = await this.#rest.signedPost(
        {
          market: request.market,
          path: "/v5/order/create",
          operation: "order/create",
          schema: OrderAck,
          idempotent: false,
        },
        createOrderBody(request),
      ));
    } catch (error) {
      throw unknownIfServerError(error);
    }
    if (!ack) throw new ExchangeError("unknown_outcome", "Bybit did not acknowledge the order.", { venue: "bybit" });
    return this.#readBack(request, market, ack.orderId);
  }

  /**
   * The acknowledgement only says the order was accepted (create-order.mdx: asynchronous). Read it back; if that
   * read fails the order still exists, so report it as accepted rather than throwing.
   */
  async #readBack(request: OrderRequest, market: Market, orderId: string): Promise<Order> {
    for (let attempt = 0; attempt < READ_BACK_ATTEMPTS; attempt++) {
      try {
        const wire = await this.#findOrder(request.market, request.symbol, { orderId });
        if (wire) return orderFromWire(wire, market);
      } catch {
        // fall through to the next attempt
      }
      if (attempt < READ_BACK_ATTEMPTS - 1) await sleep(READ_BACK_DELAY_MS);
    }
    return acceptedOrder(request, orderId, Date.now());
  }

  async cancelOrder(market: MarketType, symbol: string, clientOrderId: string): Promise<Order> {
    const info = await this.market(market, symbol);
    try {
      await this.#rest.signedPost(
        // A repeated cancel cannot do harm, so the transport may retry it.
        { market, path: "/v5/order/cancel", operation: "order/cancel", schema: OrderAck, idempotent: true },
        { category: market, symbol, orderLinkId: clientOrderId },
      );
    } catch (error) {
      // Already filled or cancelled (or cancelled by an earlier attempt): the order's final state is the answer.
      if (!isExchangeError(error, "order_not_found")) throw error;
      const existing = await this.#findOrder(market, symbol, { orderLinkId: clientOrderId });
      if (!existing) throw error;
      return orderFromWire(existing, info);
    }
    const order = await this.#findOrder(market, symbol, { orderLinkId: clientOrderId });
    if (!order) {
      throw new ExchangeError("order_not_found", `Bybit has no order ${clientOrderId} on ${symbol}.`, {
        venue: "bybit",
      });
    }
    return orderFromWire(order, info);
  }

  async getOrder(market: MarketType, symbol: string, clientOrderId: string): Promise<Order | null> {
    const info = await this.market(market, symbol);
    const wire = await this.#findOrder(market, symbol, { orderLinkId: clientOrderId });
    return wire ? orderFromWire(wire, info) : null;
  }

  /** order/realtime (open orders and the last 500 closed ones by id), then order/history for older ones. */
  async #findOrder(
    market: MarketType,
    symbol: string,
    by: { orderId?: string; orderLinkId?: string },
  ): Promise<WireOrder | null> {
    for (const [path, operation] of [
      ["/v5/order/realtime", "order/realtime"],
      ["/v5/order/history", "order/history"],
    ] as const) {
      const { result } = await this.#rest.signedGet(
        { market, path, operation, schema: OrderList, idempotent: true },
        { category: market, symbol, orderId: by.orderId, orderLinkId: by.orderLinkId },
        market,
      );
      const found = result.list.find((o) => (by.orderId ? o.orderId === by.orderId : o.orderLinkId === by.orderLinkId));
      if (found) return found;
    }
    return null;
  }

  async openOrders(market: MarketType, symbol?: string): Promise<Order[]> {
    const wires: WireOrder[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { result } = await this.#rest.signedGet(
        { market, path: "/v5/order/realtime", operation: "order/realtime", schema: OrderList, idempotent: true },
        {
          category: market,
          symbol,
          // Linear needs symbol, baseCoin or settleCoin.
          settleCoin: market === "linear" && !symbol ? "USDT" : undefined,
          openOnly: 0,
          limit: 50,
          cursor,
        },
        market,
      );
      wires.push(...result.list);
      cursor = result.nextPageCursor || undefined;
      if (!cursor || result.list.length === 0) break;
    }
    const all = await this.#markets.all(market);
    const orders: Order[] = [];
    for (const wire of wires.filter(isPlainOrder)) {
      const info = all.get(wire.symbol);
      if (info) orders.push(orderFromWire(wire, info));
    }
    return orders.filter((o) => o.status === "open" || o.status === "partially_filled");
  }

  async fills(market: MarketType, symbol: string, since: number): Promise<Fill[]> {
    const info = await this.market(market, symbol);
    const fills: Fill[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { result } = await this.#rest.signedGet(
        { market, path: "/v5/execution/list", operation: "execution/list", schema: Executions, idempotent: true },
        { category: market, symbol, startTime: since, limit: 100, cursor },
        market,
      );
      // Funding and settlement rows share the list with trades.
      fills.push(...result.list.filter((e) => !e.execType || e.execType === "Trade").map((e) => fillFromWire(e, info)));
      cursor = result.nextPageCursor || undefined;
      if (!cursor || result.list.length === 0) break;
    }
    return fills.filter((f) => f.time >= since).sort((a, b) => a.time - b.time);
  }

  // ── futures ─────────────────────────────────────────────────────────────────────────────────

  futuresStats(symbols: string[]): Promise<FuturesStats[]> {
    return funding.futuresStats(this.#rest, symbols);
  }

  fundingPayments(since: number): Promise<FundingPayment[]> {
    return funding.fundingPayments(this.#rest, since);
  }

  fundingHistory(symbol: string, since: number): Promise<FundingRateRecord[]> {
    return funding.fundingHistory(this.#rest, symbol, since);
  }

  async futuresWallet(): Promise<FuturesWallet> {
    const coins = await this.#walletCoins();
    return futuresWalletFromCoin(coins.find((c) => c.coin === "USDT"));
  }

  async #positionList(symbol?: string): Promise<WirePosition[]> {
    const list: WirePosition[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { result } = await this.#rest.signedGet(
        {
          market: "linear",
          path: "/v5/position/list",
          operation: "position/list",
          schema: Positions,
          idempotent: true,
          joinInFlight: true,
        },
        { category: "linear", symbol, settleCoin: symbol ? undefined : "USDT", limit: 200, cursor },
        "linear",
      );
      list.push(...result.list);
      cursor = result.nextPageCursor || undefined;
      if (!cursor || result.list.length === 0) break;
    }
    return list;
  }

  async positions(symbol?: string): Promise<Position[]> {
    const list = await this.#positionList(symbol);
    if (!list.some(isOpenLeg)) return [];
    const marginMode = await this.#accountMarginMode();
    return list.map((wire) => positionFromWire(wire, marginMode)).filter((p): p is Position => p !== null);
  }

  /**
   * V5 has no "get position mode": the legs of position/list tell it. Listing by settleCoin shows only open
   * positions, while listing one symbol shows its empty legs too, so fall back to a symbol when nothing is open.
   */
  async positionMode(): Promise<PositionMode> {
    const open = positionModeOf(await this.#positionList());
    if (open) return open;
    const markets = await this.#markets.all("linear");
    const probe = markets.has("BTCUSDT") ? "BTCUSDT" : markets.keys().next().value;
    if (!probe) throw new ExchangeError("not_supported", "Bybit lists no USDT perpetuals.", { venue: "bybit" });
    return positionModeOf(await this.#positionList(probe)) ?? "one_way";
  }

  async setPositionMode(mode: PositionMode): Promise<void> {
    await this.#rest.signedPost(
      {
        market: "linear",
        path: "/v5/position/switch-mode",
        operation: "position/switch-mode",
        schema: Empty,
        idempotent: true,
        noChangeIsSuccess: true,
      },
      // 0 = Merged Single (one-way), 3 = Both Sides (hedge); coin=USDT switches every USDT perpetual.
      { category: "linear", coin: "USDT", mode: mode === "hedge" ? 3 : 0 },
    );
  }

  /**
   * A unified account has one margin mode for all its positions (position/switch-isolated answers 100028 there), so
   * this sets the account's mode, and only when it differs; the symbol is only checked to exist.
   */
  async setMarginMode(symbol: string, mode: MarginMode): Promise<void> {
    await this.market("linear", symbol);
    if ((await this.#accountMarginMode()) === mode) return;
    await this.#rest.signedPost(
      {
        market: "linear",
        path: "/v5/account/set-margin-mode",
        operation: "account/set-margin-mode",
        schema: Empty,
        idempotent: true,
      },
      { setMarginMode: mode === "isolated" ? "ISOLATED_MARGIN" : "REGULAR_MARGIN" },
    );
  }

  async #accountMarginMode(): Promise<MarginMode> {
    const { result } = await this.#rest.signedGet(
      { market: "linear", path: "/v5/account/info", operation: "account/info", schema: AccountInfo, idempotent: true },
      {},
    );
    return marginModeFromAccount(result.marginMode);
  }

  async setLeverage(symbol: string, leverage: number): Promise<void> {
    await this.market("linear", symbol);
    const value = String(leverage);
    await this.#rest.signedPost(
      {
        market: "linear",
        path: "/v5/position/set-leverage",
        operation: "position/set-leverage",
        schema: Empty,
        idempotent: true,
        noChangeIsSuccess: true,
      },
      // Buy and sell leverage must be equal in one-way mode and in cross margin.
      { category: "linear", symbol, buyLeverage: value, sellLeverage: value },
    );
  }

  async setStops(request: StopsRequest): Promise<ConditionalOrder[]> {
    const market = await this.market("linear", request.symbol);
    const round = (price: string | null, kind: "stop_loss" | "take_profit") =>
      price === null ? "0" : roundStopPrice(price, market.tickSize, request.side, kind);
    await this.#tradingStop(request.symbol, request.positionSide, {
      stopLoss: round(request.stopLoss, "stop_loss"),
      takeProfit: round(request.takeProfit, "take_profit"),
    });
    return (await this.conditionalOrders(request.symbol)).filter((s) => s.positionSide === request.positionSide);
  }

  /**
   * Bybit removes a position's TP/SL with the position and refuses trading-stop on an empty one (10001), so only an
   * open leg that still has a TP or SL is sent the "0"s.
   */
  async cancelStops(symbol: string, positionSide: PositionSide): Promise<void> {
    const leg = (await this.#positionList(symbol)).find(
      (p) => p.symbol === symbol && positionSideOf(p.positionIdx) === positionSide && isOpenLeg(p),
    );
    if (!leg || stopsFromPosition(leg).length === 0) return;
    try {
      await this.#tradingStop(symbol, positionSide, { stopLoss: "0", takeProfit: "0" });
    } catch (error) {
      // Closed (a stop fired) between the read and this call: nothing is left to cancel.
      if (isExchangeError(error, "invalid_order") && /zero position/i.test(error.venueMessage ?? "")) return;
      throw error;
    }
  }

  /** trading-stop with tpslMode=Full on the mark price; "0" cancels a side, 34040 (not modified) is success. */
  async #tradingStop(symbol: string, positionSide: PositionSide, prices: { stopLoss: string; takeProfit: string }) {
    await this.#rest.signedPost(
      {
        market: "linear",
        path: "/v5/position/trading-stop",
        operation: "position/trading-stop",
        schema: Empty,
        idempotent: true,
        noChangeIsSuccess: true,
      },
      {
        category: "linear",
        symbol,
        tpslMode: "Full",
        positionIdx: positionIdx(positionSide),
        takeProfit: prices.takeProfit,
        stopLoss: prices.stopLoss,
        tpTriggerBy: "MarkPrice",
        slTriggerBy: "MarkPrice",
      },
    );
  }

  async conditionalOrders(symbol?: string): Promise<ConditionalOrder[]> {
    return (await this.#positionList(symbol)).flatMap(stopsFromPosition);
  }
}

/** A server-side error retCode on order creation says nothing about whether the order went in. */
function unknownIfServerError(error: unknown): unknown {
  if (!isExchangeError(error, "exchange_unavailable")) return error;
  const code = Number(error.venueCode);
  if (error.venueCode !== null && !SERVER_ERROR_CODES.has(code)) return error;
  return new ExchangeError(
    "unknown_outcome",
    "Bybit did not confirm the order; its outcome must be checked by client order id before anything is resent.",
    { venue: "bybit", venueCode: error.venueCode, venueMessage: error.venueMessage, httpStatus: error.httpStatus },
  );
}

function subtract(a: string, b: string): string {
  const value = Big(a).minus(b);
  return value.gt(0) ? value.toFixed() : "0";
}
