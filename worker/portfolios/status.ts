import type { PortfolioStatus } from "../../shared/api/portfolios.ts";
import { ApiError } from "../http/api-error.ts";

/**
 * The portfolio state machine, all of it. `draft` is configured but never started; `paused` is stopped by Ballast
 * (a risk limit, a disabled user, a replaced or deleted key) and says why; `stopped` is stopped by the owner (stop or
 * kill switch); `deleted` is a soft delete, kept for history and never shown again.
 */
export type PortfolioAction = "start" | "stop" | "kill" | "pause" | "delete" | "update";

const ALLOWED_FROM: Record<PortfolioAction, readonly PortfolioStatus[]> = {
  start: ["draft", "paused", "stopped"],
  // Stop and kill may be repeated: a retry cancels whatever the first attempt could not.
  stop: ["active", "paused", "stopped"],
  kill: ["active", "paused", "stopped"],
  pause: ["active"],
  delete: ["draft", "active", "paused", "stopped"],
  update: ["draft", "active", "paused", "stopped"],
};

const RESULT: Record<Exclude<PortfolioAction, "update">, PortfolioStatus> = {
  start: "active",
  stop: "stopped",
  kill: "stopped",
  pause: "paused",
  delete: "deleted",
};

export function canApply(action: PortfolioAction, from: PortfolioStatus): boolean {
  return ALLOWED_FROM[action].includes(from);
}

/** The status after `action`, or a 409 saying why it cannot happen now. */
export function transition(action: PortfolioAction, from: PortfolioStatus): PortfolioStatus {
  if (!canApply(action, from)) {
    const state = from === "active" ? "running" : from;
    throw new ApiError(
      "conflict",
      `This portfolio is ${state}; it cannot ${action === "kill" ? "be killed" : action} now.`,
    );
  }
  return action === "update" ? from : RESULT[action];
}
