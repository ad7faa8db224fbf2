import Big from "big.js";
import type { Balance } from "../contract.ts";
import type { PaperAccount, PaperOrder } from "./paper-account.ts";

/**
 * Spot holdings: free and locked per asset. A resting order locks what it may spend (quote for a buy, base for a
 * sell); a fill spends from that lock, or from free funds when it trades on arrival, and credits what it buys minus
 * the fee, which is charged in the received asset like Binance without BNB.
 */

function holding(account: PaperAccount, asset: string): { free: Big; locked: Big } {
  const held = account.spot[asset];
  return { free: Big(held?.free ?? "0"), locked: Big(held?.locked ?? "0") };
}

function store(account: PaperAccount, asset: string, free: Big, locked: Big): void {
  account.spot[asset] = { free: free.toFixed(), locked: locked.toFixed() };
}

export function freeBalance(account: PaperAccount, asset: string): Big {
  return holding(account, asset).free;
}

export function lockFunds(account: PaperAccount, asset: string, amount: Big): void {
  const { free, locked } = holding(account, asset);
  store(account, asset, free.minus(amount), locked.plus(amount));
}

export function unlockFunds(account: PaperAccount, asset: string, amount: Big): void {
  const { free, locked } = holding(account, asset);
  store(account, asset, free.plus(amount), locked.minus(amount));
}

/** What an order spends and receives for a fill of `quantity` at `price`. */
function legs(order: PaperOrder, price: Big, quantity: Big) {
  const quoteAmount = price.times(quantity);
  return order.side === "buy"
    ? { spent: { asset: order.quote, amount: quoteAmount }, received: { asset: order.base, amount: quantity } }
    : { spent: { asset: order.base, amount: quantity }, received: { asset: order.quote, amount: quoteAmount } };
}

export function settleSpotFill(
  account: PaperAccount,
  order: PaperOrder,
  price: Big,
  quantity: Big,
  feeRate: string,
): { fee: Big; feeAsset: string } {
  const { spent, received } = legs(order, price, quantity);
  const from = holding(account, spent.asset);
  const reserved = order.reserved;
  if (reserved && reserved.asset === spent.asset) {
    store(account, spent.asset, from.free, from.locked.minus(spent.amount));
    reserved.amount = Big(reserved.amount).minus(spent.amount).toFixed();
  } else {
    store(account, spent.asset, from.free.minus(spent.amount), from.locked);
  }
  const fee = received.amount.times(feeRate).round(8, Big.roundUp);
  const to = holding(account, received.asset);
  store(account, received.asset, to.free.plus(received.amount).minus(fee), to.locked);
  return { fee, feeAsset: received.asset };
}

/** Every asset with a non-zero total, by name. */
export function spotBalances(account: PaperAccount): Balance[] {
  return Object.keys(account.spot)
    .sort()
    .map((asset) => ({ asset, ...holding(account, asset) }))
    .filter(({ free, locked }) => !free.plus(locked).eq(0))
    .map(({ asset, free, locked }) => ({
      asset,
      free: free.toFixed(),
      locked: locked.toFixed(),
      total: free.plus(locked).toFixed(),
    }));
}
