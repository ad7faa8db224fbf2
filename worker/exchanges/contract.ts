import type {
  Balance,
  Capabilities,
  ConditionalOrder,
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
  Venue,
} from "../../shared/api/exchanges.ts";

/**
 * The gateway contract: every part of Ballast talks to an exchange only through the normalized shapes (zod schemas in
 * shared/api/exchanges.ts, re-exported here) and the `ExchangeGateway` interface below.
 */
export * from "../../shared/api/exchanges.ts";

/** One venue's adapter. Methods throw `ExchangeError` (errors.ts) and nothing else. */
export interface ExchangeGateway {
  readonly venue: Venue;
  readonly capabilities: Capabilities;
  serverTime(market: MarketType): Promise<number>;
  markets(market: MarketType): Promise<Market[]>;
  market(market: MarketType, symbol: string): Promise<Market>;
  tickers(market: MarketType, symbols: string[]): Promise<Ticker[]>;
  klines(market: MarketType, symbol: string, interval: KlineInterval, limit: number): Promise<Kline[]>;
  orderBookTop(market: MarketType, symbol: string): Promise<OrderBookTop>;
  balances(): Promise<Balance[]>;
  permissions(): Promise<KeyPermissions>;
  /** Never retried by the adapter: a timeout or 5xx becomes `unknown_outcome`, resolved with `getOrder`. */
  placeOrder(request: OrderRequest): Promise<Order>;
  cancelOrder(market: MarketType, symbol: string, clientOrderId: string): Promise<Order>;
  /** `null` when the venue has no order with this client id. */
  getOrder(market: MarketType, symbol: string, clientOrderId: string): Promise<Order | null>;
  openOrders(market: MarketType, symbol?: string): Promise<Order[]>;
  fills(market: MarketType, symbol: string, since: number): Promise<Fill[]>;
  /** Funding rate, next funding time and open interest of USDT perpetuals (public). */
  futuresStats(symbols: string[]): Promise<FuturesStats[]>;
  /** Funding fees the futures account paid or received since `since` (epoch ms, at most 7 days back), oldest first. */
  fundingPayments(since: number): Promise<FundingPayment[]>;
  /**
   * Settled fundings of one perpetual after `since` (epoch ms, exclusive) up to now, oldest first, each with the rate
   * and the mark price it was charged at (public; what the paper broker charges its positions from).
   */
  fundingHistory(symbol: string, since: number): Promise<FundingRateRecord[]>;
  futuresWallet(): Promise<FuturesWallet>;
  positions(symbol?: string): Promise<Position[]>;
  positionMode(): Promise<PositionMode>;
  /** "Already set" answers from the venue count as success. */
  setPositionMode(mode: PositionMode): Promise<void>;
  setMarginMode(symbol: string, mode: MarginMode): Promise<void>;
  setLeverage(symbol: string, leverage: number): Promise<void>;
  /** Sets or replaces stop-loss and take-profit; a null price cancels that side. */
  setStops(request: StopsRequest): Promise<ConditionalOrder[]>;
  cancelStops(symbol: string, positionSide: PositionSide): Promise<void>;
  conditionalOrders(symbol?: string): Promise<ConditionalOrder[]>;
}
