import { DurableObject } from "cloudflare:workers";
import type { PortfolioPositions } from "../../shared/api/portfolio-holdings.ts";
import type { PortfolioOrder } from "../../shared/api/portfolio-orders.ts";
import type { ApprovalItem, RunRequested, RunSummary, RunTrigger } from "../../shared/api/portfolio-runs.ts";
import type { Portfolio, PortfolioActionResult, ReviewInterval } from "../../shared/api/portfolios.ts";
import { readConfig } from "../config.ts";
import { type Database, openDatabase } from "../db/client.ts";
import { countedD1, newQueryCount } from "../db/counted-d1.ts";
import { ApiError } from "../http/api-error.ts";
import { createLogger } from "../http/logger.ts";
import { deliverInBackground } from "../notifications/delivery.ts";
import { applyApproval } from "./engine/approvals.ts";
import {
  cancelForStop,
  cancelOwnOrder,
  closePositions,
  deletePortfolio,
  markStopped,
  startPortfolio,
} from "./engine/controls.ts";
import { asResult, type EngineResult } from "./engine/engine-result.ts";
import { type EngineServices, engineServices } from "./engine/engine-services.ts";
import { readPositions } from "./engine/holdings.ts";
import { Mutex } from "./engine/mutex.ts";
import { syncPortfolio } from "./engine/order-sync.ts";
import { cachedPaperStore } from "./engine/paper-account-store.ts";
import { type PauseReason, pausePortfolio } from "./engine/pause.ts";
import { executeRun, RETRY_AT } from "./engine/review-run.ts";
import { toOrderView } from "./order-store.ts";
import { insertRunStatement, type NewRun, runById, runSummaries, updateRun } from "./run-store.ts";
import { nextRunAt, spreadMs } from "./schedule.ts";
import {
  ownedPortfolio,
  ownedPortfolioStatus,
  type PortfolioSchedule,
  portfolioById,
  portfolioSchedule,
  portfolioUpdate,
  toPortfolioView,
} from "./store.ts";

/**
 * One Durable Object per portfolio (named by its id): the only writer of its runs and orders. It is a thin shell:
 * RPC methods and the alarm, each delegating to plain functions in ./engine. Runs never overlap: "one run at a time"
 * is stored state (a lease in storage), not an assumption, because the input gate opens while a run awaits a venue
 * or an AI. A lease found in storage with no run going in this instance is a run interrupted by a restart: the
 * alarm resumes it from its journal.
 *
 * Storage: `portfolioId`, `seq` (last run number), `pending` (a requested run), `lease` (the run in progress),
 * `nextRunAt`, plus the engine's own keys (paper account, applied futures settings).
 */

type RunTicket = {
  runId: string;
  seq: number;
  trigger: RunTrigger;
  requestedAt: number;
  /** When this instance took the run, and how many times a restarted object took it up again. */
  claimedAt?: number;
  resumes?: number;
};

/** A run taken up again this many times (each a restart mid-run) is given up; the sync reconciles its orders. */
const MAX_RESUMES = 3;
/** No review step waits this long (exchange and AI calls have timeouts): a run still going is hung. */
const HUNG_AFTER_MS = 30 * 60_000;

export type WakeOutcome = "running" | "resuming" | "due" | "scheduled" | "idle";

export class PortfolioOrchestrator extends DurableObject<Env> {
  readonly #mutex = new Mutex();
  readonly #paperLock = new Mutex();
  /** The paper account between calls: only this object writes it. */
  readonly #paperAccount = cachedPaperStore(this.ctx.storage);
  #driving: Promise<void> | null = null;
  /** Every query this object sends to D1, counted (a review logs its share). */
  readonly #queries = newQueryCount();
  #db: Database | null = null;
  /** The portfolio this object is for, once it is known to be in storage (the alarm reads it from there). */
  #portfolioId: string | null = null;
  /** Controls and syncs carried out so far: a review in progress reads its portfolio again when this moves. */
  #controls = 0;
  /** Users whose notifications the work under way queued: delivered once it is done (#deliverQueued). */
  readonly #queuedFor = new Set<string>();

  // ---- the owner's actions -----------------------------------------------------------------------------------

