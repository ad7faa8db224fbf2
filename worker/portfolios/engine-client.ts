import type { ApprovalItem, RunSummary } from "../../shared/api/portfolio-runs.ts";
import { unwrap } from "./engine/engine-result.ts";
import type { PauseReason } from "./engine/pause.ts";

/**
 * The portfolio's Durable Object as the rest of the worker calls it: typed RPC on the stub named by the portfolio
 * id, with the object's error answers turned back into API errors. Routes authorize first; the object checks
 * ownership again before acting.
 */
export function portfolioEngine(env: Env, portfolioId: string) {
  const stub = env.PORTFOLIO.getByName(portfolioId);
  return {
    start: async (userId: string) => unwrap(await stub.start(portfolioId, userId)),
    stop: async (userId: string) => unwrap(await stub.stop(portfolioId, userId)),
    kill: async (userId: string) => unwrap(await stub.kill(portfolioId, userId)),
    remove: async (userId: string) => unwrap(await stub.remove(portfolioId, userId)),
    requestRun: async (userId: string) => unwrap(await stub.requestRun(portfolioId, userId)),
    // The RPC stub's result type loses the summary's nested types; the object answers exactly a RunSummary.
    approve: async (userId: string, runId: string, decisions: ApprovalItem[]): Promise<RunSummary> =>
      unwrap(await stub.approve(portfolioId, userId, runId, decisions)) as RunSummary,
    cancelOrder: async (userId: string, orderId: string) =>
      unwrap(await stub.cancelOrder(portfolioId, userId, orderId)),
    positions: async (userId: string) => unwrap(await stub.positions(portfolioId, userId)),
    pause: async (reason: PauseReason) => unwrap(await stub.pause(portfolioId, reason)),
    sync: async () => unwrap(await stub.sync(portfolioId)),
    reschedule: () => stub.reschedule(portfolioId),
    wake: () => stub.wake(portfolioId),
  };
}
