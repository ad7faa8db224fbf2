import type { ExchangeGateway, MarketType, Order, Position } from "../exchanges/contract.ts";

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
