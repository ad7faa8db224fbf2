import Big from "big.js";
import type { Fill, Order, OrderRequest, OrderStatus, PositionSide, TimeInForce } from "../contract.ts";
import type { Params } from "./signing.ts";
import type { FuturesOrder, FuturesTrade, SpotOrder, SpotTrade } from "./wire.ts";

/** Orders and fills between the contract's shapes and Binance's parameters and JSON (spot and USDⓈ-M). */

const STATUS: Record<string, OrderStatus> = {
  NEW: "open",
  PENDING_NEW: "open",
  PARTIALLY_FILLED: "partially_filled",
  FILLED: "filled",
  CANCELED: "canceled",
  PENDING_CANCEL: "canceled",
  REJECTED: "rejected",
  EXPIRED: "expired",
  EXPIRED_IN_MATCH: "expired",
};

export function toStatus(status: string): OrderStatus {
  return STATUS[status] ?? "open";
}

const SPOT_TIF: Record<Exclude<TimeInForce, "post_only">, string> = { gtc: "GTC", ioc: "IOC", fok: "FOK" };
/** Futures post-only is timeInForce GTX ("good till crossing"). */
const FUTURES_TIF: Record<TimeInForce, string> = { gtc: "GTC", ioc: "IOC", fok: "FOK", post_only: "GTX" };
const POSITION_SIDE: Record<PositionSide, string> = { both: "BOTH", long: "LONG", short: "SHORT" };

/**
 * POST /api/v3/order. Spot post-only is the LIMIT_MAKER type (no timeInForce). Market buys are sized by `quantity`
 * (base), not quoteOrderQty, because the caller already rounded the base quantity to the step.
 */
export function spotOrderParams(request: OrderRequest): Params {
  const postOnly = request.type === "limit" && request.timeInForce === "post_only";
  const tif = request.timeInForce && request.timeInForce !== "post_only" ? request.timeInForce : "gtc";
  return {
    symbol: request.symbol,
    side: request.side === "buy" ? "BUY" : "SELL",
    type: request.type === "market" ? "MARKET" : postOnly ? "LIMIT_MAKER" : "LIMIT",
    timeInForce: request.type === "limit" && !postOnly ? SPOT_TIF[tif] : undefined,
    quantity: request.quantity,
    price: request.type === "limit" ? request.price : undefined,
    newClientOrderId: request.clientOrderId,
    // FULL includes the fills (and their commissions) of an order that trades on arrival.
    newOrderRespType: "FULL",
  };
}

/** POST /fapi/v1/order. `reduceOnly` is rejected in hedge mode, where the position side already says "close". */
export function futuresOrderParams(request: OrderRequest): Params {
  const positionSide = request.positionSide ?? "both";
  return {
    symbol: request.symbol,
    side: request.side === "buy" ? "BUY" : "SELL",
    positionSide: POSITION_SIDE[positionSide],
    type: request.type === "market" ? "MARKET" : "LIMIT",
    timeInForce: request.type === "limit" ? FUTURES_TIF[request.timeInForce ?? "gtc"] : undefined,
    quantity: request.quantity,
    price: request.type === "limit" ? request.price : undefined,
    reduceOnly: request.reduceOnly && positionSide === "both" ? "true" : undefined,
    newClientOrderId: request.clientOrderId,
    newOrderRespType: "RESULT",
  };
}

type FeeLine = { asset: string; amount: string };

/** Sums commissions per asset. */
export function sumFees(lines: FeeLine[]): Order["fees"] {
  const byAsset = new Map<string, Big>();
  for (const line of lines) byAsset.set(line.asset, (byAsset.get(line.asset) ?? Big(0)).plus(line.amount));
  return [...byAsset].map(([asset, amount]) => ({ asset, amount: amount.toFixed() }));
}

export function spotTradeFees(trades: SpotTrade[]): Order["fees"] {
  return sumFees(trades.map((t) => ({ asset: t.commissionAsset, amount: t.commission })));
}

