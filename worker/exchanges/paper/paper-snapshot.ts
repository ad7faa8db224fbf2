import type { PaperAccount } from "./paper-account.ts";
import { isOpen } from "./paper-orders.ts";

/**
 * A loaded account is a snapshot that no call changes: a store may hand the same object to later calls (the
 * portfolio's Durable Object keeps it in memory), so a call works on a copy and saves only when something moved.
 * Closed orders and fills never change once written (only open orders fill or close, and new fills are appended), so
 * copies share them and change detection counts them instead of comparing them: an account at its caps (500 fills,
 * 500 closed orders) then costs a call what a small one does.
 */

/** A copy a call may change: balances, positions, stops, funding and open orders copied, closed orders and fills shared. */
export function changeableCopy(account: PaperAccount): PaperAccount {
  const { orders, fills, ...rest } = account;
  const copied: PaperAccount["orders"] = {};
  for (const id in orders) {
    const order = orders[id] as PaperAccount["orders"][string];
    copied[id] = isOpen(order) ? structuredClone(order) : order;
  }
  return { ...structuredClone(rest), orders: copied, fills: fills.slice() };
}

/**
 * Equal for two accounts exactly when they hold the same state, given that closed orders and fills never change:
 * everything else as JSON, open orders in full, closed orders by count (an order closing changes the open ones, a
 * prune changes the count), fills by count and last trade id (a new fill takes a new id from `nextId`).
 */
export function fingerprint(account: PaperAccount): string {
  const open: PaperAccount["orders"] = {};
  let closed = 0;
  for (const id in account.orders) {
    const order = account.orders[id] as PaperAccount["orders"][string];
    if (isOpen(order)) open[id] = order;
    else closed++;
  }
  const fills = account.fills;
  const whole: Record<string, unknown> = {
    ...account,
    orders: open,
    fills: [fills.length, fills.at(-1)?.tradeId ?? null],
    closed,
  };
  // Top-level keys in one order: a copy lists `orders` and `fills` last.
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(whole).sort()) sorted[key] = whole[key];
  return JSON.stringify(sorted);
}
