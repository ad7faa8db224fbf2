import type { PaperAccount } from "./paper-account.ts";
import { closedRecordId, isOpen } from "./paper-orders.ts";

/**
 * A loaded account is a snapshot that no call changes: a store may hand the same object to later calls (the
 * portfolio's Durable Object keeps it in memory), so a call works on a copy and saves only when something moved.
 * Closed orders and fills never change once written (only open orders fill or close, and new fills are appended), so
 * copies share them and change detection does not compare them: the closed record is replaced whenever an order is
 * filed or pruned, and fills are told by their count and last trade id. An account at its caps (500 fills, 500
 * closed orders) then costs a call little more than a small one.
 */

/** A copy a call may change: balances, positions, stops, funding and open orders copied, the rest shared. */
export function changeableCopy(account: PaperAccount): PaperAccount {
  const { orders, closedOrders, fills, ...rest } = account;
  const copied: PaperAccount["orders"] = {};
  for (const id in orders) {
    const order = orders[id] as PaperAccount["orders"][string];
    copied[id] = isOpen(order) ? structuredClone(order) : order;
  }
  return { ...structuredClone(rest), orders: copied, closedOrders, fills: fills.slice() };
}

/**
 * Equal for two accounts exactly when they hold the same state, given that closed orders and fills never change:
 * everything else as JSON, the closed record by which one it is, fills by count and last trade id (a new fill takes
 * a new id from `nextId`).
 */
export function fingerprint(account: PaperAccount): string {
  const fills = account.fills;
  const whole: Record<string, unknown> = {
    ...account,
    closedOrders: closedRecordId(account.closedOrders),
    fills: [fills.length, fills.at(-1)?.tradeId ?? null],
  };
  // Top-level keys in one order: a copy lists `orders`, `closedOrders` and `fills` last.
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(whole).sort()) sorted[key] = whole[key];
  return JSON.stringify(sorted);
}
