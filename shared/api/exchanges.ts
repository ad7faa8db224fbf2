import * as z from "./zod.ts";

/** Venue enums shared by the gateway contract, the API and the web UI. */
export const Venue = z.enum(["binance", "bybit"]).openapi("Venue");
export type Venue = z.infer<typeof Venue>;

/** `spot` or USDT-margined perpetual contracts (`linear`). */
export const MarketType = z.enum(["spot", "linear"]).openapi("MarketType");
export type MarketType = z.infer<typeof MarketType>;

export const ExchangeEnvironment = z.enum(["live", "testnet", "demo", "custom"]).openapi("ExchangeEnvironment", {
  description:
    "The venue's live site, its testnet or demo-trading site, or `custom`: base URLs of your own (allowed hosts only)",
});
export type ExchangeEnvironment = z.infer<typeof ExchangeEnvironment>;

/** Where a custom environment sends each market's requests; null: no URL, so that market is not available. */
export const MarketBaseUrls = z
  .object({ spot: z.string().nullable(), linear: z.string().nullable() })
  .openapi("MarketBaseUrls", {
    description: "A custom key's base URL per market; null means the key has no URL for (and cannot use) that market",
  });
export type MarketBaseUrls = z.infer<typeof MarketBaseUrls>;

/*
 * The gateway contract's normalized shapes. Prices, quantities and money are decimal strings (never floats). The
 * adapters in worker/exchanges produce exactly these, so API answers look the same whichever venue is behind them.
 */
export const Environment = ExchangeEnvironment;
export type Environment = z.infer<typeof Environment>;

export const DecimalString = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number as a string, e.g. "0.001"')
  .openapi({ example: "0.001" });
export type DecimalString = z.infer<typeof DecimalString>;

/** A decimal a client sends (a quantity, a price): the same shape, and no longer than any real one. */
export const DecimalInput = DecimalString.max(40, "at most 40 characters");

export const MarketStatus = z.enum(["trading", "halted", "cancel_only", "delisted"]);

export const Market = z
  .object({
    venue: Venue,
    type: MarketType,
    symbol: z.string(),
    base: z.string(),
    quote: z.string(),
    status: MarketStatus,
    tickSize: DecimalString,
    stepSize: DecimalString,
    /** Step for market orders when the venue has a separate one (Binance MARKET_LOT_SIZE). */
    marketStepSize: DecimalString.nullable(),
    minQty: DecimalString,
    maxQty: DecimalString.nullable(),
    /** Largest quantity of a market order when the venue has a separate limit. */
    maxMarketQty: DecimalString.nullable(),
    minNotional: DecimalString,
    minLeverage: z.number().nullable(),
    maxLeverage: z.number().nullable(),
  })
  .openapi("Market");
export type Market = z.infer<typeof Market>;

export const Ticker = z
  .object({
    symbol: z.string(),
    last: DecimalString,
    bid: DecimalString.nullable(),
    ask: DecimalString.nullable(),
    /** What the best bid and ask offer, when the venue's ticker says (both venues do). */
    bidQty: DecimalString.nullable().optional(),
    askQty: DecimalString.nullable().optional(),
    mark: DecimalString.nullable(),
    fundingRate: DecimalString.nullable(),
    time: z.number().int(),
  })
  .openapi("Ticker");
export type Ticker = z.infer<typeof Ticker>;

/** A USDT perpetual's funding and open interest, from the venue's public data. */
export const FuturesStats = z
  .object({
    symbol: z.string(),
    /** Per funding interval as a fraction (0.0001 = 0.01 %); positive means longs pay shorts. */
    fundingRate: DecimalString,
    /** When the next funding is charged (epoch ms). */
    nextFundingTime: z.number().int(),
    /** Open contracts in the base asset. */
    openInterest: DecimalString,
    /** Open interest in USDT (open interest × mark). */
    openInterestValue: DecimalString,
    time: z.number().int(),
  })
  .openapi("FuturesStats");
export type FuturesStats = z.infer<typeof FuturesStats>;

