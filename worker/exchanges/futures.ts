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
import { ExchangeError } from "./errors.ts";

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
  /** True when SL/TP are still to be placed once the (limit) entry fills. */
  stopsPending: boolean;
};

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
  const wantsStops = Boolean(request.stopLoss || request.takeProfit);
  const filled = Big(order.filledQuantity).gt(0);
  // Close-position stops need an open position to attach to (Binance algo orders, Bybit trading-stop).
  if (!wantsStops || !filled) return { order, stops: [], stopsPending: wantsStops };
  const stops = await gateway.setStops({
    symbol: request.symbol,
    positionSide,
    side: request.side,
    stopLoss: request.stopLoss ?? null,
    takeProfit: request.takeProfit ?? null,
    clientIdPrefix: request.clientOrderId.slice(0, 28),
  });
  return { order, stops, stopsPending: false };
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
