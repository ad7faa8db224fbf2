import { engineMessageOrNull } from "./engine-messages.ts";
import { DecimalString, MarketType, OrderSide, OrderType, PositionSide, Venue } from "./exchanges.ts";
import * as z from "./zod.ts";

/**
 * A portfolio's orders and fills as Ballast recorded them. An order exists here before it is sent (status `planned`
 * with its client order id), so nothing a portfolio does on the exchange is untracked.
 */

export const ORDER_STATUSES = [
  "pending_approval",
  "planned",
  "sending",
  "open",
  "partially_filled",
  "filled",
  "canceled",
  "expired",
  "rejected",
  "failed",
  "unknown",
] as const;

export const PortfolioOrderStatus = z.enum(ORDER_STATUSES).openapi("PortfolioOrderStatus", {
  description:
    "`pending_approval`: waits for you (manual mode). `planned`/`sending`: saved, being placed. `rejected`: refused " +
    "by a guard, a risk limit or you, never sent. `failed`: the venue refused it. `unknown`: the venue did not " +
    "confirm it; Ballast looks it up by its client order id (never resends) until it knows.",
});
export type PortfolioOrderStatus = z.infer<typeof PortfolioOrderStatus>;

/** Statuses an order can still change from. */
export const LIVE_ORDER_STATUSES = ["sending", "open", "partially_filled", "unknown"] as const;

export const PortfolioOrder = z
  .object({
    id: z.string(),
    runId: z.string().nullable(),
    leg: z.number().int(),
    clientOrderId: z.string(),
    venue: Venue,
    paper: z.boolean().openapi({ description: "Placed with the paper broker, not on the venue" }),
    market: MarketType,
    symbol: z.string(),
    action: z.string().openapi({ description: "`buy`/`sell` (spot), OPEN/INCREASE/REDUCE/CLOSE (futures), `kill`" }),
    side: OrderSide,
    type: OrderType,
    quantity: DecimalString,
    price: DecimalString.nullable(),
    reduceOnly: z.boolean(),
    positionSide: PositionSide,
    leverage: z.number().int().nullable(),
    stopLoss: DecimalString.nullable(),
    takeProfit: DecimalString.nullable(),
    stopsStatus: z.enum(["none", "pending", "placed", "failed"]).openapi({
      description: "Futures entries: SL/TP are placed once the entry fills",
    }),
    stopsError: z.string().nullable(),
    status: PortfolioOrderStatus,
    reason: z.string().nullable().openapi({ description: "Why it was refused, failed or canceled" }),
    reasonMessage: engineMessageOrNull("`reason` as a code with parameters; null for orders written before codes"),
    exchangeOrderId: z.string().nullable(),
    filledQuantity: DecimalString,
    averagePrice: DecimalString.nullable(),
    notionalUsd: DecimalString.nullable(),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("PortfolioOrder");
export type PortfolioOrder = z.infer<typeof PortfolioOrder>;

const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().openapi({ description: "`nextCursor` of the previous page" }),
};

export const OrderListQuery = z.object({
  status: z
    .enum([...PortfolioOrderStatus.options, "live"])
    .optional()
    .openapi({ description: "One status, or `live` for orders that can still change (open, sending, unknown)" }),
  ...page,
});
export type OrderListQuery = z.infer<typeof OrderListQuery>;

export const OrderList = z
  .object({ orders: z.array(PortfolioOrder), nextCursor: z.string().nullable() })
  .openapi("PortfolioOrderList");

export const PortfolioFill = z
  .object({
    id: z.string(),
    orderId: z.string(),
    clientOrderId: z.string(),
    tradeId: z.string(),
    symbol: z.string(),
    side: OrderSide,
    price: DecimalString,
    quantity: DecimalString,
    fee: DecimalString,
    feeAsset: z.string(),
    maker: z.boolean(),
    time: z.iso.datetime(),
  })
  .openapi("PortfolioFill");
export type PortfolioFill = z.infer<typeof PortfolioFill>;

export const FillListQuery = z.object(page);
export type FillListQuery = z.infer<typeof FillListQuery>;

export const FillList = z
  .object({ fills: z.array(PortfolioFill), nextCursor: z.string().nullable() })
  .openapi("PortfolioFillList");

export const ExportQuery = z.object({
  status: OrderListQuery.shape.status,
});

export const OrderParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
  orderId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "orderId", in: "path" } }),
});
