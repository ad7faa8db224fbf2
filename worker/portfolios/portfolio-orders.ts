import Big from "big.js";
import type { ExchangeGateway } from "../exchanges/contract.ts";
import { isExchangeError } from "../exchanges/errors.ts";
import { closePosition } from "../exchanges/futures.ts";
import { isPortfolioOrder, portfolioClientOrderId } from "./client-order-ids.ts";
import { type PortfolioRow, storedTokens } from "./store.ts";
import { gatewayMarket, symbolOf } from "./validation.ts";

/**
 * What stop and the kill switch do on the exchange. Only orders whose client id carries the portfolio's prefix are
 * touched: the key may also hold the owner's manual orders and other portfolios' orders on the same symbols.
 */

export type CanceledOrder = { symbol: string; clientOrderId: string };
export type ClosedPosition = {
  symbol: string;
  positionSide: "both" | "long" | "short";
  quantity: string;
  clientOrderId: string;
};

export function portfolioSymbols(row: PortfolioRow): string[] {
  return storedTokens(row).map((t) => symbolOf(t.token, row.cashToken));
}

export async function cancelPortfolioOrders(gateway: ExchangeGateway, row: PortfolioRow): Promise<CanceledOrder[]> {
  const market = gatewayMarket(row.market);
  const canceled: CanceledOrder[] = [];
  for (const symbol of portfolioSymbols(row)) {
    const open = await gateway.openOrders(market, symbol);
    for (const order of open.filter((o) => isPortfolioOrder(row.id, o.clientOrderId))) {
      try {
        await gateway.cancelOrder(market, symbol, order.clientOrderId);
        canceled.push({ symbol, clientOrderId: order.clientOrderId });
      } catch (error) {
        // Filled or canceled in the meantime: nothing is left to cancel.
        if (!isExchangeError(error, "order_not_found")) throw error;
      }
    }
  }
  return canceled;
}

/**
 * Closes the positions on the portfolio's contracts with reduce-only market orders. Positions carry no client id;
 * the contracts are the portfolio's own because a token runs in at most one portfolio of a key (validation.ts).
 */
export async function closePortfolioPositions(
  gateway: ExchangeGateway,
  row: PortfolioRow,
  now: Date,
): Promise<ClosedPosition[]> {
  if (row.market !== "futures") return [];
  const symbols = new Set(portfolioSymbols(row));
  const positions = (await gateway.positions()).filter((p) => symbols.has(p.symbol) && Big(p.size).gt(0));
  const closed: ClosedPosition[] = [];
  for (const [i, position] of positions.entries()) {
    const clientOrderId = portfolioClientOrderId(row.id, `kill${now.getTime().toString(36)}${i}`);
    await closePosition(gateway, { position, type: "market", clientOrderId });
    closed.push({
      symbol: position.symbol,
      positionSide: position.positionSide,
      quantity: position.size,
      clientOrderId,
    });
  }
  return closed;
}
