import { describe, expect, it } from "vitest";
import { newPaperAccount, type PaperAccount } from "../../../worker/exchanges/paper/paper-account.ts";
import { cachedPaperStore } from "../../../worker/portfolios/engine/paper-account-store.ts";

/** Storage that counts reads and can hold a read or fail a write, as the object's storage might. */
function countingStorage() {
  const values = new Map<string, unknown>();
  const storage = {
    reads: 0,
    failWrites: false,
    holdRead: null as Promise<void> | null,
    async get(key: string) {
      storage.reads++;
      const value = structuredClone(values.get(key));
      if (storage.holdRead) await storage.holdRead;
      return value;
    },
    async put(key: string, value: unknown) {
      if (storage.failWrites) throw new Error("storage write failed");
      values.set(key, structuredClone(value));
    },
  };
  return storage;
}

const account = (wallet: string): PaperAccount =>
  newPaperAccount({ venue: "binance", spot: {}, futuresWallet: wallet });

describe("the object's paper account store", () => {
  it("reads storage once, then answers what it last saved", async () => {
    const storage = countingStorage();
    await storage.put("paper-account", account("10"));
    const store = cachedPaperStore(storage);
    expect((await store.load())?.futuresWallet).toBe("10");
    expect((await store.load())?.futuresWallet).toBe("10");
    expect(storage.reads).toBe(1);
    await store.save(account("20"));
    expect((await store.load())?.futuresWallet).toBe("20");
    expect(storage.reads).toBe(1);
    // What it answers is what storage holds.
    expect(((await storage.get("paper-account")) as PaperAccount).futuresWallet).toBe("20");
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
    await storage.put("paper-account", account("10"));
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
});
