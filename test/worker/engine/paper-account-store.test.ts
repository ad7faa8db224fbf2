import { describe, expect, it } from "vitest";
import {
  newPaperAccount,
  type PaperAccount,
  type PaperOrder,
  type PaperStore,
} from "../../../worker/exchanges/paper/paper-account.ts";
import { createPaperGateway } from "../../../worker/exchanges/paper/paper-gateway.ts";
import { cachedPaperStore, type PaperStorage } from "../../../worker/portfolios/engine/paper-account-store.ts";
import { clientId, holdPrice, marketGateway } from "../exchanges/paper/harness.ts";

/**
 * Storage as the object's behaves for these calls (values copied in and out, `list` in key order), counting reads and
 * the keys each save writes or deletes, and able to hold a read or fail a write.
 */
function countingStorage() {
  const values = new Map<string, unknown>();
  const sorted = () => [...values.keys()].sort();
  const storage = {
    values,
    reads: 0,
    written: [] as string[],
    deleted: [] as string[],
    failWrites: false,
    holdRead: null as Promise<void> | null,
    async get(keys: string[]) {
      storage.reads++;
      const found = new Map(keys.filter((k) => values.has(k)).map((k) => [k, structuredClone(values.get(k))]));
      if (storage.holdRead) await storage.holdRead;
      return found;
    },
    async list({ prefix }: { prefix: string }) {
      return new Map(sorted().flatMap((k) => (k.startsWith(prefix) ? [[k, structuredClone(values.get(k))]] : [])));
    },
    async put(entries: Record<string, unknown>) {
      if (storage.failWrites) throw new Error("storage write failed");
      expect(Object.keys(entries).length).toBeLessThanOrEqual(128);
      for (const [key, value] of Object.entries(entries)) {
        values.set(key, structuredClone(value));
        storage.written.push(key);
      }
    },
    async delete(keys: string[]) {
      expect(keys.length).toBeLessThanOrEqual(128);
      storage.deleted.push(...keys);
      return keys.filter((key) => values.delete(key)).length;
    },
  } satisfies PaperStorage & Record<string, unknown>;
  return storage;
}

const account = (wallet: string): PaperAccount =>
  newPaperAccount({ venue: "binance", spot: {}, futuresWallet: wallet });

/** An account with `count` closed orders and fills, and one open order, made by the paper broker itself. */
async function tradedAccount(count: number): Promise<PaperAccount> {
  await holdPrice("binance", "spot", "ADAUSDT", "0.5");
  let saved: PaperAccount | null = newPaperAccount({ venue: "binance", spot: { USDT: "1000000" }, futuresWallet: "0" });
  const store: PaperStore = {
    load: async () => saved,
    save: async (next) => {
      saved = next;
    },
  };
  const gateway = createPaperGateway({ venue: "binance", market: marketGateway("binance"), store });
  const order = (type: "market" | "limit") =>
    gateway.placeOrder({
      market: "spot",
      symbol: "ADAUSDT",
      side: "buy",
      type,
      quantity: "100",
      price: type === "limit" ? "0.1" : undefined,
      clientOrderId: clientId("store"),
    });
  await order("limit");
  const first = await order("market");
  expect(first.status).toBe("filled");
  const template = Object.values((saved as PaperAccount).closedOrders)[0] as PaperOrder;
  expect(template.status).toBe("filled");
  const fill = (saved as PaperAccount).fills[0] as PaperAccount["fills"][number];
  // More of the same, under new ids: what a long-running portfolio's account holds.
  const grown = structuredClone(saved as PaperAccount);
  for (let i = 2; i <= count; i++) {
    const id = `grown-${i}`;
    grown.closedOrders[id] = { ...structuredClone(template), clientOrderId: id, exchangeOrderId: `paper-${1000 + i}` };
    grown.fills.push({ ...fill, clientOrderId: id, tradeId: `paper-${1000 + i}` });
  }
  // Ids the broker gives next come after those.
  grown.nextId = 1000 + count + 1;
  return grown;
}

