/**
 * The simulator's venue-neutral state model. The wire-protocol modules (sim/binance, sim/bybit) translate requests
 * into calls on `Exchange` (engine/exchange.ts) and its results into each venue's real JSON shapes and error codes.
 * All quantities and prices are decimal strings; arithmetic uses big.js.
 */
import type { CandleScript } from "./candle-scripts.ts";
import type { PriceScenario } from "./scenarios.ts";

export type SimVenue = "binance" | "bybit";
export type SimMarket = "spot" | "linear";

/**
 * The venue environment an account (and so its API key) belongs to; a key works only on its environment's hosts
 * (environments.ts). `live` is also what direct requests to the simulator (a custom base URL) reach. Binance's spot and
 * futures testnets are separate sites with separate accounts; its demo and Bybit's environments are one account each.
 */
export type SimEnvironment = "live" | "testnet" | "spot-testnet" | "futures-testnet" | "demo";

export type Instrument = {
  symbol: string; // e.g. "BTCUSDT"
  market: SimMarket;
  base: string;
  quote: string;
  status: "trading" | "halted";
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
  maxLeverage: number; // linear only (spot: 1)
  /** Starting price of the seeded path. */
  anchorPrice: string;
  /** Multiplies the path's volatility: stablecoin pairs move a few hundredths of a percent a day, not 3.5 %. */
  volatilityScale?: number;
};

export type Permissions = {
  read: boolean;
  spot: boolean;
  futures: boolean;
  withdrawals: boolean;
};

export type SimOrderStatus = "new" | "partially_filled" | "filled" | "canceled" | "rejected" | "expired";

export type SimOrder = {
  orderId: string; // numeric string, unique per venue
  clientOrderId: string;
  venue: SimVenue;
  market: SimMarket;
  symbol: string;
  side: "buy" | "sell";
  type: "market" | "limit";
  timeInForce: "gtc" | "ioc" | "fok" | "post_only";
  price: string | null; // limit price
  quantity: string;
  filledQuantity: string;
  /** Quote value filled (sum of price*qty of fills). */
  filledQuote: string;
  status: SimOrderStatus;
  reduceOnly: boolean;
  positionSide: "both" | "long" | "short";
  createdAt: number;
  updatedAt: number;
};

export type SimFill = {
  tradeId: string;
  orderId: string;
  clientOrderId: string;
  market: SimMarket;
  symbol: string;
  side: "buy" | "sell";
  price: string;
  quantity: string;
  fee: string;
  feeAsset: string;
  maker: boolean;
  realizedPnl: string; // linear only, "0" for spot
  time: number;
};

export type SimPosition = {
  symbol: string;
  positionSide: "both" | "long" | "short";
  /** Signed size in one-way mode (negative = short); positive per leg in hedge mode. */
  size: string;
  entryPrice: string;
  leverage: number;
  marginMode: "cross" | "isolated";
};

export type SimConditional = {
  id: string; // algoId-like numeric string
  clientId: string | null;
  symbol: string;
  kind: "stop_loss" | "take_profit";
  positionSide: "both" | "long" | "short";
  /** The side of the closing order: "sell" closes a long, "buy" closes a short. */
  closeSide: "buy" | "sell";
  triggerPrice: string;
  status: "new" | "triggered" | "canceled";
  createdAt: number;
  /** Set when it triggered and closed a position: the market order it placed. */
  triggeredOrderId?: string;
  updatedAt?: number;
};

export type Account = {
  id: string;
  venue: SimVenue;
  environment: SimEnvironment;
  apiKey: string;
  apiSecret: string;
  permissions: Permissions;
  /** Spot wallet: asset → free/locked. For Bybit the unified account uses this for spot and USDT collateral too. */
  spot: Map<string, { free: string; locked: string }>;
  /**
   * Futures (USDT-M) wallet balance in USDT, before unrealized PnL. Binance only: a Bybit unified account margins its
   * linear positions with its spot USDT (free), so for Bybit this stays "0" and PnL and fees settle into spot USDT.
   */
  futuresWallet: string;
  positionMode: "one_way" | "hedge";
  leverage: Map<string, number>; // symbol → leverage (default 20)
  marginMode: Map<string, "cross" | "isolated">; // symbol → mode (default cross)
  positions: Map<string, SimPosition>; // key `${symbol}:${positionSide}`
  orders: Map<string, SimOrder>; // key orderId
  fills: SimFill[];
  conditionals: Map<string, SimConditional>;
  /** Funding fees charged on its linear positions, oldest first. */
  funding: SimFundingPayment[];
};

