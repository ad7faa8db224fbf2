import type { PaperAccount, PaperStore } from "../../exchanges/paper/paper-account.ts";
import type { EngineStorage } from "./engine-services.ts";

const PAPER_ACCOUNT = "paper-account";

/**
 * The paper account in the portfolio's Durable Object storage, kept in memory by the object between calls: a review
 * makes many calls on its broker, and reading a full account back from storage (up to 500 fills and 500 closed
 * orders) cost more than the rest of a call. Only this object writes the key, so the copy in memory is current; a
 * save that fails forgets it, and a load that a save overtook keeps nothing.
 */
export function cachedPaperStore(storage: EngineStorage): PaperStore {
  let cached: PaperAccount | null | undefined;
  let generation = 0;
  return {
    async load() {
      if (cached !== undefined) return cached;
      const seen = generation;
      const account = ((await storage.get(PAPER_ACCOUNT)) as PaperAccount | undefined) ?? null;
      if (seen === generation) cached = account;
      return account;
    },
    async save(account) {
      const own = ++generation;
      cached = undefined;
      await storage.put(PAPER_ACCOUNT, account);
      if (own === generation) cached = account;
    },
  };
}