describe("the object's paper account store", () => {
  it("reads storage once, then answers what it last saved", async () => {
    const storage = countingStorage();
    await cachedPaperStore(storage).save(account("10"));
    const store = cachedPaperStore(storage);
    expect((await store.load())?.futuresWallet).toBe("10");
    expect((await store.load())?.futuresWallet).toBe("10");
    expect(storage.reads).toBe(1);
    await store.save(account("20"));
    expect((await store.load())?.futuresWallet).toBe("20");
    expect(storage.reads).toBe(1);
    // What it answers is what storage holds.
    expect((await cachedPaperStore(storage).load())?.futuresWallet).toBe("20");
  });

  it("remembers a missing account too, until one is saved", async () => {
    const storage = countingStorage();
    const store = cachedPaperStore(storage);
    expect(await store.load()).toBeNull();
    expect(await store.load()).toBeNull();
    expect(storage.reads).toBe(1);
    await store.save(account("5"));
    expect((await store.load())?.futuresWallet).toBe("5");
  });

  it("forgets its copy when a save fails, so the next load reads what storage kept", async () => {
    const storage = countingStorage();
    const store = cachedPaperStore(storage);
    await store.save(account("10"));
    storage.failWrites = true;
    await expect(store.save(account("99"))).rejects.toThrow("storage write failed");
    storage.failWrites = false;
    expect((await store.load())?.futuresWallet).toBe("10");
    expect(storage.reads).toBe(1);
  });

  it("keeps nothing from a read that a save overtook", async () => {
    const storage = countingStorage();
    await cachedPaperStore(storage).save(account("10"));
    const store = cachedPaperStore(storage);
    let release = () => {};
    storage.holdRead = new Promise((resolve) => {
      release = resolve;
    });
    const reading = store.load();
    await store.save(account("20"));
    storage.holdRead = null;
    release();
    expect((await reading)?.futuresWallet).toBe("10");
    expect((await store.load())?.futuresWallet).toBe("20");
  });

  it("writes closed orders and fills once each: a save writes what is new and deletes what was dropped", async () => {
    const traded = await tradedAccount(300);
    const storage = countingStorage();
    await cachedPaperStore(storage).save(traded);
    storage.deleted = [];
    // 300 closed orders, 300 fills and the current part, in puts of at most 128 keys.
    expect(storage.written).toHaveLength(601);

    // Another object (a restart) reads it back whole: open and closed orders, fills oldest first.
    const store = cachedPaperStore(storage);
    const loaded = (await store.load()) as PaperAccount;
    expect(loaded).toEqual(traded);
    expect(loaded.fills.map((f) => f.tradeId)).toEqual(traded.fills.map((f) => f.tradeId));

    // A call that changed no history (a copy shares it): only the current part is written.
    storage.written = [];
    await store.save({ ...loaded, futuresWallet: "1" });
    expect(storage.written).toEqual(["paper-current"]);
    expect(storage.deleted).toEqual([]);

    // One more fill and closed order, the oldest fill dropped: the current part and the two new keys are written.
    const next = structuredClone(loaded);
    const last = next.fills.at(-1) as PaperAccount["fills"][number];
    next.closedOrders = {
      ...next.closedOrders,
      extra: { ...(next.closedOrders["grown-2"] as PaperOrder), clientOrderId: "extra" },
    };
    next.fills.push({ ...last, clientOrderId: "extra", tradeId: "paper-99999" });
    const dropped = next.fills.shift() as PaperAccount["fills"][number];
    storage.written = [];
    await store.save(next);
    expect(storage.written.sort()).toEqual(["paper-closed:extra", "paper-current", "paper-fill:0000000000099999"]);
    expect(storage.deleted).toEqual([`paper-fill:${dropped.tradeId.replace("paper-", "").padStart(16, "0")}`]);

    const reread = (await cachedPaperStore(storage).load()) as PaperAccount;
    expect(reread).toEqual(next);
    expect(Object.keys(reread.orders)).toHaveLength(1);
    expect(reread.closedOrders.extra?.status).toBe("filled");
  });

  it("at the caps, a call's save writes and deletes only what it changed, and storage holds the account after each", async () => {
    const traded = await tradedAccount(500);
    const storage = countingStorage();
    await cachedPaperStore(storage).save(traded);
    const store = cachedPaperStore(storage);
    const gateway = createPaperGateway({ venue: "binance", market: marketGateway("binance"), store });
    const fillKey = (tradeId: string) => `paper-fill:${tradeId.replace("paper-", "").padStart(16, "0")}`;
    for (let i = 0; i < 4; i++) {
      const before = (await store.load()) as PaperAccount;
      storage.written = [];
      storage.deleted = [];
      const placed = await gateway.placeOrder({
        market: "spot",
        symbol: "ADAUSDT",
        side: "buy",
        type: "market",
        quantity: "100",
        clientOrderId: clientId("cap"),
      });
      expect(placed.status).toBe("filled");
      const after = (await store.load()) as PaperAccount;
      // One closed order and one fill in; the oldest of each out (500 of each kept).
      const fill = after.fills.at(-1) as PaperAccount["fills"][number];
      const droppedOrders = Object.keys(before.closedOrders).filter((id) => !after.closedOrders[id]);
      expect(droppedOrders).toHaveLength(1);
      expect(storage.written.sort()).toEqual([
        `paper-closed:${placed.clientOrderId}`,
        "paper-current",
        fillKey(fill.tradeId),
      ]);
      expect(storage.deleted.sort()).toEqual(
        [
          `paper-closed:${droppedOrders[0]}`,
          fillKey((before.fills[0] as PaperAccount["fills"][number]).tradeId),
        ].sort(),
      );
      expect(after.fills).toHaveLength(500);
      expect(Object.keys(after.closedOrders)).toHaveLength(500);
      // What a restarted object would read is what this one holds.
      expect(await cachedPaperStore(storage).load()).toEqual(after);
    }
    // The resting limit canceled: one closed order in and one out, no fill.
    const [resting] = Object.values(((await store.load()) as PaperAccount).orders);
    storage.written = [];
    storage.deleted = [];
    await gateway.cancelOrder("spot", "ADAUSDT", (resting as PaperOrder).clientOrderId);
    expect(storage.written.sort()).toEqual([`paper-closed:${(resting as PaperOrder).clientOrderId}`, "paper-current"]);
    expect(storage.deleted).toHaveLength(1);
    expect(await cachedPaperStore(storage).load()).toEqual(await store.load());
  });

  it("reads an account stored whole by an earlier version, and its next save moves it to the new layout", async () => {
    const traded = await tradedAccount(5);
    // As it was stored: every order under `orders`, no closed record.
    const { closedOrders, ...rest } = structuredClone(traded);
    const earlier = { ...rest, orders: { ...rest.orders, ...closedOrders } };
    const storage = countingStorage();
    storage.values.set("paper-account", earlier);
    const store = cachedPaperStore(storage);
    expect(await store.load()).toEqual(earlier);
    // The gateway files its closed orders (paper-orders.ts) before its next save.
    await store.save(traded);
    expect(storage.values.has("paper-account")).toBe(false);
    expect(storage.deleted).toEqual(["paper-account"]);
    expect(await cachedPaperStore(storage).load()).toEqual(traded);
  });
});