/** One funding fee on one position leg: `amount` is signed (negative = paid), `rate` the funding rate applied. */
/** One settled funding of a perpetual as the venues' public history shows it. */
export type SimFundingRecord = { symbol: string; fundingTime: number; fundingRate: string; markPrice: string };

/** At most `limit` funding times in [from, to], keeping the oldest or the newest of the range. */
export type FundingHistoryQuery = { from: number; to: number; limit: number; keep: "oldest" | "newest" };

export type SimFundingPayment = {
  id: string;
  symbol: string;
  positionSide: "both" | "long" | "short";
  /** Signed size at settlement (negative = short). */
  size: string;
  markPrice: string;
  rate: string;
  amount: string;
  time: number;
};

/**
 * Faults injected through the control API; each is consumed by the next matching request. A request fault with an
 * `apiKey` matches only that key's requests, so tests running side by side do not take each other's faults.
 */
type Scope = { venue: SimVenue; pathPrefix: string; apiKey?: string };
export type Fault =
  | ({ type: "timeout_after_accept"; delayMs: number } & Scope)
  | ({ type: "error_after_accept"; status: number } & Scope)
  | ({ type: "rate_limit"; retryAfterSeconds: number } & Scope)
  /** A 3xx to the same URL, answered before the venue acts: a client that follows it sends the request again. */
  | ({ type: "redirect"; status: number } & Scope)
  | { type: "clock_skew"; venue: SimVenue; skewMs: number; count: number };

/** Per-venue request limits the wire modules enforce through the RateLimitBook; adjustable via the control API. */
export type SimLimits = {
  /** Binance REQUEST_WEIGHT per minute (real default 6000 spot, 2400 fapi). */
  binanceWeightPerMinute: number;
  /** Binance ORDERS per 10 seconds. */
  binanceOrdersPer10s: number;
  /** Bybit requests per second per UID and endpoint (real default 10 for linear order/create). */
  bybitPerSecond: number;
};

/** Domain errors the wire modules map to each venue's real error codes. */
export type SimErrorCode =
  | "insufficient_balance"
  | "duplicate_client_id"
  | "order_not_found"
  | "bad_symbol"
  | "filter_tick_size"
  | "filter_step_size"
  | "filter_min_qty"
  | "filter_max_qty"
  | "filter_min_notional"
  | "invalid_leverage"
  | "no_change"
  | "reduce_only_rejected"
  | "position_side_mismatch"
  | "would_trigger_immediately"
  | "post_only_would_take"
  | "invalid_parameter";

