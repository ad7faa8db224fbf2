import {
  Balance,
  Capabilities,
  ClientOrderId,
  ConditionalOrder,
  DecimalInput,
  DecimalString,
  ExchangeSymbol,
  FuturesWallet,
  MarginMode,
  Market,
  MarketType,
  Order,
  OrderType,
  Position,
  PositionMode,
  Ticker,
  Venue,
} from "./exchanges.ts";
import * as z from "./zod.ts";

/**
 * API shapes of the exchange-account surface (balances, orders, positions, futures controls, market pickers).
 * Exchange objects are the gateway contract's own schemas, so every venue answers in the same shape.
 */

const param = (name: string, schema: z.ZodString) => schema.openapi({ param: { name, in: "path" } });

export const KeyParam = z.object({ keyId: param("keyId", z.string().min(1).max(64)) });
export const SymbolParam = KeyParam.extend({
  symbol: param("symbol", ExchangeSymbol),
});
export const OrderParam = KeyParam.extend({ clientOrderId: param("clientOrderId", ClientOrderId) });
export const VenueParam = z.object({ venue: Venue.openapi({ param: { name: "venue", in: "path" } }) });
export const VenueSymbolParam = VenueParam.extend({
  symbol: param("symbol", ExchangeSymbol),
});

export const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, "1-128 printable ASCII characters")
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description: "Repeating a request with the same key and body returns the first answer; no second order is placed",
    }),
});

export const CapabilityMap = z.object({ venues: z.array(Capabilities) }).openapi("CapabilityMap");

export const MarketsQuery = z.object({
  market: MarketType.default("spot"),
  q: z.string().trim().max(30).optional().openapi({ description: "Matches symbol, base or quote (case-insensitive)" }),
  keyId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "Read the markets of this key's environment (testnet, demo…) instead of live" }),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const MarketList = z
  .object({ venue: Venue, market: MarketType, total: z.number().int(), markets: z.array(Market) })
  .openapi("MarketList");

export const MarketQuery = MarketsQuery.pick({ market: true, keyId: true });

export const MarketDetail = z.object({ market: Market, ticker: Ticker }).openapi("MarketDetail");

export const BalancesQuery = z.object({
  market: MarketType.default("spot").openapi({ description: "`spot` wallet, or the USDT futures wallet (`linear`)" }),
});

export const ValuedBalance = Balance.extend({
  priceUsd: DecimalString.nullable().openapi({ description: "USDT/USDC count as 1; null when no USDT market" }),
  valueUsd: DecimalString.nullable(),
}).openapi("ValuedBalance");

export const Balances = z
  .object({
    keyId: z.string(),
    venue: Venue,
    market: MarketType,
    balances: z.array(ValuedBalance),
    totalUsd: DecimalString.openapi({ description: "Sum of the priced balances" }),
    unpricedAssets: z.array(z.string()).openapi({ description: "Assets left out of totalUsd (no USDT market)" }),
    // A union, not .nullable(): the named FuturesWallet component must stay non-null where it is required.
    futuresWallet: z.union([FuturesWallet, z.null()]),
  })
  .openapi("Balances");
export type Balances = z.infer<typeof Balances>;

export const PositionsQuery = z.object({ symbol: ExchangeSymbol.optional() });
export const PositionList = z.object({ positions: z.array(Position) }).openapi("PositionList");

export const OrdersQuery = z.object({
  market: MarketType.default("spot"),
  symbol: ExchangeSymbol.optional(),
  status: z.enum(["open"]).default("open").openapi({ description: "Only open orders are listed for now" }),
});
export const OrderList = z.object({ orders: z.array(Order) }).openapi("OrderList");

export const CancelOrderQuery = z.object({ market: MarketType, symbol: ExchangeSymbol });

export const SetPositionMode = z.object({ mode: PositionMode }).openapi("SetPositionMode");
export const PositionModeView = z.object({ mode: PositionMode }).openapi("PositionModeView");
export const ConditionalOrdersQuery = z.object({ symbol: ExchangeSymbol.optional() });
export const SetMarginMode = z.object({ mode: MarginMode }).openapi("SetMarginMode");
export const SetLeverage = z.object({ leverage: z.number().int().min(1).max(200) }).openapi("SetLeverage");
export const SettingApplied = z
  .object({ symbol: z.string().nullable(), applied: z.literal(true) })
  .openapi("SettingApplied");

const positive = DecimalInput.refine((value) => Number(value) > 0, {
  message: "must be more than 0",
  params: { rule: "amount_not_positive" },
});

export const OpenFuturesPosition = z
  .object({
    symbol: ExchangeSymbol,
    side: z.enum(["long", "short"]),
    quantity: positive.optional().openapi({ description: "Base quantity; rounded down to the step size" }),
    notional: positive
      .optional()
      .openapi({ description: "Order value in the quote asset (USDT), instead of quantity" }),
    type: OrderType.default("market"),
    price: positive.optional().openapi({ description: "Limit price (limit orders only)" }),
    stopLoss: positive.optional(),
    takeProfit: positive.optional(),
  })
  .refine((body) => (body.quantity === undefined) !== (body.notional === undefined), {
    message: "give exactly one of quantity and notional",
    path: ["quantity"],
    params: { rule: "quantity_or_notional" },
  })
  .refine((body) => (body.type === "limit") === (body.price !== undefined), {
    message: "limit orders need a price; market orders take none",
    path: ["price"],
    params: { rule: "limit_price" },
  })
  .openapi("OpenFuturesPosition");
export type OpenFuturesPosition = z.infer<typeof OpenFuturesPosition>;

export const OpenedPosition = z
  .object({
    order: Order,
    stops: z.array(ConditionalOrder),
    stopsPending: z
      .boolean()
      .openapi({ description: "SL/TP are not in place yet: the limit entry has not filled, or placing them failed" }),
    stopsError: z
      .string()
      .nullable()
      .openapi({ description: "Why SL/TP could not be placed after the fill; the position is open without them" }),
  })
  .openapi("OpenedPosition");

export const CloseFuturesPosition = z
  .object({
    symbol: ExchangeSymbol,
    side: z
      .enum(["long", "short"])
      .optional()
      .openapi({ description: "Which position (needed when both a long and a short are open, hedge mode)" }),
    quantity: positive.optional().openapi({ description: "Omit to close the whole position" }),
    type: OrderType.default("market"),
    price: positive.optional(),
  })
  .refine((body) => (body.type === "limit") === (body.price !== undefined), {
    message: "limit orders need a price; market orders take none",
    path: ["price"],
    params: { rule: "limit_price" },
  })
  .openapi("CloseFuturesPosition");
export type CloseFuturesPosition = z.infer<typeof CloseFuturesPosition>;

export const ClosedPosition = z.object({ order: Order }).openapi("ClosedPosition");

export const SetStops = z
  .object({
    side: z.enum(["long", "short"]).optional(),
    stopLoss: positive.nullable().openapi({ description: "Trigger price; null removes the stop-loss" }),
    takeProfit: positive.nullable().openapi({ description: "Trigger price; null removes the take-profit" }),
  })
  .openapi("SetStops");
export type SetStops = z.infer<typeof SetStops>;

export const StopsQuery = z.object({ side: z.enum(["long", "short"]).optional() });
export const StopList = z.object({ stops: z.array(ConditionalOrder) }).openapi("StopList");

export const TradingSettings = z
  .object({
    twoFactorForTrading: z
      .boolean()
      .openapi({ description: "Order-creating and futures-setting actions need a recent 2FA code (2FA must be on)" }),
  })
  .openapi("TradingSettings");
export type TradingSettings = z.infer<typeof TradingSettings>;
