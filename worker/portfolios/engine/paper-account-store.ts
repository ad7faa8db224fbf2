import type { PaperAccount, PaperOrder, PaperStore } from "../../exchanges/paper/paper-account.ts";
import { closedOrdersSince } from "../../exchanges/paper/paper-orders.ts";

type Fill = PaperAccount["fills"][number];

/** The part of the object's storage the paper account needs (Durable Object storage has it). */
export type PaperStorage = {
  get(keys: string[]): Promise<Map<string, unknown>>;
  list(options: { prefix: string }): Promise<Map<string, unknown>>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<number>;
};

/** Everything but closed orders and fills: the part nearly every save changes. */
const CURRENT = "paper-current";
/** One key per closed order and per fill: they never change once written, so a save writes only new ones. */
const CLOSED = "paper-closed:";
const FILL = "paper-fill:";
/** The whole account as one value, as earlier versions kept it: read once, then written in the layout above. */
const LEGACY = "paper-account";
/** Durable Object storage takes at most 128 keys per put or delete. */
const KEYS_PER_CALL = 128;

/**
 * The paper account in the portfolio's Durable Object storage, kept in memory by the object between calls: a review
 * makes many calls on its broker, and reading a full account back from storage (up to 500 fills and 500 closed
 * orders) cost more than the rest of a call. Only this object writes these keys, so the copy in memory is current; a
 * save that fails forgets it, and a load that a save overtook keeps nothing.
 *
 * A save writes the current part whole and only the closed orders and fills storage does not hold yet (deleting the
 * ones the account dropped): writing the whole account each time cost more than the rest of a call. Which ones those
 * are is told by what changed since the account storage was written from (the call's filing, fills appended and
 * dropped), and found by going through them all only when that is not known (after a failed save, an earlier layout).
 * Its puts and deletes are issued without awaiting in between, so the object's storage commits them together.
 */
export function cachedPaperStore(storage: PaperStorage): PaperStore {
  let cached: PaperAccount | null | undefined;
  let generation = 0;
  /** The closed orders' and fills' keys storage holds, as last read or written; null: not known. */
  let stored: Set<string> | null = null;
  /** The account those keys were written from (or read into): one with the same history writes none of it. */
  let storedFrom: PaperAccount | null = null;

  const read = async (): Promise<{ account: PaperAccount | null; keys: Set<string> | null }> => {
    const found = await storage.get([CURRENT, LEGACY]);
    const current = found.get(CURRENT) as PaperAccount | undefined;
    if (!current) return { account: (found.get(LEGACY) as PaperAccount | undefined) ?? null, keys: null };
    const [closed, fills] = await Promise.all([storage.list({ prefix: CLOSED }), storage.list({ prefix: FILL })]);
    const closedOrders: PaperAccount["closedOrders"] = {};
    for (const order of closed.values() as Iterable<PaperOrder>) closedOrders[order.clientOrderId] = order;
    // Keys sort by the fill's sequence (fillKey), so the list comes back oldest first.
    const account = { ...current, closedOrders, fills: [...fills.values()] as PaperAccount["fills"] };
    return { account, keys: new Set([...closed.keys(), ...fills.keys()]) };
  };

  return {
    async load() {
      if (cached !== undefined) return cached;
      const seen = generation;
      const { account, keys } = await read();
      if (seen === generation) {
        cached = account;
        stored = keys;
        storedFrom = keys ? account : null;
      }
      return account;
    },
    async save(account) {
      const own = ++generation;
      cached = undefined;
      // What changed since storage was last written from (or read into) an account: known in the usual case.
      const changes = stored !== null && storedFrom !== null ? historyChanges(storedFrom, account) : null;
      // Unknown after a failed save or an earlier layout: what storage holds is listed, so nothing dropped stays.
      const previous = stored ?? (await storedHistory(storage));
      stored = null;
      storedFrom = null;
      const puts: Record<string, unknown> = {};
      let next = previous;
      let deletes: string[];
      if (changes) {
        for (const [key, value] of changes.added) puts[key] = value;
        deletes = changes.dropped;
      } else ({ next, deletes } = wholeHistory(account, previous, puts));
      // The gateway files closed orders before it saves (paper-orders.ts), so `orders` holds the open ones.
      puts[CURRENT] = { ...account, closedOrders: {}, fills: [] };
      const writes: Promise<unknown>[] = [];
      for (const part of chunks(Object.entries(puts))) writes.push(storage.put(Object.fromEntries(part)));
      for (const part of chunks(deletes)) writes.push(storage.delete(part));
      await Promise.all(writes);
      if (changes) {
        for (const key of changes.dropped) next.delete(key);
        for (const [key] of changes.added) next.add(key);
      }
      if (own === generation) {
        cached = account;
        stored = next;
        storedFrom = account;
      }
    },
  };
}

