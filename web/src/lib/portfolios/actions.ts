import type { PortfolioStatus } from "#lib/api/client.ts";

/**
 * Which buttons a portfolio offers in each status (the worker's `portfolios/status.ts` decides; this only hides what
 * it would refuse). Stop and the kill switch may be repeated on a stopped portfolio to cancel what a first attempt
 * could not, so the kill switch stays; a second plain stop is left out to keep the choice clear.
 */
export type PortfolioAction = "start" | "stop" | "kill" | "delete";

const OFFERED: Record<PortfolioAction, readonly PortfolioStatus[]> = {
  start: ["draft", "paused", "stopped"],
  stop: ["active", "paused"],
  kill: ["active", "paused", "stopped"],
  delete: ["draft", "active", "paused", "stopped"],
};

export function offers(action: PortfolioAction, status: PortfolioStatus): boolean {
  return OFFERED[action].includes(status);
}
