import * as z from "zod";

/**
 * Zod schemas of the Binance JSON this adapter reads (spot `/api/v3`, `/sapi/v1`, USDⓈ-M `/fapi`). Only fields we
 * use are declared; unknown fields pass through untouched. Prices and quantities arrive as decimal strings.
 */

const Decimal = z.string();
/** Binance sends ids as JSON numbers; keep them as strings so 64-bit ids never lose precision downstream. */
const Id = z.union([z.number(), z.string()]).transform((value) => String(value));

export const ErrorBody = z.object({ code: z.number(), msg: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const ServerTime = z.object({ serverTime: z.number() });

const Filter = z.looseObject({
  filterType: z.string(),
  tickSize: Decimal.optional(),
  minPrice: Decimal.optional(),
  maxPrice: Decimal.optional(),
  stepSize: Decimal.optional(),
  minQty: Decimal.optional(),
  maxQty: Decimal.optional(),
  /** Spot NOTIONAL / MIN_NOTIONAL. */
  minNotional: Decimal.optional(),
  /** Futures MIN_NOTIONAL uses `notional`, not `minNotional` (exchanges.md §2.3). */
  notional: Decimal.optional(),
});
export type Filter = z.infer<typeof Filter>;

export const SymbolInfo = z.object({
  symbol: z.string(),
  status: z.string(),
  baseAsset: z.string(),
  quoteAsset: z.string(),
  /** Futures only: PERPETUAL, CURRENT_QUARTER, ... */
  contractType: z.string().optional(),
  marginAsset: z.string().optional(),
  filters: z.array(Filter),
});
export type SymbolInfo = z.infer<typeof SymbolInfo>;

export const ExchangeInfo = z.object({
  rateLimits: z
    .array(z.object({ rateLimitType: z.string(), interval: z.string(), intervalNum: z.number(), limit: z.number() }))
    .default([]),
  symbols: z.array(SymbolInfo),
});
export type ExchangeInfo = z.infer<typeof ExchangeInfo>;

export const PriceTicker = z.object({ symbol: z.string(), price: Decimal, time: z.number().optional() });
export const PriceTickers = z.union([z.array(PriceTicker), PriceTicker.transform((t) => [t])]);

export const BookTicker = z.object({
  symbol: z.string(),
  bidPrice: Decimal,
  bidQty: Decimal,
  askPrice: Decimal,
  askQty: Decimal,
  time: z.number().optional(),
});
export const BookTickers = z.union([z.array(BookTicker), BookTicker.transform((t) => [t])]);

/** `GET /api/v3/ticker/24hr` (FULL): the last price and the top of the book in one answer; the day's figures unread. */
export const DayTicker = z.object({
  symbol: z.string(),
  lastPrice: Decimal,
  bidPrice: Decimal,
  bidQty: Decimal,
  askPrice: Decimal,
  askQty: Decimal,
});
export const DayTickers = z.union([z.array(DayTicker), DayTicker.transform((t) => [t])]);

export const PremiumIndex = z.object({
  symbol: z.string(),
  markPrice: Decimal,
  lastFundingRate: Decimal,
  time: z.number(),
});
export const PremiumIndexes = z.union([z.array(PremiumIndex), PremiumIndex.transform((p) => [p])]);

/** `[openTime, open, high, low, close, volume, closeTime, ...]`. */
export const KlineRow = z.tuple(
  [z.number(), Decimal, Decimal, Decimal, Decimal, Decimal],
  z.union([z.number(), z.string()]),
);
export const Klines = z.array(KlineRow);

export const SpotAccount = z.object({
  balances: z.array(z.object({ asset: z.string(), free: Decimal, locked: Decimal })),
});

export const ApiRestrictions = z.object({
  ipRestrict: z.boolean(),
  enableReading: z.boolean().default(true),
  enableWithdrawals: z.boolean(),
  enableSpotAndMarginTrading: z.boolean(),
  enableFutures: z.boolean(),
});

/** The one field of GET /api/v3/account and /fapi/v2/account a permission check needs. */
export const AccountTrading = z.object({ canTrade: z.boolean() });

const SpotFill = z.object({
  price: Decimal,
  qty: Decimal,
  commission: Decimal,
  commissionAsset: z.string(),
  tradeId: Id.optional(),
});

/** Spot order as returned by POST (FULL), GET and DELETE /api/v3/order and openOrders. */
export const SpotOrder = z.object({
  symbol: z.string(),
  orderId: Id,
  clientOrderId: z.string(),
  /** DELETE answers carry the original id here and the cancel request's id in `clientOrderId`. */
  origClientOrderId: z.string().optional(),
  price: Decimal,
  origQty: Decimal,
  executedQty: Decimal,
  cummulativeQuoteQty: Decimal,
  status: z.string(),
  type: z.string(),
  side: z.enum(["BUY", "SELL"]),
  time: z.number().optional(),
  transactTime: z.number().optional(),
  updateTime: z.number().optional(),
  fills: z.array(SpotFill).optional(),
});
export type SpotOrder = z.infer<typeof SpotOrder>;
/** GET /api/v3/openOrders. */
export const SpotOrders = z.array(SpotOrder);

export const SpotTrade = z.object({
  symbol: z.string(),
  id: Id,
  orderId: Id,
  price: Decimal,
  qty: Decimal,
  commission: Decimal,
  commissionAsset: z.string(),
  time: z.number(),
  isBuyer: z.boolean(),
  isMaker: z.boolean(),
});
/** GET /api/v3/myTrades. List schemas are built once, here: built per call, they showed in a review's profile. */
export const SpotTrades = z.array(SpotTrade);
export type SpotTrade = z.infer<typeof SpotTrade>;

export const FuturesOrder = z.object({
  symbol: z.string(),
  orderId: Id,
  clientOrderId: z.string(),
  price: Decimal,
  avgPrice: Decimal.optional(),
  origQty: Decimal,
  executedQty: Decimal,
  cumQuote: Decimal.optional(),
  status: z.string(),
  type: z.string(),
  side: z.enum(["BUY", "SELL"]),
  positionSide: z.enum(["BOTH", "LONG", "SHORT"]).default("BOTH"),
  reduceOnly: z.boolean().default(false),
  time: z.number().optional(),
  updateTime: z.number().optional(),
});
export type FuturesOrder = z.infer<typeof FuturesOrder>;
/** GET /fapi/v1/openOrders. */
export const FuturesOrders = z.array(FuturesOrder);

export const FuturesTrade = z.object({
  symbol: z.string(),
  id: Id,
  orderId: Id,
  side: z.enum(["BUY", "SELL"]),
  price: Decimal,
  qty: Decimal,
  commission: Decimal,
  commissionAsset: z.string(),
  maker: z.boolean(),
  time: z.number(),
});
/** GET /fapi/v1/userTrades. */
export const FuturesTrades = z.array(FuturesTrade);
export type FuturesTrade = z.infer<typeof FuturesTrade>;

export const FuturesAccount = z.object({
  totalWalletBalance: Decimal,
  totalUnrealizedProfit: Decimal,
  totalMarginBalance: Decimal,
  availableBalance: Decimal,
  assets: z
    .array(
      z.object({
        asset: z.string(),
        walletBalance: Decimal,
        unrealizedProfit: Decimal,
        marginBalance: Decimal,
        availableBalance: Decimal,
      }),
    )
    .default([]),
});

export const PositionRisk = z.object({
  symbol: z.string(),
  positionAmt: Decimal,
  entryPrice: Decimal,
  markPrice: Decimal,
  unRealizedProfit: Decimal,
  liquidationPrice: Decimal,
  /** Present on /fapi/v2/positionRisk; v3 dropped it (exchanges.md addendum). */
  leverage: Decimal,
  marginType: z.string(),
  positionSide: z.enum(["BOTH", "LONG", "SHORT"]),
});
/** GET /fapi/v2/positionRisk. */
export const PositionRisks = z.array(PositionRisk);
export type PositionRisk = z.infer<typeof PositionRisk>;

export const DualSidePosition = z.object({ dualSidePosition: z.boolean() });

export const AlgoOrder = z.object({
  algoId: Id,
  clientAlgoId: z.string().nullable().optional(),
  orderType: z.string(),
  symbol: z.string(),
  side: z.enum(["BUY", "SELL"]),
  positionSide: z.enum(["BOTH", "LONG", "SHORT"]).default("BOTH"),
  triggerPrice: Decimal,
  algoStatus: z.string().optional(),
});
export type AlgoOrder = z.infer<typeof AlgoOrder>;
export const AlgoOrders = z.array(AlgoOrder);

/** `/fapi/v1/premiumIndex` with the next funding time (one object for one symbol, a list for none). */
export const FundingIndex = z.object({
  symbol: z.string(),
  markPrice: Decimal,
  lastFundingRate: Decimal,
  nextFundingTime: z.number(),
  time: z.number(),
});
export const FundingIndexes = z.union([z.array(FundingIndex), FundingIndex.transform((p) => [p])]);

/** `/fapi/v1/openInterest`: open contracts in the base asset. */
export const OpenInterest = z.object({ symbol: z.string(), openInterest: Decimal, time: z.number() });

/** `/fapi/v1/fundingRate` rows, oldest first; `markPrice` is "" on rows older than the field. */
export const FundingRates = z.array(
  z.object({ symbol: z.string(), fundingTime: z.number(), fundingRate: Decimal, markPrice: z.string().default("") }),
);

/** `/fapi/v1/income` rows; `tranId` is unique per user and income type. */
export const IncomeRows = z.array(
  z.object({
    symbol: z.string(),
    incomeType: z.string(),
    income: Decimal,
    asset: z.string(),
    time: z.number(),
    tranId: z.union([z.number(), z.string()]),
  }),
);
