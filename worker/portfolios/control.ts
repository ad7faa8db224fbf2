import { gatewayForKey } from "../accounts/gateway-for-key.ts";
import type { PortfolioControl } from "../keys/portfolio-control.ts";
import type { PortfolioServices } from "./lifecycle.ts";
import { cancelPortfolioOrders } from "./portfolio-orders.ts";
import { transition } from "./status.ts";
import { type PortfolioRow, portfoliosInStatus, updatePortfolioRow } from "./store.ts";

/**
 * The engine's side of the identity seam: a disabled user, or a key about to be replaced or deleted, pauses the
 * running portfolios with the reason. While the key still opens, their open orders are canceled like a stop does;
 * that is best effort, because disabling a user or deleting a key must not fail when an exchange is unreachable.
 */
export function portfolioControl(services: () => PortfolioServices): PortfolioControl {
  return {
    async stopPortfoliosOfUser(userId, reason) {
      await pauseAll(services(), await portfoliosInStatus(services().db, { userId }, ["active"]), reason);
    },
    async stopPortfoliosUsingKey(userId, exchangeKeyId, reason) {
      const rows = await portfoliosInStatus(services().db, { userId, exchangeKeyId }, ["active"]);
      await pauseAll(services(), rows, reason);
    },
  };
}

async function pauseAll(services: PortfolioServices, rows: PortfolioRow[], reason: string): Promise<void> {
  for (const row of rows) {
    const paused = await updatePortfolioRow(
      services.db,
      row,
      { status: transition("pause", row.status), statusReason: reason },
      services.now,
    );
    try {
      const { gateway } = await gatewayForKey(services, row.userId, row.exchangeKeyId);
      await cancelPortfolioOrders(gateway, paused);
    } catch {
      // Key already gone or exchange down: the portfolio is paused either way, and stop can cancel later.
    }
  }
}
