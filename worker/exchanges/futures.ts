import Big from "big.js";
import type {
  ConditionalOrder,
  ExchangeGateway,
  Order,
  OrderType,
  Position,
  PositionMode,
  PositionSide,
} from "./contract.ts";
import { ExchangeError, isExchangeError } from "./errors.ts";

/**
 * Venue-neutral futures intents built on the gateway contract: the HTTP surface and the portfolio engine open and
 * close positions through these, never by composing raw orders themselves.
 */

export type OpenPositionRequest = {
  symbol: string;
  side: "long" | "short";
  /** Base quantity already sized with precision.ts. */
  quantity: string;
  type: OrderType;
  price?: string;
  clientOrderId: string;
  positionMode: PositionMode;
  stopLoss?: string | null;
  takeProfit?: string | null;
};

export type OpenPositionResult = {
  order: Order;
  /** Protective orders placed after the fill; empty when none were asked for or the entry has not filled yet. */
  stops: ConditionalOrder[];
  /** True when SL/TP are still to be placed: the (limit) entry has not filled, or placing them failed. */
  stopsPending: boolean;
  /** Why placing SL/TP after a fill failed; the entry stands either way and must not be reported as failed. */
  stopsError: string | null;
};

export type EntryStops = {
  symbol: string;
  side: "long" | "short";
  positionSide: PositionSide;
  stopLoss: string | null;
  takeProfit: string | null;
  clientIdPrefix: string;
};

/**
 * Places SL/TP once an entry has filled. Close-position stops need an open position to attach to (Binance algo
 * orders, Bybit trading-stop), so an unfilled entry leaves them pending; a failure leaves them pending with the
 * reason instead of hiding that the entry itself went through.
 */
export async function protectEntry(
  gateway: ExchangeGateway,
  order: Order,
  stops: EntryStops,
): Promise<OpenPositionResult> {
  const wantsStops = Boolean(stops.stopLoss || stops.takeProfit);
  if (!wantsStops) return { order, stops: [], stopsPending: false, stopsError: null };
  if (Big(order.filledQuantity).lte(0)) return { order, stops: [], stopsPending: true, stopsError: null };
  try {
    return { order, stops: await gateway.setStops(stops), stopsPending: false, stopsError: null };
  } catch (error) {
    if (!isExchangeError(error)) throw error;
    return { order, stops: [], stopsPending: true, stopsError: error.message };
  }
}

export function positionSideFor(mode: PositionMode, side: "long" | "short"): PositionSide {
  return mode === "hedge" ? side : "both";
}

export async function openPosition(
  gateway: ExchangeGateway,
  request: OpenPositionRequest,
): Promise<OpenPositionResult> {
  const positionSide = positionSideFor(request.positionMode, request.side);
  const order = await gateway.placeOrder({
    market: "linear",
    symbol: request.symbol,
    side: request.side === "long" ? "buy" : "sell",
    type: request.type,
    quantity: request.quantity,
    price: request.price,
    timeInForce: request.type === "limit" ? "gtc" : undefined,
    clientOrderId: request.clientOrderId,
    positionSide,
  });
  return protectEntry(gateway, order, {
    symbol: request.symbol,
    positionSide,
    side: request.side,
    stopLoss: request.stopLoss ?? null,
    takeProfit: request.takeProfit ?? null,
    clientIdPrefix: request.clientOrderId.slice(0, 28),
  });
}

export type ClosePositionRequest = {
  position: Position;
  /** Omit to close the whole position. */
  quantity?: string;
  type: OrderType;
  price?: string;
  clientOrderId: string;
};

/** Closes all or part of a position with a reduce-only order; a full close also removes its SL/TP. */
export async function closePosition(gateway: ExchangeGateway, request: ClosePositionRequest): Promise<Order> {
  const { position } = request;
  const quantity = request.quantity ?? position.size;
  if (Big(quantity).gt(position.size)) {
    throw new ExchangeError(
      "invalid_order",
      `Cannot close ${quantity}: the ${position.side} ${position.symbol} position is only ${position.size}.`,
      { venue: gateway.venue, filter: "max_qty" },
    );
  }
  const order = await gateway.placeOrder({
    market: "linear",
    symbol: position.symbol,
    side: position.side === "long" ? "sell" : "buy",
    type: request.type,
    quantity,
    price: request.price,
    timeInForce: request.type === "limit" ? "gtc" : undefined,
    clientOrderId: request.clientOrderId,
    reduceOnly: true,
    positionSide: position.positionSide,
  });
  if (Big(quantity).eq(position.size) && order.status === "filled") {
    await gateway.cancelStops(position.symbol, position.positionSide);
  }
  return order;
}