/** A funding fee the futures account paid (negative) or received (positive), with the venue's id for it. */
export const FundingPayment = z.object({
  id: z.string(),
  symbol: z.string(),
  asset: z.string(),
  amount: DecimalString,
  time: z.number().int(),
});
export type FundingPayment = z.infer<typeof FundingPayment>;

/** One settled funding of a USDT perpetual, from the venue's public history: the rate and the mark it was charged at. */
export const FundingRateRecord = z.object({
  symbol: z.string(),
  fundingTime: z.number().int(),
  fundingRate: DecimalString,
  /** Null when the venue's history does not carry it (old Binance rows). */
  markPrice: DecimalString.nullable(),
});
export type FundingRateRecord = z.infer<typeof FundingRateRecord>;

export const KlineInterval = z.enum(["1m", "5m", "15m", "30m", "1h", "4h", "12h", "1d", "1w"]);
export type KlineInterval = z.infer<typeof KlineInterval>;

/** One candle; lists of klines are always oldest first whatever the venue sends. */
export const Kline = z.object({
  openTime: z.number().int(),
  open: DecimalString,
  high: DecimalString,
  low: DecimalString,
  close: DecimalString,
  volume: DecimalString,
});
export type Kline = z.infer<typeof Kline>;

export const OrderBookTop = z.object({
  symbol: z.string(),
  bidPrice: DecimalString,
  bidQty: DecimalString,
  askPrice: DecimalString,
  askQty: DecimalString,
  time: z.number().int(),
});
export type OrderBookTop = z.infer<typeof OrderBookTop>;

export const Balance = z
  .object({ asset: z.string(), free: DecimalString, locked: DecimalString, total: DecimalString })
  .openapi("Balance");
export type Balance = z.infer<typeof Balance>;

export const OrderSide = z.enum(["buy", "sell"]);
export type OrderSide = z.infer<typeof OrderSide>;
export const OrderType = z.enum(["market", "limit"]);
export type OrderType = z.infer<typeof OrderType>;
export const TimeInForce = z.enum(["gtc", "ioc", "fok", "post_only"]);
export type TimeInForce = z.infer<typeof TimeInForce>;
export const OrderStatus = z.enum(["open", "partially_filled", "filled", "canceled", "rejected", "expired"]);
export type OrderStatus = z.infer<typeof OrderStatus>;
/** Hedge-mode leg; `both` in one-way mode. */
export const PositionSide = z.enum(["both", "long", "short"]);
export type PositionSide = z.infer<typeof PositionSide>;

/**
 * Client order ids are deterministic (derived from portfolio, run and leg) and persisted before sending. Both venues
 * accept at most 36 characters of [A-Za-z0-9-_].
 */
/** A venue's symbol as requests name it (BTCUSDT): checked for shape here, so a typo is a 400, not a venue error. */
export const ExchangeSymbol = z
  .string()
  .regex(/^[A-Z0-9]{2,30}$/, "must be an exchange symbol such as BTCUSDT (2-30 capital letters and digits)");

export const ClientOrderId = z.string().regex(/^[A-Za-z0-9_-]{1,36}$/, "1-36 characters of A-Z, a-z, 0-9, - and _");
export type ClientOrderId = z.infer<typeof ClientOrderId>;

export const Fee = z.object({ asset: z.string(), amount: DecimalString });