export class SimError extends Error {
  readonly code: SimErrorCode;
  constructor(code: SimErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type PlaceOrderInput = {
  market: SimMarket;
  symbol: string;
  side: "buy" | "sell";
  type: "market" | "limit";
  quantity: string;
  price?: string;
  timeInForce?: "gtc" | "ioc" | "fok" | "post_only";
  clientOrderId: string;
  reduceOnly?: boolean;
  positionSide?: "both" | "long" | "short";
};

export type ExchangeOptions = {
  /** Seed of the price paths (default 42). */
  seed?: number;
  /** Replaces the default catalog. */
  instruments?: Instrument[];
  /** Clock in epoch ms (default Date.now); tests pass a fake clock to make matching deterministic. */
  now?: () => number;
  /** Multiplies every path's volatility (default 1; 0 freezes prices at their anchors). */
  volatility?: number;
  /** A scripted market for some symbols (scenarios.ts), shared by the venues; none by default. */
  scenario?: PriceScenario | null;
};

export type OrderLookup = { orderId?: string; clientOrderId?: string };

export type PositionView = SimPosition & {
  markPrice: string;
  unrealizedPnl: string;
  liquidationPrice: string | null;
  notional: string;
};

export type FuturesEquity = {
  walletBalance: string;
  unrealizedPnl: string;
  marginBalance: string;
  availableBalance: string;
  initialMargin: string;
};

export type Candle = { openTime: number; open: string; high: string; low: string; close: string; volume: string };

/**
 * One venue's exchange: instruments, seeded prices, accounts and a matching engine. Time advances lazily: every
 * account call first runs one matching step (resting limits, then SL/TP triggers) when the clock has entered a new
 * second since the last step, so fills depend on time and prices, not on how often state is read. `settle()` runs a
 * step unconditionally. A crossed resting order fills at most the book quantity per step (partial fills).
 * Methods throw SimError for domain failures; the wire layer maps them to the venue's codes.
 */
export interface SimExchange {
  readonly venue: SimVenue;
  now(): number;
  instruments(market: SimMarket): Instrument[];
  instrument(market: SimMarket, symbol: string): Instrument | undefined;
  /** Last traded price; for linear it is also the mark price. */
  price(market: SimMarket, symbol: string): string;
  bookTop(market: SimMarket, symbol: string): { bidPrice: string; bidQty: string; askPrice: string; askQty: string };
  /** Candles oldest first, the last one containing `endTime` (default now). */
  klines(market: SimMarket, symbol: string, intervalMs: number, limit: number, endTime?: number): Candle[];
  /** Exact candles for one symbol at one interval, ending at the last closed candle (candle-scripts.ts). */
  scriptCandles(script: CandleScript): void;
  clearCandleScript(market: SimMarket, symbol: string): void;
  fundingRate(symbol: string): string;
  /** Open contracts in the base asset: a seeded market-wide amount plus the simulator's own accounts' longs. */
  openInterest(symbol: string): string;
  /**
   * Funding fees of `account` since `since`; settlements due (every 8 h of the clock) are charged first. Control:
   * `chargeFunding()` settles positions now (one account's, or every account's).
   */
  fundingPayments(account: Account, since: number): SimFundingPayment[];
  /** Settled fundings of a perpetual (public history), oldest first. */
  fundingHistory(symbol: string, query: FundingHistoryQuery): SimFundingRecord[];
  chargeFunding(account?: Account): SimFundingPayment[];

  createAccount(input: {
    environment?: SimEnvironment;
    apiKey?: string;
    apiSecret?: string;
    permissions?: Partial<Permissions>;
    spot?: Record<string, string>;
    futuresWallet?: string;
  }): Account;
  accountByKey(apiKey: string): Account | undefined;

  placeOrder(account: Account, input: PlaceOrderInput): SimOrder;
  cancelOrder(account: Account, market: SimMarket, symbol: string, by: OrderLookup): SimOrder;
  getOrder(account: Account, market: SimMarket, symbol: string, by: OrderLookup): SimOrder | undefined;
  openOrders(account: Account, market: SimMarket, symbol?: string): SimOrder[];
  fills(account: Account, market: SimMarket, symbol: string, since: number): SimFill[];

  setLeverage(account: Account, symbol: string, leverage: number): "changed" | "no_change";
  setMarginMode(account: Account, symbol: string, mode: "cross" | "isolated"): "changed" | "no_change";
  /** One margin mode for every linear symbol (Bybit unified accounts); refused with open orders or positions. */
  setAccountMarginMode(account: Account, mode: "cross" | "isolated"): "changed" | "no_change";
  setPositionMode(account: Account, mode: "one_way" | "hedge"): "changed" | "no_change";
  positions(account: Account, symbol?: string): PositionView[];
  futuresEquity(account: Account): FuturesEquity;

  placeConditional(
    account: Account,
    input: Omit<SimConditional, "id" | "status" | "createdAt" | "triggeredOrderId" | "updatedAt">,
  ): SimConditional;
  cancelConditional(account: Account, by: { id?: string; clientId?: string }): SimConditional;
  conditionals(account: Account, symbol?: string): SimConditional[];

  /**
   * Control: move a price now (rounded to the tick); the seeded path continues from there, or stays flat at it with
   * `hold` until the next setPrice.
   */
  setPrice(market: SimMarket, symbol: string, price: string, options?: { hold?: boolean }): void;
  /** Every account (control API state dumps). */
  accounts(): Account[];
  settle(): void;
  reset(): void;
}