  async start(portfolioId: string, userId: string): Promise<EngineResult<Portfolio>> {
    const services = await this.#services(portfolioId);
    return asResult(async () => {
      await this.#control(() => startPortfolio(services, userId, portfolioId));
      // A started portfolio is reviewed at once; the schedule follows from its start.
      await this.#request(services, portfolioId, "start");
      return toPortfolioView(await ownedPortfolio(services.db, userId, portfolioId));
    });
  }

  async stop(portfolioId: string, userId: string): Promise<EngineResult<PortfolioActionResult>> {
    const services = await this.#services(portfolioId);
    return asResult(async () => {
      // Saved before waiting for the lock, so a review in progress sends nothing more.
      const stopped = await this.#saved(() => markStopped(services, userId, portfolioId, "stop"));
      const canceledOrders = await this.#control(() => cancelForStop(services, stopped, "stopped"));
      await this.#schedule(services, portfolioId);
      const portfolio = toPortfolioView(await ownedPortfolio(services.db, userId, portfolioId));
      return { portfolio, canceledOrders, closedPositions: [] };
    });
  }

  async kill(portfolioId: string, userId: string): Promise<EngineResult<PortfolioActionResult>> {
    const services = await this.#services(portfolioId);
    return asResult(async () => {
      const stopped = await this.#saved(() => markStopped(services, userId, portfolioId, "kill"));
      const result = await this.#control(async () => ({
        canceledOrders: await cancelForStop(services, stopped, "killed"),
        closedPositions: await closePositions(services, stopped),
      }));
      await this.#schedule(services, portfolioId);
      return { portfolio: toPortfolioView(await ownedPortfolio(services.db, userId, portfolioId)), ...result };
    });
  }

  async remove(portfolioId: string, userId: string): Promise<EngineResult<{ deleted: true }>> {
    const services = await this.#services(portfolioId);
    return asResult(async () => {
      await this.#control(() => deletePortfolio(services, userId, portfolioId));
      await this.#schedule(services, portfolioId);
      return { deleted: true as const };
    });
  }

  async requestRun(portfolioId: string, userId: string): Promise<EngineResult<RunRequested>> {
    const services = await this.#services(portfolioId);
    return asResult(async () => {
      const status = await ownedPortfolioStatus(services.db, userId, portfolioId);
      if (status !== "active") throw new ApiError("conflict", `This portfolio is ${status}; start it to run a review.`);
      return this.#request(services, portfolioId, "manual");
    });
  }

  async approve(
    portfolioId: string,
    userId: string,
    runId: string,
    decisions: ApprovalItem[],
  ): Promise<EngineResult<RunSummary>> {
    const services = await this.#services(portfolioId);
    return asResult(async () => {
      const storage = this.ctx.storage;
      if ((await storage.get("lease")) || (await storage.get("pending")))
        throw new ApiError("conflict", "A review is in progress; approve once it has finished.");
      await this.#control(() => applyApproval(services, userId, portfolioId, runId, decisions));
      const run = await runById(services.db, portfolioId, runId);
      // Queued like a requested review: the run continues at "place" with what was approved.
      const ticket: RunTicket = { runId, seq: run.seq, trigger: run.trigger, requestedAt: run.requestedAt.getTime() };
      await storage.put("pending", ticket);
      await this.#drive(portfolioId);
      // A loop that was just finishing when the ticket arrived did not take it: run it now, not at the next alarm.
      if (await storage.get("pending")) await this.#drive(portfolioId);
      const [summary] = await runSummaries(services.db, [await runById(services.db, portfolioId, runId)]);
      if (!summary) throw new ApiError("not_found", "No such run.");
      return summary;
    });
  }

  async cancelOrder(portfolioId: string, userId: string, orderId: string): Promise<EngineResult<PortfolioOrder>> {
    const services = await this.#services(portfolioId);
    return asResult(async () =>
      toOrderView(await this.#control(() => cancelOwnOrder(services, userId, portfolioId, orderId))),
    );
  }

  async positions(portfolioId: string, userId: string): Promise<EngineResult<PortfolioPositions>> {
    const services = await this.#services(portfolioId);
    return asResult(async () => readPositions(services, await ownedPortfolio(services.db, userId, portfolioId)));
  }

  // ---- Ballast's own actions ---------------------------------------------------------------------------------

  /** A disabled owner, or a key about to be replaced or deleted. */
  async pause(portfolioId: string, reason: PauseReason): Promise<EngineResult<void>> {
    const services = await this.#services(portfolioId);
    return asResult(async () => {
      const row = await portfolioById(services.db, portfolioId);
      if (row?.status !== "active") return;
      await this.#control(() => pausePortfolio(services, row, reason));
      await this.#schedule(services, portfolioId);
    });
  }

  /** Settings changed (interval, status): the next run time follows. */
  async reschedule(portfolioId: string): Promise<void> {
    // Counted as a control: a review's next step, and the schedule after a review, read the portfolio again.
    this.#controls++;
    const services = await this.#services(portfolioId);
    await this.#schedule(services, portfolioId);
  }

  /** The cron safety net: resume an interrupted run, start a due one, or make sure the alarm is set. */
  async wake(portfolioId: string): Promise<WakeOutcome> {
    const services = await this.#services(portfolioId);
    const storage = this.ctx.storage;
    if (this.#driving) {
      const lease = await storage.get<RunTicket>("lease");
      if (lease?.claimedAt && Date.now() - lease.claimedAt > HUNG_AFTER_MS) {
        // Reset the object: the next wake takes the run up again from its journal.
        services.log.error("review hung; resetting the portfolio's object", { runId: lease.runId });
        this.ctx.abort("review hung");
      }
      return "running";
    }
    if ((await storage.get("lease")) || (await storage.get("pending"))) {
      await storage.setAlarm(Date.now());
      return "resuming";
    }
    const row = await portfolioSchedule(services.db, portfolioId);
    if (row?.status !== "active") {
      await storage.deleteAlarm();
      return "idle";
    }
    const next = await storage.get<number>("nextRunAt");
    if (next === undefined || next <= Date.now()) {
      await storage.setAlarm(Date.now() + spreadMs(portfolioId));
      return "due";
    }
    if ((await storage.getAlarm()) === null) await storage.setAlarm(next);
    return "scheduled";
  }

  /**
   * The cron's order sync: statuses, fills, pending SL/TP, open orders of a portfolio that no longer runs, and a
   * running one's risk limits and stop-loss distances between reviews.
   */
  async sync(portfolioId: string): Promise<EngineResult<Awaited<ReturnType<typeof syncPortfolio>>>> {
    const services = await this.#services(portfolioId);
    return asResult(() => this.#control(() => syncPortfolio(services, portfolioId)));
  }

  override async alarm(): Promise<void> {
    // The object's portfolio never changes: known in memory once read or set (#services), read from storage otherwise.
    const portfolioId = this.#portfolioId ?? (await this.ctx.storage.get<string>("portfolioId"));
    if (portfolioId) await this.#drive(portfolioId);
  }

  // ---- runs ----------------------------------------------------------------------------------------------------

  /** Queues a run unless one is queued or running (its id is answered instead): runs never overlap. */
  async #request(services: EngineServices, portfolioId: string, trigger: RunTrigger): Promise<RunRequested> {
    const storage = this.ctx.storage;
    // Storage-only from here to the put: no other call can run in between (the input gate stays closed).
    const stored = await storage.get(["lease", "pending", "seq"]);
    const lease = stored.get("lease") as RunTicket | undefined;
    if (lease) return { runId: lease.runId, status: "running", alreadyRunning: true };
    const pending = stored.get("pending") as RunTicket | undefined;
    if (pending) return { runId: pending.runId, status: "queued", alreadyRunning: true };
    const seq = ((stored.get("seq") as number | undefined) ?? 0) + 1;
    const ticket: RunTicket = { runId: crypto.randomUUID(), seq, trigger, requestedAt: Date.now() };
    await storage.put({ seq, pending: ticket });
    // A requested run's row exists when the caller is answered, for it to be read back. A scheduled one is claimed at
    // once, by the loop that queued it, and its first batch writes the row (executeRun): one round trip fewer.
    if (trigger !== "schedule") await insertRunStatement(services.db.$client, ticketRow(ticket, portfolioId)).run();
    await storage.setAlarm(Date.now());
    return { runId: ticket.runId, status: "queued", alreadyRunning: false };
  }

  #drive(portfolioId: string): Promise<void> {
    this.#driving ??= this.#runLoop(portfolioId).finally(() => {
      this.#driving = null;
    });
    return this.#driving;
  }

  /**
   * One review per alarm invocation (an alarm has a bounded wall time and an AI review can take minutes); a review
   * requested meanwhile sets the alarm again, so it runs right after.
   */
  async #runLoop(portfolioId: string): Promise<void> {
    const services = await this.#services(portfolioId);
    const before = { ...this.#queries };
    const ticket = await this.#claim(services, portfolioId);
    // An unexpected failure (storage, D1) leaves the lease: the alarm's retry or the cron resumes the run (its
    // journal row is written again if it was lost).
    const end = ticket
      ? await executeRun(services, ticketRow(ticket, portfolioId)).finally(() => this.#deliverQueued())
      : null;
    if (ticket) await this.ctx.storage.delete("lease");
    // The schedule the review's last batch read stands unless a control or a reschedule ran since.
    const known = end?.schedule?.controls === this.#controls ? end.schedule.row : undefined;
    await this.#schedule(services, portfolioId, known);
    if (ticket)
      services.log.debug("review finished", {
        runId: ticket.runId,
        outcome: end?.outcome,
        d1RoundTrips: this.#queries.roundTrips - before.roundTrips,
        d1Statements: this.#queries.statements - before.statements,
      });
  }

  /** The run to execute now: an interrupted one (lease), a requested one, or a scheduled one that is due. */
  async #claim(services: EngineServices, portfolioId: string): Promise<RunTicket | null> {
    const storage = this.ctx.storage;
    const stored = await storage.get(["lease", "pending", "nextRunAt"]);
    const lease = stored.get("lease") as RunTicket | undefined;
    // Leases are dropped when a run ends, so a lease here is a run a restart interrupted.
    if (lease) return this.#resume(services, portfolioId, lease);
    const pending = stored.get("pending") as RunTicket | undefined;
    if (pending) {
      const taken = { ...pending, claimedAt: Date.now(), resumes: 0 };
      await storage.put("lease", taken);
      await storage.delete("pending");
      return taken;
    }
    // No stored slot for a running portfolio (restored data, a lost write) means it is due: better a review now
    // than none until someone touches it.
    const due = stored.get("nextRunAt") as number | undefined;
    if (due !== undefined && due > Date.now()) return null;
    const row = await portfolioSchedule(services.db, portfolioId);
    if (row?.status !== "active" || !row.startedAt) return null;
    // The slot is taken now: the loop, a cron wake or a retried alarm must not see it due again.
    await storage.put("nextRunAt", this.#nextSlot(row, row.startedAt));
    await storage.delete(RETRY_AT);
    const requested = await this.#request(services, portfolioId, "schedule");
    if (requested.alreadyRunning && requested.status === "running") return null;
    return this.#claim(services, portfolioId);
  }

  async #resume(services: EngineServices, portfolioId: string, lease: RunTicket): Promise<RunTicket | null> {
    const resumes = (lease.resumes ?? 0) + 1;
    if (resumes > MAX_RESUMES) {
      await updateRun(services.db, lease.runId, {
        status: "failed",
        errorCode: "interrupted",
        errorMessage: `The review was interrupted ${MAX_RESUMES} times and was given up; its orders are kept in step by the sync.`,
        finishedAt: new Date(),
      });
      await this.ctx.storage.delete("lease");
      return this.#claim(services, portfolioId);
    }
    const taken = { ...lease, claimedAt: Date.now(), resumes };
    await this.ctx.storage.put("lease", taken);
    return taken;
  }

  /**
   * The alarm at the next slot (or now, when a run is queued); cleared when the portfolio does not run. `known`: the
   * portfolio's schedule as just read, when no control ran since.
   */
  async #schedule(services: EngineServices, portfolioId: string, known?: PortfolioSchedule): Promise<void> {
    const storage = this.ctx.storage;
    const d1 = services.db.$client;
    const row = known ?? (await portfolioSchedule(services.db, portfolioId));
    if (row?.status !== "active" || !row.startedAt) {
      await storage.delete("nextRunAt");
      if (!(await storage.get("pending")) && !(await storage.get("lease"))) await storage.deleteAlarm();
      if (row?.nextRunAt) await portfolioUpdate(d1, row.id, { nextRunAt: null }).run();
      return;
    }
    const stored = await storage.get(["pending", RETRY_AT, "nextRunAt"]);
    if (stored.get("pending")) {
      await storage.setAlarm(Date.now());
      return;
    }
    // A review the venue's rate limit refused is tried again before the next slot (review-run.ts sets RETRY_AT).
    const retryAt = stored.get(RETRY_AT) as number | undefined;
    const slot = this.#nextSlot(row, row.startedAt);
    const next = retryAt !== undefined && retryAt < slot ? Math.max(retryAt, Date.now()) : slot;
    // Not written again when stored already: a review run on request keeps the slot, a scheduled one took it (#claim).
    if (stored.get("nextRunAt") !== next) await storage.put("nextRunAt", next);
    await storage.setAlarm(next);
    // The mirror for the cron and the owner: unchanged when the slot is (a review run on request keeps the slot).
    if (row.nextRunAt?.getTime() !== next) await portfolioUpdate(d1, portfolioId, { nextRunAt: new Date(next) }).run();
  }

  #nextSlot(row: PortfolioSchedule, startedAt: Date): number {
    return nextRunAt({
      portfolioId: row.id,
      interval: row.reviewInterval as ReviewInterval,
      anchor: startedAt.getTime(),
      after: Date.now(),
    });
  }

  /**
   * Work that holds the object's lock and changes the portfolio or its orders: a review in progress notices it. Counted
   * when it is queued and when it is done, so one still on its way is noticed too (the schedule after a review).
   */
  #control<T>(work: () => Promise<T>): Promise<T> {
    this.#controls++;
    return this.#mutex.run(work).finally(() => {
      this.#controls++;
      this.#deliverQueued();
    });
  }

  /**
   * The notifications the work just done queued go out now, in the background (the object stays up for them), not
   * at the next cron tick; the work has already returned, so a channel never delays or fails it.
   */
  #deliverQueued(): void {
    if (this.#queuedFor.size === 0) return;
    const config = readConfig(this.env);
    const deps = { db: this.#db ?? openDatabase(this.env.DB), config, fetch, log: createLogger(config.logLevel) };
    for (const userId of this.#queuedFor) deliverInBackground((promise) => this.ctx.waitUntil(promise), deps, userId);
    this.#queuedFor.clear();
  }

  /**
   * A control saved before it waits for the lock (stop, kill): noticed by a review's next step already. Counted when it
   * starts and when it is saved, as #control is.
   */
  async #saved<T>(work: () => Promise<T>): Promise<T> {
    this.#controls++;
    try {
      return await work();
    } finally {
      this.#controls++;
    }
  }

  async #services(portfolioId: string): Promise<EngineServices> {
    const storage = this.ctx.storage;
    if (this.#portfolioId !== portfolioId) {
      if ((await storage.get("portfolioId")) !== portfolioId) await storage.put("portfolioId", portfolioId);
      this.#portfolioId = portfolioId;
    }
    this.#db ??= openDatabase(countedD1(this.env.DB, this.#queries));
    return engineServices(this.env, portfolioId, {
      db: this.#db,
      storage: { get: (key) => storage.get(key), put: (key, value) => storage.put(key, value) },
      lock: this.#mutex,
      paperLock: this.#paperLock,
      paperAccount: this.#paperAccount,
      controlCount: () => this.#controls,
      notificationsQueued: (userId) => this.#queuedFor.add(userId),
    });
  }
}

function ticketRow(ticket: RunTicket, portfolioId: string): NewRun {
  return {
    id: ticket.runId,
    portfolioId,
    seq: ticket.seq,
    trigger: ticket.trigger,
    requestedAt: new Date(ticket.requestedAt),
  };
}
