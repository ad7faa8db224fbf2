import type {
  ConditionalOrder,
  ExchangeGateway,
  MarketType,
  Order,
  Position,
  PositionMode,
} from "../exchanges/contract.ts";

/** Read and cancel through the gateway contract: every venue answers the same normalized orders and positions. */

export function openOrders(gateway: ExchangeGateway, market: MarketType, symbol?: string): Promise<Order[]> {
  return gateway.openOrders(market, symbol);
}

export function cancelOrder(
  gateway: ExchangeGateway,
  market: MarketType,
  symbol: string,
  clientOrderId: string,
): Promise<Order> {
  return gateway.cancelOrder(market, symbol, clientOrderId);
}

export function openPositions(gateway: ExchangeGateway, symbol?: string): Promise<Position[]> {
  return gateway.positions(symbol);
}

export function positionMode(gateway: ExchangeGateway): Promise<PositionMode> {
  return gateway.positionMode();
}

/** Stop-loss and take-profit orders of the key's positions (Binance algo orders, Bybit position trading stops). */
export function protectiveOrders(gateway: ExchangeGateway, symbol?: string): Promise<ConditionalOrder[]> {
  return gateway.conditionalOrders(symbol);
}