export function futuresTradeFees(trades: FuturesTrade[]): Order["fees"] {
  return sumFees(trades.map((t) => ({ asset: t.commissionAsset, amount: t.commission })));
}

export function fromSpotOrder(o: SpotOrder, fees?: Order["fees"], now = Date.now()): Order {
  const filled = Big(o.executedQty);
  const createdAt = o.time ?? o.transactTime ?? now;
  return {
    venue: "binance",
    market: "spot",
    symbol: o.symbol,
    // A DELETE answer's `clientOrderId` is the cancel request's own id; the order's id is `origClientOrderId`.
    clientOrderId: o.origClientOrderId ?? o.clientOrderId,
    exchangeOrderId: o.orderId,
    side: o.side === "BUY" ? "buy" : "sell",
    type: o.type === "MARKET" ? "market" : "limit",
    status: toStatus(o.status),
    price: nonZero(o.price),
    quantity: Big(o.origQty).toFixed(),
    filledQuantity: filled.toFixed(),
    averagePrice: filled.gt(0) ? trimmed(Big(o.cummulativeQuoteQty).div(filled)) : null,
    fees: fees ?? sumFees((o.fills ?? []).map((f) => ({ asset: f.commissionAsset, amount: f.commission }))),
    reduceOnly: false,
    positionSide: "both",
    createdAt,
    updatedAt: o.updateTime ?? o.transactTime ?? createdAt,
  };
}

export function fromFuturesOrder(o: FuturesOrder, fees: Order["fees"] = [], now = Date.now()): Order {
  const filled = Big(o.executedQty);
  const updatedAt = o.updateTime ?? now;
  return {
    venue: "binance",
    market: "linear",
    symbol: o.symbol,
    clientOrderId: o.clientOrderId,
    exchangeOrderId: o.orderId,
    side: o.side === "BUY" ? "buy" : "sell",
    type: o.type === "MARKET" ? "market" : "limit",
    status: toStatus(o.status),
    price: nonZero(o.price),
    quantity: Big(o.origQty).toFixed(),
    filledQuantity: filled.toFixed(),
    averagePrice: filled.gt(0) && o.avgPrice ? nonZero(o.avgPrice) : null,
    fees,
    reduceOnly: o.reduceOnly,
    positionSide: o.positionSide === "LONG" ? "long" : o.positionSide === "SHORT" ? "short" : "both",
    createdAt: o.time ?? updatedAt,
    updatedAt,
  };
}

export function fromSpotTrade(t: SpotTrade): Fill {
  return {
    symbol: t.symbol,
    tradeId: t.id,
    exchangeOrderId: t.orderId,
    // myTrades does not echo the client order id; match on exchangeOrderId.
    clientOrderId: null,
    side: t.isBuyer ? "buy" : "sell",
    price: Big(t.price).toFixed(),
    quantity: Big(t.qty).toFixed(),
    fee: Big(t.commission).toFixed(),
    feeAsset: t.commissionAsset,
    maker: t.isMaker,
    time: t.time,
  };
}

export function fromFuturesTrade(t: FuturesTrade): Fill {
  return {
    symbol: t.symbol,
    tradeId: t.id,
    exchangeOrderId: t.orderId,
    clientOrderId: null,
    side: t.side === "BUY" ? "buy" : "sell",
    price: Big(t.price).toFixed(),
    quantity: Big(t.qty).toFixed(),
    fee: Big(t.commission).toFixed(),
    feeAsset: t.commissionAsset,
    maker: t.maker,
    time: t.time,
  };
}

/** Market orders report price "0" (spot "0.00000000"). */
function nonZero(value: string): string | null {
  return Big(value).eq(0) ? null : Big(value).toFixed();
}

/** Average prices keep 12 decimals at most: enough for any tick, without a long tail of division digits. */
function trimmed(value: Big): string {
  return value.round(12).toFixed();
}
