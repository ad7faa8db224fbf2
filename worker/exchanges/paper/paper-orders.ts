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
 * The record is copied key by key and pruned in place: a record of hundreds of keys is a dictionary, which object
 * spread copies many times slower, and sorting it to drop one or two orders cost as much again. The new record
 * remembers what it added and dropped (`closedOrdersSince`), so a store writes only that.
 */
export function fileClosedOrders(account: PaperAccount): void {
  let filed: PaperAccount["closedOrders"] | null = null;
  const added: PaperOrder[] = [];
  let count = 0;
  for (const id in account.orders) {
    const order = account.orders[id] as PaperOrder;
    if (isOpen(order)) continue;
    if (!filed) {
      filed = {};
      for (const closedId in account.closedOrders) {
        filed[closedId] = account.closedOrders[closedId] as PaperOrder;
        count++;
      }
    }
    if (!Object.hasOwn(filed, id)) count++;
    filed[id] = order;
    added.push(order);
    delete account.orders[id];
  }
  if (!filed) return;
  const dropped = dropOldest(filed, count - MAX_CLOSED_ORDERS);
  filings.set(filed, { parent: closedRecordId(account.closedOrders), added, dropped });
  account.closedOrders = filed;
}

/** Each closed record's number, for telling records apart without holding on to them. */
const recordIds = new WeakMap<object, number>();
let lastRecordId = 0;

export function closedRecordId(record: PaperAccount["closedOrders"]): number {
  let id = recordIds.get(record);
  if (id === undefined) {
    id = ++lastRecordId;
    recordIds.set(record, id);
  }
  return id;
}

/** How a record filed by `fileClosedOrders` differs from the one it was made from (by number: not kept alive). */
const filings = new WeakMap<object, { parent: number; added: PaperOrder[]; dropped: PaperOrder[] }>();

/**
 * The closed orders `to` holds and `from` does not, and the other way round: known when `to` is `from` or was filed
 * from it, else null (the caller compares the records whole).
 */
export function closedOrdersSince(
  from: PaperAccount["closedOrders"],
  to: PaperAccount["closedOrders"],
): { added: PaperOrder[]; dropped: PaperOrder[] } | null {
  if (from === to) return { added: [], dropped: [] };
  const filing = filings.get(to);
  if (!filing || filing.parent !== closedRecordId(from)) return null;
  // An order filed and dropped by the same filing was never in `from`: nothing to add or drop.
  const droppedNow = new Set(filing.dropped);
  return {
    added: filing.added.filter((order) => !droppedNow.has(order)),
    dropped: filing.dropped.filter((order) => !filing.added.includes(order)),
  };
}

/**
 * Deletes the `excess` orders that closed first (by `updatedAt`; the one filed first among equals), and answers them.
 * One scan each: a call closes an order or two, and a scan costs less than sorting the record.
 */
function dropOldest(closed: PaperAccount["closedOrders"], excess: number): PaperOrder[] {
  const dropped: PaperOrder[] = [];
  for (let left = excess; left > 0; left--) {
    let oldestId: string | null = null;
    let oldestAt = Number.POSITIVE_INFINITY;
    for (const id in closed) {
      const at = (closed[id] as PaperOrder).updatedAt;
      if (at < oldestAt) {
        oldestAt = at;
        oldestId = id;
      }
    }
    if (oldestId === null) break;
    dropped.push(closed[oldestId] as PaperOrder);
    delete closed[oldestId];
  }
  return dropped;
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