type History = { added: [key: string, value: unknown][]; dropped: string[] };

/**
 * The closed orders and fills `to` holds and `from` does not (storage key and value), and the keys of those it no
 * longer holds; null when that is not known without going through them all. A call's closed record is `from`'s or
 * was filed from it (paper-orders.ts), and fills are only appended and dropped from the front, so the fills both hold
 * run from `to`'s first to `from`'s last.
 */
function historyChanges(from: PaperAccount, to: PaperAccount): History | null {
  const closed = closedOrdersSince(from.closedOrders, to.closedOrders);
  const fills = fillsSince(from.fills, to.fills);
  if (!closed || !fills) return null;
  return {
    added: [
      ...closed.added.map((order): [string, unknown] => [keyOf(order, closedKey), order]),
      ...fills.added.map((fill): [string, unknown] => [keyOf(fill, fillKey), fill]),
    ],
    dropped: [
      ...closed.dropped.map((order) => keyOf(order, closedKey)),
      ...fills.dropped.map((fill) => keyOf(fill, fillKey)),
    ],
  };
}

function fillsSince(from: Fill[], to: Fill[]): { added: Fill[]; dropped: Fill[] } | null {
  if (from.length === 0) return { added: to, dropped: [] };
  const start = to.length === 0 ? -1 : from.indexOf(to[0] as Fill);
  const shared = from.length - start;
  if (start === -1 || shared > to.length || to[shared - 1] !== from.at(-1)) return null;
  return { added: to.slice(shared), dropped: from.slice(0, start) };
}

/**
 * Every closed order and fill of `account` against the keys storage holds: the new ones go into `puts`, and the keys
 * storage holds that the account dropped are answered for deleting, with the keys storage will hold.
 */
function wholeHistory(
  account: PaperAccount,
  previous: Set<string>,
  puts: Record<string, unknown>,
): { next: Set<string>; deletes: string[] } {
  const fresh: string[] = [];
  let kept = 0;
  const history = (key: string, value: unknown) => {
    if (previous.has(key)) kept++;
    else {
      puts[key] = value;
      fresh.push(key);
    }
  };
  for (const order of Object.values(account.closedOrders)) history(keyOf(order, closedKey), order);
  for (const fill of account.fills) history(keyOf(fill, fillKey), fill);
  // Every key storage holds is still in the account, or the dropped ones are found and deleted.
  if (kept === previous.size) return { next: fresh.length ? new Set([...previous, ...fresh]) : previous, deletes: [] };
  const next = new Set(fresh);
  for (const order of Object.values(account.closedOrders)) next.add(keyOf(order, closedKey));
  for (const fill of account.fills) next.add(keyOf(fill, fillKey));
  return { next, deletes: [...previous].filter((key) => !next.has(key)) };
}

/** The history keys in storage, and the whole-account key of the earlier layout (dropped by the next save). */
async function storedHistory(storage: PaperStorage): Promise<Set<string>> {
  const [closed, fills] = await Promise.all([storage.list({ prefix: CLOSED }), storage.list({ prefix: FILL })]);
  return new Set([LEGACY, ...closed.keys(), ...fills.keys()]);
}

/** Closed orders and fills are shared by every copy of the account, so each one's key is made once. */
const keys = new WeakMap<object, string>();

function keyOf<T extends object>(record: T, make: (record: T) => string): string {
  let key = keys.get(record);
  if (key === undefined) {
    key = make(record);
    keys.set(record, key);
  }
  return key;
}

function closedKey(order: PaperOrder): string {
  return `${CLOSED}${order.clientOrderId}`;
}

/** Trade ids are `paper-<n>` with n increasing: padded, the keys sort oldest first. */
function fillKey(fill: PaperAccount["fills"][number]): string {
  const sequence = /^paper-(\d+)$/.exec(fill.tradeId)?.[1];
  return `${FILL}${sequence ? sequence.padStart(16, "0") : fill.tradeId}`;
}

function chunks<T>(items: T[]): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += KEYS_PER_CALL) parts.push(items.slice(i, i + KEYS_PER_CALL));
  return parts;
}