export const Order = z
  .object({
    venue: Venue,
    market: MarketType,
    symbol: z.string(),
    clientOrderId: z.string(),
    exchangeOrderId: z.string(),
    side: OrderSide,
    type: OrderType,
    status: OrderStatus,
    price: DecimalString.nullable(),
    quantity: DecimalString,
    filledQuantity: DecimalString,
    averagePrice: DecimalString.nullable(),
    fees: z.array(Fee),
    reduceOnly: z.boolean(),
    positionSide: PositionSide,
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("Order");
export type Order = z.infer<typeof Order>;

export const OrderRequest = z.object({
  market: MarketType,
  symbol: z.string(),
  side: OrderSide,
  type: OrderType,
  /** Base-asset quantity, already rounded to the step by the caller (see precision.ts). */
  quantity: DecimalString,
  price: DecimalString.optional(),
  timeInForce: TimeInForce.optional(),
  clientOrderId: ClientOrderId,
  reduceOnly: z.boolean().optional(),
  positionSide: PositionSide.optional(),
});
export type OrderRequest = z.infer<typeof OrderRequest>;

export const Fill = z
  .object({
    symbol: z.string(),
    tradeId: z.string(),
    exchangeOrderId: z.string(),
    clientOrderId: z.string().nullable(),
    side: OrderSide,
    price: DecimalString,
    quantity: DecimalString,
    fee: DecimalString,
    feeAsset: z.string(),
    maker: z.boolean(),
    time: z.number().int(),
  })
  .openapi("Fill");
export type Fill = z.infer<typeof Fill>;

export const FuturesWallet = z
  .object({
    asset: z.string(),
    walletBalance: DecimalString,
    availableBalance: DecimalString,
    marginBalance: DecimalString,
    unrealizedPnl: DecimalString,
  })
  .openapi("FuturesWallet");
export type FuturesWallet = z.infer<typeof FuturesWallet>;

export const PositionMode = z.enum(["one_way", "hedge"]);
export type PositionMode = z.infer<typeof PositionMode>;
export const MarginMode = z.enum(["cross", "isolated"]);
export type MarginMode = z.infer<typeof MarginMode>;

export const Position = z
  .object({
    symbol: z.string(),
    side: z.enum(["long", "short"]),
    positionSide: PositionSide,
    size: DecimalString,
    entryPrice: DecimalString,
    markPrice: DecimalString,
    unrealizedPnl: DecimalString,
    leverage: z.number(),
    liquidationPrice: DecimalString.nullable(),
    marginMode: MarginMode,
  })
  .openapi("Position");
export type Position = z.infer<typeof Position>;

export const StopKind = z.enum(["stop_loss", "take_profit"]);
export type StopKind = z.infer<typeof StopKind>;

/** A protective order that closes the whole position when the mark price reaches `triggerPrice`. */
export const ConditionalOrder = z
  .object({
    symbol: z.string(),
    kind: StopKind,
    positionSide: PositionSide,
    triggerPrice: DecimalString,
    clientId: z.string().nullable(),
    exchangeId: z.string(),
  })
  .openapi("ConditionalOrder");
export type ConditionalOrder = z.infer<typeof ConditionalOrder>;

export const StopsRequest = z.object({
  symbol: z.string(),
  /** The position to protect: `both` in one-way mode, `long`/`short` in hedge mode. */
  positionSide: PositionSide,
  /** Direction of the position, needed to choose the closing side. */
  side: z.enum(["long", "short"]),
  stopLoss: DecimalString.nullable(),
  takeProfit: DecimalString.nullable(),
  /** Prefix for deterministic client ids of the protective orders (venues that need them). */
  clientIdPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,28}$/),
});
export type StopsRequest = z.infer<typeof StopsRequest>;

export const KeyPermissions = z
  .object({
    canRead: z.boolean(),
    spotTrading: z.boolean(),
    futuresTrading: z.boolean(),
    withdrawals: z.boolean(),
    ipRestricted: z.boolean().nullable(),
    /** What the environment could not tell and was inferred instead (e.g. a demo site without a permissions read). */
    note: z.string().nullable(),
  })
  .openapi("KeyPermissions");
export type KeyPermissions = z.infer<typeof KeyPermissions>;

export const Operation = z.enum([
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
  "futuresWallet",
  "positions",
  "setPositionMode",
  "setMarginMode",
  "setLeverage",
  "stops",
]);
export type Operation = z.infer<typeof Operation>;

export const Capabilities = z
  .object({
    venue: Venue,
    name: z.string(),
    markets: z.array(MarketType),
    environments: z.array(Environment),
    operations: z.record(MarketType, z.array(Operation)),
    notes: z.array(z.string()),
  })
  .openapi("ExchangeCapabilities");
export type Capabilities = z.infer<typeof Capabilities>;
