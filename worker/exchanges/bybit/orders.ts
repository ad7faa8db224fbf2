import Big from "big.js";
import type * as z from "zod";
import type { Fill, Market, Order, OrderRequest, OrderStatus, PositionSide, TimeInForce } from "../contract.ts";
import type { Executions, WireOrder } from "./wire.ts";

/** Order and fill mapping between the contract and order/create, order/realtime, execution/list. */

/** enum.mdx orderStatus. Triggered is a conditional order that became an active one: still working. */
const STATUS: Record<string, OrderStatus> = {
  New: "open",
  Untriggered: "open",
  Triggered: "open",
  PartiallyFilled: "partially_filled",
  Filled: "filled",
  Cancelled: "canceled",
  PartiallyFilledCanceled: "canceled",
  Deactivated: "canceled",
  Rejected: "rejected",
};

const TIME_IN_FORCE: Record<TimeInForce, string> = { gtc: "GTC", ioc: "IOC", fok: "FOK", post_only: "PostOnly" };

/** positionIdx: 0 one-way, 1 hedge buy (long) leg, 2 hedge sell (short) leg. */
export function positionIdx(side: PositionSide): 0 | 1 | 2 {
  return side === "long" ? 1 : side === "short" ? 2 : 0;
}

export function positionSideOf(idx: number | undefined): PositionSide {
  return idx === 1 ? "long" : idx === 2 ? "short" : "both";
}

/** order/create body; every number is a decimal string, as Bybit requires. */
export function createOrderBody(request: OrderRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    category: request.market,
    symbol: request.symbol,
    side: request.side === "buy" ? "Buy" : "Sell",
    orderType: request.type === "market" ? "Market" : "Limit",
    qty: request.quantity,
    orderLinkId: request.clientOrderId,
  };
  if (request.type === "limit") {
    body.price = request.price;
    body.timeInForce = TIME_IN_FORCE[request.timeInForce ?? "gtc"];
  } else {
    body.timeInForce = "IOC"; // market orders are always IOC on Bybit
  }
  if (request.market === "spot" && request.type === "market") {
    // A spot Market Buy's qty is in quote currency by default; our quantity is always base.
    body.marketUnit = "baseCoin";
  }
  if (request.market === "linear") {
    body.positionIdx = positionIdx(request.positionSide ?? "both");
    if (request.reduceOnly) body.reduceOnly = true;
  }
  return body;
}

const decimal = (value: string | undefined): string | null => {
  if (!value) return null;
  try {
    return Big(value).gt(0) ? Big(value).toFixed() : null;
  } catch {
    return null;
  }
};

/** Fees: cumFeeDetail (coin → amount) when present, else cumExecFee in the settle coin (linear) or received coin. */
function fees(wire: WireOrder, market: Market): Order["fees"] {
  if (wire.cumFeeDetail && Object.keys(wire.cumFeeDetail).length > 0) {
    return Object.entries(wire.cumFeeDetail).map(([asset, amount]) => ({ asset, amount: Big(amount).toFixed() }));
  }
  const amount = decimal(wire.cumExecFee);
  if (!amount) return [];
  const asset = market.type === "linear" || wire.side === "Sell" ? market.quote : market.base;
  return [{ asset, amount }];
}

export function orderFromWire(wire: WireOrder, market: Market): Order {
  const type = wire.orderType === "Market" ? "market" : "limit";
  return {
    venue: "bybit",
    market: market.type,
    symbol: wire.symbol,
    clientOrderId: wire.orderLinkId,
    exchangeOrderId: wire.orderId,
    side: wire.side === "Buy" ? "buy" : "sell",
    type,
    status: STATUS[wire.orderStatus] ?? "open",
    // A market order carries Bybit's slippage-protection limit price; it is not a price the caller chose.
    price: type === "limit" ? decimal(wire.price) : null,
    quantity: Big(wire.qty).toFixed(),
    filledQuantity: Big(wire.cumExecQty || "0").toFixed(),
    averagePrice: decimal(wire.avgPrice),
    fees: fees(wire, market),
    reduceOnly: wire.reduceOnly ?? false,
    positionSide: market.type === "linear" ? positionSideOf(wire.positionIdx) : "both",
    createdAt: Number(wire.createdTime),
    updatedAt: Number(wire.updatedTime),
  };
}

/** Orders that are TP/SL or conditional (stopOrderType set) are reported as conditional orders, not here. */
export function isPlainOrder(wire: WireOrder): boolean {
  return !wire.stopOrderType || wire.stopOrderType === "UNKNOWN";
}

/**
 * order/create is asynchronous: when the read-back does not show the order yet, this is what we know. It is marked
 * open with nothing filled; reconciliation (getOrder) brings the real state.
 */
export function acceptedOrder(request: OrderRequest, exchangeOrderId: string, now: number): Order {
  return {
    venue: "bybit",
    market: request.market,
    symbol: request.symbol,
    clientOrderId: request.clientOrderId,
    exchangeOrderId,
    side: request.side,
    type: request.type,
    status: "open",
    price: request.type === "limit" ? (request.price ?? null) : null,
    quantity: request.quantity,
    filledQuantity: "0",
    averagePrice: null,
    fees: [],
    reduceOnly: request.reduceOnly ?? false,
    positionSide: request.market === "linear" ? (request.positionSide ?? "both") : "both",
    createdAt: now,
    updatedAt: now,
  };
}

type Execution = z.infer<typeof Executions>["list"][number];

export function fillFromWire(wire: Execution, market: Market): Fill {
  const side = wire.side === "Buy" ? "buy" : "sell";
  return {
    symbol: wire.symbol,
    tradeId: wire.execId,
    exchangeOrderId: wire.orderId,
    clientOrderId: wire.orderLinkId || null,
    side,
    price: Big(wire.execPrice).toFixed(),
    quantity: Big(wire.execQty).toFixed(),
    fee: Big(wire.execFee || "0").toFixed(),
    feeAsset: wire.feeCurrency || (market.type === "linear" || side === "sell" ? market.quote : market.base),
    maker: wire.isMaker,
    time: Number(wire.execTime),
  };
}
