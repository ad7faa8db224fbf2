import Big from "big.js";
import type { PaperAccount } from "./paper-account.ts";
import { isClosingOrder, signedSize } from "./paper-linear.ts";
import { closeOrder, executeFill, isOpen, type PaperContext } from "./paper-orders.ts";
import { isMarketable, type Quotes } from "./paper-quotes.ts";

/**
 * Lazy matching: the paper broker has no feed of its own, so each call checks resting limits against the prices it
 * has just read. A crossed limit fills in full at its own price as maker; a price that crossed and came back between
 * two calls is not seen.
 */
export function matchRestingOrders(account: PaperAccount, ctx: PaperContext, quotes: Quotes): void {
  for (const order of Object.values(account.orders)) {
    if (!isOpen(order) || order.price === null) continue;
    const quote = quotes[order.market].get(order.symbol);
    if (!quote) continue;
    const limit = Big(order.price);
    if (!isMarketable(quote, order.side, limit)) continue;
    let quantity = Big(order.quantity).minus(order.filledQuantity);
    if (order.market === "linear" && isClosingOrder(order)) {
      // The leg may have shrunk since the order rested: a closing order never trades past flat.
      const size = signedSize(account, order.symbol, order.positionSide);
      const faces = order.side === "buy" ? size.lt(0) : size.gt(0);
      const room = faces ? size.abs() : Big(0);
      if (room.lt(quantity)) quantity = room;
    }
    if (quantity.gt(0)) executeFill(account, ctx, order, limit, quantity, true);
    if (isOpen(order)) closeOrder(account, order, "expired", ctx.now);
  }
}
