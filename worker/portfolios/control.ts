import { engineText } from "../../shared/api/engine-messages.ts";
import type { Database } from "../db/client.ts";
import type { PortfolioControl } from "../keys/portfolio-control.ts";
import type { PauseReason } from "./engine/pause.ts";
import { portfolioEngine } from "./engine-client.ts";
import { portfoliosInStatus } from "./store.ts";

/**
 * The engine's side of the identity seam: a disabled user, or a key about to be replaced or deleted, pauses the
 * running portfolios with the reason, each through its own Durable Object (which cancels their open orders while the
 * key still opens). Best effort per portfolio: disabling a user or deleting a key must not fail when a venue is down.
 */
export function portfolioControl(env: Env, db: () => Database): PortfolioControl {
  const pauseAll = async (ids: string[], reason: PauseReason) => {
    await Promise.allSettled(ids.map((id) => portfolioEngine(env, id).pause(reason)));
  };
  return {
    async stopPortfoliosOfUser(userId) {
      const rows = await portfoliosInStatus(db(), { userId }, ["active"]);
      await pauseAll(
        rows.map((r) => r.id),
        { code: "owner_disabled", text: engineText("owner_disabled", {}, "user disabled by an administrator") },
      );
    },
    async stopPortfoliosUsingKey(userId, exchangeKeyId, change) {
      const rows = await portfoliosInStatus(db(), { userId, exchangeKeyId }, ["active"]);
      await pauseAll(
        rows.map((r) => r.id),
        { code: "key_unavailable", text: engineText(`key_${change}`, {}, `exchange key ${change}`) },
      );
    },
  };
}
