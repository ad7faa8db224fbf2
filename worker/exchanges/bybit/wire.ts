import * as z from "zod";

/**
 * Bybit V5 JSON as it arrives on the wire (bybit-exchange/docs docs/v5/**). Only the fields we read are parsed;
 * numbers are decimal strings, and "" stands for "no value" in many fields (avgPrice, liqPrice, takeProfit).
 */

/** Every V5 answer, success or not, HTTP 200 or not: `{retCode, retMsg, result, retExtInfo, time}`. */
export const Envelope = z.object({
  retCode: z.number(),
  retMsg: z.string(),
  result: z.unknown(),
  time: z.number().optional(),
});
export type Envelope = z.infer<typeof Envelope>;

const Cursor = z.string().optional().nullable();

export const ServerTime = z.object({ timeSecond: z.string(), timeNano: z.string() });

const SpotInstrument = z.object({
  symbol: z.string(),
  baseCoin: z.string(),
  quoteCoin: z.string(),
  status: z.string(),
  priceFilter: z.object({ tickSize: z.string() }),
  // Spot has no qtyStep: basePrecision is the quantity step; minOrderQty is deprecated in favour of minOrderAmt.
  lotSizeFilter: z.object({
    basePrecision: z.string(),
    minOrderQty: z.string().optional(),
    maxOrderQty: z.string().optional(),
    maxLimitOrderQty: z.string().optional(),
    maxMarketOrderQty: z.string().optional(),
    minOrderAmt: z.string().optional(),
  }),
});
export type SpotInstrument = z.infer<typeof SpotInstrument>;

const LinearInstrument = z.object({
  symbol: z.string(),
  baseCoin: z.string(),
  quoteCoin: z.string(),
  status: z.string(),
  contractType: z.string().optional(),
  priceFilter: z.object({ tickSize: z.string() }),
  lotSizeFilter: z.object({
    qtyStep: z.string(),
    minOrderQty: z.string(),
    maxOrderQty: z.string().optional(),
    maxMktOrderQty: z.string().optional(),
    minNotionalValue: z.string().optional(),
  }),
  leverageFilter: z.object({ minLeverage: z.string(), maxLeverage: z.string() }).optional(),
});
export type LinearInstrument = z.infer<typeof LinearInstrument>;

export const SpotInstruments = z.object({ list: z.array(SpotInstrument), nextPageCursor: Cursor });
export const LinearInstruments = z.object({ list: z.array(LinearInstrument), nextPageCursor: Cursor });

export const Tickers = z.object({
  list: z.array(
    z.object({
      symbol: z.string(),
      lastPrice: z.string(),
      bid1Price: z.string().optional(),
      bid1Size: z.string().optional(),
      ask1Price: z.string().optional(),
      ask1Size: z.string().optional(),
      markPrice: z.string().optional(),
      fundingRate: z.string().optional(),
      nextFundingTime: z.string().optional(),
      openInterest: z.string().optional(),
      openInterestValue: z.string().optional(),
    }),
  ),
});

/** `/v5/account/transaction-log` rows; `funding` is positive when received. */
export const TransactionLog = z.object({
  list: z.array(
    z.object({
      id: z.string(),
      symbol: z.string(),
      type: z.string(),
      currency: z.string(),
      funding: z.string(),
      transactionTime: z.string(),
    }),
  ),
  nextPageCursor: Cursor,
});

/** Rows are `[startTime, open, high, low, close, volume, turnover]`, newest first. */
export const Klines = z.object({ list: z.array(z.array(z.string()).min(6)) });

/** `/v5/market/funding/history`, newest first. */
export const FundingHistory = z.object({
  list: z.array(z.object({ symbol: z.string(), fundingRate: z.string(), fundingRateTimestamp: z.string() })),
});

/** `/v5/market/mark-price-kline`: `[startTime, open, high, low, close]`, newest first. */
export const MarkPriceKlines = z.object({ list: z.array(z.array(z.string()).min(5)) });

export const OrderBook = z.object({
  s: z.string(),
  b: z.array(z.tuple([z.string(), z.string()])),
  a: z.array(z.tuple([z.string(), z.string()])),
  ts: z.number(),
});

const WalletCoin = z.object({
  coin: z.string(),
  walletBalance: z.string(),
  locked: z.string().optional(),
  equity: z.string().optional(),
  unrealisedPnl: z.string().optional(),
  totalOrderIM: z.string().optional(),
  totalPositionIM: z.string().optional(),
});
export type WalletCoin = z.infer<typeof WalletCoin>;

export const WalletBalance = z.object({
  list: z.array(z.object({ accountType: z.string(), coin: z.array(WalletCoin) })),
});

export const ApiKeyInfo = z.object({
  readOnly: z.number(),
  ips: z.array(z.string()).optional(),
  permissions: z.record(z.string(), z.array(z.string())),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

export const OrderAck = z.object({ orderId: z.string(), orderLinkId: z.string() });

export const WireOrder = z.object({
  orderId: z.string(),
  orderLinkId: z.string(),
  symbol: z.string(),
  price: z.string(),
  qty: z.string(),
  side: z.enum(["Buy", "Sell"]),
  positionIdx: z.number().optional(),
  orderStatus: z.string(),
  avgPrice: z.string().optional(),
  cumExecQty: z.string(),
  cumExecFee: z.string().optional(),
  /** Replaces the deprecated cumExecFee for linear and spot: coin → fee. */
  cumFeeDetail: z.record(z.string(), z.string()).optional().nullable(),
  timeInForce: z.string().optional(),
  orderType: z.enum(["Market", "Limit"]),
  stopOrderType: z.string().optional(),
  reduceOnly: z.boolean().optional(),
  createdTime: z.string(),
  updatedTime: z.string(),
});
export type WireOrder = z.infer<typeof WireOrder>;

export const OrderList = z.object({ list: z.array(WireOrder), nextPageCursor: Cursor });

export const Executions = z.object({
  list: z.array(
    z.object({
      symbol: z.string(),
      orderId: z.string(),
      orderLinkId: z.string(),
      side: z.enum(["Buy", "Sell"]),
      execId: z.string(),
      execPrice: z.string(),
      execQty: z.string(),
      execFee: z.string(),
      execType: z.string().optional(),
      feeCurrency: z.string().optional(),
      isMaker: z.boolean(),
      execTime: z.string(),
    }),
  ),
  nextPageCursor: Cursor,
});

export const WirePosition = z.object({
  positionIdx: z.number(),
  symbol: z.string(),
  side: z.string(),
  size: z.string(),
  avgPrice: z.string(),
  leverage: z.string().optional(),
  markPrice: z.string(),
  liqPrice: z.string().optional(),
  unrealisedPnl: z.string(),
  takeProfit: z.string().optional(),
  stopLoss: z.string().optional(),
});
export type WirePosition = z.infer<typeof WirePosition>;

export const Positions = z.object({ list: z.array(WirePosition), nextPageCursor: Cursor });

/** account/info: the unified account's margin mode (ISOLATED_MARGIN, REGULAR_MARGIN or PORTFOLIO_MARGIN). */
export const AccountInfo = z.object({ marginMode: z.string() });
