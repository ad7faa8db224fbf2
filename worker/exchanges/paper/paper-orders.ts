import Big from "big.js";
import type { Order, Venue } from "../contract.ts";
import { MAX_FILLS, type PaperAccount, type PaperOrder } from "./paper-account.ts";
import type { PaperSettings } from "./paper-gateway.ts";
import { applyLinearFill } from "./paper-linear.ts";
import { settleSpotFill, unlockFunds } from "./paper-spot.ts";

/** Order records on the paper account: ids, fills, closing with their reservations released, and the public view. */

/** What every step of one gateway call shares: the clock is read once so a call's records carry one time. */
export type PaperContext = { venue: Venue; settings: PaperSettings; now: number };

/** Closed orders kept for getOrder and duplicate checks; older ones are dropped so the stored document stays small. */
const MAX_CLOSED_ORDERS = 500;

export function nextExchangeId(account: PaperAccount): string {
  const id = `paper-${account.nextId}`;
  account.nextId += 1;
  return id;
}

export function isOpen(order: Pick<PaperOrder, "status">): boolean {
  return order.status === "open" || order.status === "partially_filled";
}

export function toOrder(record: PaperOrder): Order {
  const { timeInForce: _tif, base: _base, quote: _quote, reserved: _reserved, ...order } = record;
  return structuredClone(order);
}

/** Closes an order and gives back what it still holds. */
export function closeOrder(
  account: PaperAccount,
  order: PaperOrder,
  status: "filled" | "canceled" | "expired",
  now: number,
): void {
  order.status = status;
  order.updatedAt = now;
  const reserved = order.reserved;
  order.reserved = null;
  if (order.market === "spot" && reserved && Big(reserved.amount).gt(0)) {
    unlockFunds(account, reserved.asset, Big(reserved.amount));
  }
}

function addFee(order: PaperOrder, asset: string, amount: Big): void {
  const line = order.fees.find((fee) => fee.asset === asset);
  if (line) line.amount = Big(line.amount).plus(amount).toFixed();
  else order.fees.push({ asset, amount: amount.toFixed() });
}

function feeRate(ctx: PaperContext, order: PaperOrder, maker: boolean): string {
  if (order.market === "spot") return ctx.settings.spotFeeRate;
  return maker ? ctx.settings.makerFeeRate : ctx.settings.takerFeeRate;
}

/** Books one fill of `quantity` at `price`: balances or position, the fill row, and the order's progress. */
export function executeFill(
  account: PaperAccount,
  ctx: PaperContext,
  order: PaperOrder,
  price: Big,
  quantity: Big,
  maker: boolean,
): void {
  const rate = feeRate(ctx, order, maker);
  const charged =
    order.market === "spot"
      ? settleSpotFill(account, order, price, quantity, rate)
      : { fee: applyLinearFill(account, order, price, quantity, rate, ctx.now).fee, feeAsset: order.quote };
  account.fills.push({
    market: order.market,
    symbol: order.symbol,
    tradeId: nextExchangeId(account),
    exchangeOrderId: order.exchangeOrderId,
    clientOrderId: order.clientOrderId,
    side: order.side,
    price: price.toFixed(),
    quantity: quantity.toFixed(),
    fee: charged.fee.toFixed(),
    feeAsset: charged.feeAsset,
    maker,
    time: ctx.now,
  });
  if (account.fills.length > MAX_FILLS) account.fills.splice(0, account.fills.length - MAX_FILLS);
  const filledBefore = Big(order.filledQuantity);
  const filled = filledBefore.plus(quantity);
  const average = Big(order.averagePrice ?? "0");
  order.averagePrice = average.times(filledBefore).plus(price.times(quantity)).div(filled).round(12).toFixed();
  order.filledQuantity = filled.toFixed();
  addFee(order, charged.feeAsset, charged.fee);
  order.updatedAt = ctx.now;
  if (filled.gte(order.quantity)) closeOrder(account, order, "filled", ctx.now);
  else order.status = "partially_filled";
}

/**
 * Moves the orders a call closed from `orders` to `closedOrders`, then drops the oldest closed orders beyond
 * MAX_CLOSED_ORDERS. Either makes a new closed record: the old one may be shared with other copies of the account.
 */
export function fileClosedOrders(account: PaperAccount): void {
  let filed: PaperAccount["closedOrders"] | null = null;
  for (const id in account.orders) {
    const order = account.orders[id] as PaperOrder;
    if (isOpen(order)) continue;
    filed ??= { ...account.closedOrders };
    filed[id] = order;
    delete account.orders[id];
  }
  if (!filed) return;
  const closed = Object.values(filed);
  if (closed.length > MAX_CLOSED_ORDERS) {
    closed.sort((a, b) => a.updatedAt - b.updatedAt);
    filed = {};
    for (const order of closed.slice(closed.length - MAX_CLOSED_ORDERS)) filed[order.clientOrderId] = order;
  }
  account.closedOrders = filed;
}

/**
 * The account with its closed orders filed, for one stored before `closedOrders` existed (all orders under
 * `orders`); the loaded object is left as it was.
 */
export function withClosedOrdersFiled(account: PaperAccount): PaperAccount {
  if (account.closedOrders) return account;
  const filed = { ...account, orders: { ...account.orders }, closedOrders: {} };
  fileClosedOrders(filed);
  return filed;
}
