import Big from "big.js";
import { and, eq, inArray } from "drizzle-orm";
import type { RunNote, RunStep } from "../../../shared/api/portfolio-runs.ts";
import { DEFAULT_PAPER_CAPITAL } from "../../../shared/api/portfolios.ts";
import { BUILTIN_MODEL } from "../../ai/builtin-strategy.ts";
import { type DecisionInput, DecisionInput as DecisionInputSchema } from "../../ai/decision-input.ts";
import type { Decision } from "../../ai/decision-schema.ts";
import type { FuturesStopsIntent } from "../../ai/intents.ts";
import { buildPrompt } from "../../ai/prompt.ts";
import { decisionProvider } from "../../ai/providers.ts";
import { portfolioOrders, portfolios, users } from "../../db/schema.ts";
import type { ExchangeGateway, PositionMode } from "../../exchanges/contract.ts";
import { isExchangeError } from "../../exchanges/errors.ts";
import { ApiError } from "../../http/api-error.ts";
import { redactedError } from "../../http/redacted-error.ts";
import { openAiKey } from "../../keys/ai-keys.ts";
import { dayStartEquity, insertEquityStatement } from "../equity-store.ts";
import { readLedger, valueLedger } from "../ledger.ts";
import { insertOrdersStatement, ordersOfRun, ordersOfRuns } from "../order-store.ts";
import {
  type RunRow,
  recentFinishedRuns,
  runById,
  runsAwaitingApproval,
  updateRun,
  updateRunStatement,
} from "../run-store.ts";
import { spreadMs } from "../schedule.ts";
import { type PortfolioRow, portfolioById } from "../store.ts";
import { gatewayMarket, portfolioSymbols } from "../validation.ts";
import { type Brokers, brokers, ensurePaperAccount } from "./broker.ts";
import { buildDecisionInput } from "./decision-input-builder.ts";
import type { EngineServices } from "./engine-services.ts";
import { cancelLeftovers, protectFilledEntries, recordTrades, refreshOrders, type SyncContext } from "./order-sync.ts";
import { type PauseReason, pausePortfolio } from "./pause.ts";
import { applyStops, placeOrders } from "./placement.ts";
import { planOrders } from "./planner.ts";
import { failedRunsReason, lossLimitReason, newPeak } from "./risk-rules.ts";
import { type FuturesSnapshot, ledgerPrices, takeSnapshot, tickersOf } from "./snapshot.ts";

/**
 * One review as a journaled state machine: cancel → snapshot → decide → plan → (approval) → place → reconcile →
 * record. The step is saved before it starts and its output before the next one, so the Durable Object can call
 * `executeRun` again after any restart and it continues where it stopped: reads are repeated, orders are never sent
 * twice (placement works from their saved status), the decision is not asked again once saved.
 */

export type RunOutcome = "completed" | "failed" | "aborted" | "awaiting_approval";

const LEFTOVER_REASON = "Not filled before the next review; canceled.";
const EXPIRED_APPROVAL = "Not approved before the next review.";

class RunFailure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

class RunAborted extends Error {}

type Journal = {
  services: EngineServices;
  run: RunRow;
  row: PortfolioRow;
  notes: RunNote[];
  durations: Record<string, number>;
  /** Made once per run: every step talks to the same brokers (a paper broker's calls share their prices). */
  brokers?: Brokers;
  /** The saved decision input, read once. */
  input?: DecisionInput;
};

export async function executeRun(services: EngineServices, portfolioId: string, runId: string): Promise<RunOutcome> {
  const run = await runById(services.db, portfolioId, runId);
  if (run.status === "completed" || run.status === "failed" || run.status === "aborted") return run.status;
  if (run.status === "awaiting_approval" && run.step === "approval") return "awaiting_approval";
  const row = await portfolioById(services.db, portfolioId);
  const journal: Journal = {
    services,
    run,
    row: row as PortfolioRow,
    notes: run.notes ? (JSON.parse(run.notes) as RunNote[]) : [],
    durations: run.durations ? (JSON.parse(run.durations) as Record<string, number>) : {},
  };
  if (!row) return finish(journal, "aborted", { summary: "The portfolio no longer exists." });
  if (!run.startedAt || run.status !== "running") {
    const startedAt = run.startedAt ?? services.now();
    await updateRun(services.db, run.id, { status: "running", startedAt });
    journal.run = { ...run, status: "running", startedAt };
  }
  try {
    return await advance(journal);
  } catch (error) {
    return onError(journal, error);
  }
}

async function advance(journal: Journal): Promise<RunOutcome> {
  let step: RunStep = journal.run.step;
  for (;;) {
    if (step === "done") return "completed";
    journal.row = (await portfolioById(journal.services.db, journal.row.id)) ?? journal.row;
    // Reconciling and recording finish the books even if the portfolio was stopped meanwhile; the rest needs it running.
    if (journal.row.status !== "active" && !["reconcile", "record"].includes(step)) throw new RunAborted();
    const started = Date.now();
    const work = STEPS[step];
    // Everything but waiting for the decision holds the object's lock, so stops, cancels and syncs never interleave
    // with a review's orders (a stop is saved first and takes effect at the next order).
    const next = step === "decide" ? await work(journal) : await journal.services.exclusive(() => work(journal));
    journal.durations[step] = (journal.durations[step] ?? 0) + (Date.now() - started);
    // One write per step: its output is saved by the step itself; this records where to resume and how long it took.
    const waiting = next === "approval";
    await updateRun(journal.services.db, journal.run.id, {
      step: next,
      // "record" has already marked the run completed with its result, in the same batch as the equity point.
      ...(next === "done" ? {} : { status: waiting ? "awaiting_approval" : "running" }),
      durations: JSON.stringify(journal.durations),
      notes: JSON.stringify(journal.notes),
    });
    // Kept in memory too: a failure in the next step is reported with the step it happened in.
    journal.run = { ...journal.run, step: next };
    if (waiting) return "awaiting_approval";
    step = next;
  }
}

function syncContext(journal: Journal): SyncContext {
  journal.brokers ??= brokers(journal.services, journal.row);
  return { services: journal.services, row: journal.row, brokers: journal.brokers, notes: journal.notes };
}

const STEPS: Record<Exclude<RunStep, "done">, (journal: Journal) => Promise<RunStep>> = {
  cancel: cancelStep,
  snapshot: snapshotStep,
  decide: decideStep,
  plan: planStep,
  approval: async () => "approval",
  place: placeStep,
  reconcile: reconcileStep,
  record: recordStep,
};

async function cancelStep(journal: Journal): Promise<RunStep> {
  const { services, row, run } = journal;
  // Every later call goes through the broker: a paper portfolio whose virtual account is missing gets a new one.
  const capital = row.paperCapital ?? DEFAULT_PAPER_CAPITAL;
  if (row.paper && (await ensurePaperAccount(services, row, capital)))
    journal.notes.push({
      kind: "info",
      symbol: null,
      message: `The paper account was missing; a new one was opened with ${capital} ${row.cashToken}.`,
    });
  await expireApprovals(services, row.id, run.id);
  await cancelLeftovers(syncContext(journal), run.id, LEFTOVER_REASON);
  return "snapshot";
}

/** Orders of earlier runs still waiting for approval expire when a new review starts. */
async function expireApprovals(services: EngineServices, portfolioId: string, currentRunId: string): Promise<void> {
  const waiting = (await runsAwaitingApproval(services.db, portfolioId)).filter((r) => r.id !== currentRunId);
  if (waiting.length === 0) return;
  const now = services.now();
  await services.db.batch([
    services.db
      .update(portfolioOrders)
      .set({ status: "expired", reason: EXPIRED_APPROVAL, updatedAt: now })
      .where(
        and(
          inArray(
            portfolioOrders.runId,
            waiting.map((r) => r.id),
          ),
          eq(portfolioOrders.status, "pending_approval"),
        ),
      ),
    ...waiting.map((r) =>
      updateRunStatement(services.db, r.id, {
        status: "completed",
        step: "done",
        finishedAt: r.finishedAt ?? now,
        summary: r.summary ? `${r.summary} (approval expired)` : "Approval expired.",
      }),
    ),
  ]);
}

async function snapshotStep(journal: Journal): Promise<RunStep> {
  const { services, run } = journal;
  let row = journal.row;
  const user = await services.db.select().from(users).where(eq(users.id, row.userId)).get();
  if (!user?.enabled) throw new PauseRun({ code: "owner_disabled", message: "The owner's account is disabled." });
  const context = syncContext(journal);
  const broker = await context.brokers.current();
  const ledger = readLedger(row.ledger);
  if (!ledger) throw new RunFailure("not_started", "The portfolio has no ledger; start it again.");
  const snapshot = await takeSnapshot(broker, row, ledger, services.now().getTime());
  journal.notes.push(...snapshot.notes);
  if (snapshot.kind === "futures")
    snapshot.positionMode = await preflightPositionMode(broker, row, snapshot, journal.notes);
  if (Big(snapshot.outflow).gt(0) || JSON.stringify(snapshot.ledger) !== JSON.stringify(ledger)) {
    const startingEquity =
      row.startingEquity === null ? null : Big(row.startingEquity).minus(snapshot.outflow).toFixed();
    await services.db
      .update(portfolios)
      .set({ ledger: JSON.stringify(snapshot.ledger), startingEquity })
      .where(eq(portfolios.id, row.id));
    row = { ...row, ledger: JSON.stringify(snapshot.ledger), startingEquity };
    journal.row = row;
  }
  const dayStart = row.startedAt ? await dayStartEquity(services.db, row.id, services.now(), row.startedAt) : null;
  const breach = lossLimitReason(row, snapshot.equity, dayStart);
  if (breach) throw new PauseRun({ code: "loss_limit", message: breach });

  const recent = await recentFinishedRuns(services.db, row.id, 5);
  const orders = await ordersOfRuns(
    services.db,
    recent.map((r) => r.id),
  );
  const input = await buildDecisionInput({
    row,
    snapshot,
    marketData: broker,
    history: recent.map((r) => ({ run: r, orders: orders.get(r.id) ?? [] })),
  });
  await updateRun(services.db, run.id, { input: JSON.stringify(input), equityBefore: snapshot.equity });
  journal.run = { ...run, input: JSON.stringify(input), equityBefore: snapshot.equity };
  journal.input = input;
  return "decide";
}

/**
 * The account's position mode is changed to the portfolio's only when it differs (venues answer "no change" as an
 * error). It cannot change while positions are open; the review then trades in the mode the account has, since the
 * guards derive every order's position side from it.
 */
async function preflightPositionMode(
  broker: ExchangeGateway,
  row: PortfolioRow,
  snapshot: FuturesSnapshot,
  notes: RunNote[],
): Promise<PositionMode> {
  const wanted = row.positionMode;
  if (!wanted || wanted === snapshot.positionMode) return snapshot.positionMode;
  try {
    await broker.setPositionMode(wanted);
    notes.push({ kind: "settings", symbol: null, message: `Position mode set to ${wanted.replace("_", "-")}.` });
    return wanted;
  } catch (error) {
    if (!isExchangeError(error)) throw error;
    notes.push({
      kind: "settings",
      symbol: null,
      message: `Position mode stays ${snapshot.positionMode.replace("_", "-")} (wanted ${wanted.replace("_", "-")}): ${error.message}`,
    });
    return snapshot.positionMode;
  }
}

function savedInput(journal: Journal): DecisionInput {
  if (journal.input) return journal.input;
  if (!journal.run.input) throw new RunFailure("internal", "The run has no decision input.");
  journal.input = DecisionInputSchema.parse(JSON.parse(journal.run.input));
  return journal.input;
}

async function decideStep(journal: Journal): Promise<RunStep> {
  const { services, row, run } = journal;
  if (run.decision) return "plan";
  const input = savedInput(journal);
  const choice = await aiChoice(services, row);
  const provider = decisionProvider(services.ai, choice);
  const model = row.decisionProvider === "builtin" ? BUILTIN_MODEL : (row.model ?? "");
  const result = await provider.decide(input, { model, reasoningEffort: null, webSearch: false });
  const prompt = row.decisionProvider === "builtin" ? null : JSON.stringify(buildPrompt(input));
  const common = {
    provider: result.provider,
    model: result.model,
    promptVersion: result.promptVersion,
    prompt,
    rawResponse: JSON.stringify(result.raw ?? null),
    usage: result.usage ? JSON.stringify({ ...result.usage, costUsd: undefined }) : null,
    costUsd: result.usage?.costUsd ?? null,
  };
  if (!result.ok) {
    await updateRun(services.db, run.id, common);
    throw new RunFailure(`decision_${result.failure.code}`, result.failure.message);
  }
  await updateRun(services.db, run.id, {
    ...common,
    decision: JSON.stringify(result.decision),
    summary: result.decision.summary,
  });
  journal.run = { ...run, decision: JSON.stringify(result.decision), summary: result.decision.summary };
  return "plan";
}

async function aiChoice(services: EngineServices, row: PortfolioRow) {
  if (row.decisionProvider === "builtin") return null;
  if (!services.keyring) throw new RunFailure("no_ai_key", "Stored AI keys cannot be opened: MASTER_KEY is not set.");
  const apiKey = await openAiKey(services.db, services.keyring, row.userId, row.decisionProvider);
  const name = row.decisionProvider === "openai" ? "OpenAI" : "Groq";
  if (!apiKey)
    throw new RunFailure(
      "no_ai_key",
      `This portfolio decides with ${name}, but you have no ${name} key. Add one on the Keys page or switch to the built-in strategy.`,
    );
  return { provider: row.decisionProvider, apiKey };
}

async function planStep(journal: Journal): Promise<RunStep> {
  const { services, row, run } = journal;
  const existing = await ordersOfRun(services.db, run.id);
  if (existing.length > 0 || run.plannedStops !== null) return nextAfterPlan(row, existing);
  const input = savedInput(journal);
  const decision = JSON.parse(run.decision ?? "null") as Decision | null;
  if (!decision) throw new RunFailure("internal", "The run has no decision to plan.");
  const broker = await syncContext(journal).brokers.current();
  const tickers = await tickersOf(broker, gatewayMarket(row.market), portfolioSymbols(row));
  const plan = planOrders({ row, run, decisionInput: input, decision, tickers, now: services.now() });
  const saveStops = updateRunStatement(services.db, run.id, { plannedStops: JSON.stringify(plan.stops) });
  // One batch: the orders and the plan's stops are saved together, or not at all (then "plan" runs again).
  if (plan.orders.length) await services.db.batch([insertOrdersStatement(services.db, plan.orders), saveStops]);
  else await saveStops;
  journal.run = { ...run, plannedStops: JSON.stringify(plan.stops) };
  return nextAfterPlan(row, await ordersOfRun(services.db, run.id));
}

function nextAfterPlan(row: PortfolioRow, orders: { status: string }[]): RunStep {
  const waiting = orders.some((o) => o.status === "pending_approval");
  return row.executionMode === "manual_approval" && waiting ? "approval" : "place";
}

async function placeStep(journal: Journal): Promise<RunStep> {
  const { services, run } = journal;
  const orders = await ordersOfRun(services.db, run.id);
  const context = {
    ...syncContext(journal),
    run,
    input: savedInput(journal),
    stillActive: async () => (await portfolioById(services.db, journal.row.id))?.status === "active",
  };
  await placeOrders(context, orders);
  const stops = JSON.parse(run.plannedStops ?? "[]") as FuturesStopsIntent[];
  if (stops.length) {
    await applyStops(context, stops);
    await updateRun(services.db, run.id, { plannedStops: "[]" });
    journal.run = { ...run, plannedStops: "[]" };
  }
  // Approved in part: the rest still waits.
  if ((await ordersOfRun(services.db, run.id)).some((o) => o.status === "pending_approval")) return "approval";
  return "reconcile";
}

async function reconcileStep(journal: Journal): Promise<RunStep> {
  const { services, run } = journal;
  const context = syncContext(journal);
  const live = (await ordersOfRun(services.db, run.id)).filter((o) =>
    ["open", "partially_filled", "unknown", "sending"].includes(o.status),
  );
  await refreshOrders(context, live);
  await recordTrades(context, await ordersOfRun(services.db, run.id));
  await protectFilledEntries(context);
  return "record";
}

async function recordStep(journal: Journal): Promise<RunStep> {
  const { services, run } = journal;
  const row = (await portfolioById(services.db, journal.row.id)) ?? journal.row;
  const ledger = readLedger(row.ledger);
  if (!ledger) throw new RunFailure("not_started", "The portfolio has no ledger; start it again.");
  const broker = await syncContext(journal).brokers.current();
  const tickers = await tickersOf(broker, gatewayMarket(row.market), portfolioSymbols(row));
  const equity = valueLedger(ledger, ledgerPrices(row, tickers)).equity.toFixed();
  const now = services.now();
  const pnl = row.startingEquity === null ? "0" : Big(equity).minus(row.startingEquity).toFixed();
  await services.db.batch([
    insertEquityStatement(services.db, { portfolioId: row.id, at: now, equity, pnl, runId: run.id }),
    updateRunStatement(services.db, run.id, {
      status: "completed",
      step: "done",
      finishedAt: now,
      equityAfter: equity,
      notes: JSON.stringify(journal.notes),
      durations: JSON.stringify(journal.durations),
    }),
    services.db
      .update(portfolios)
      .set({ equity, equityAt: now, peakEquity: newPeak(row, equity), lastRunAt: now, failedRunsInARow: 0 })
      .where(eq(portfolios.id, row.id)),
  ]);
  const dayStart = row.startedAt ? await dayStartEquity(services.db, row.id, now, row.startedAt) : null;
  const breach = row.status === "active" ? lossLimitReason(row, equity, dayStart) : null;
  if (breach) await pausePortfolio(services, { ...row, equity }, { code: "loss_limit", message: breach });
  return "done";
}

// ---------------------------------------------------------------------------------------------------------------
// Endings

/** A reason to pause the portfolio found during the run (loss limit, disabled owner). */
class PauseRun extends Error {
  readonly reason: PauseReason;
  constructor(reason: PauseReason) {
    super(reason.message);
    this.reason = reason;
  }
}

async function finish(
  journal: Journal,
  status: "completed" | "failed" | "aborted",
  fields: { summary?: string; errorCode?: string; errorMessage?: string },
): Promise<RunOutcome> {
  await updateRun(journal.services.db, journal.run.id, {
    status,
    finishedAt: journal.services.now(),
    notes: JSON.stringify(journal.notes),
    durations: JSON.stringify(journal.durations),
    ...fields,
  });
  return status;
}

async function onError(journal: Journal, error: unknown): Promise<RunOutcome> {
  const { services, run } = journal;
  const row = (await portfolioById(services.db, journal.row.id)) ?? journal.row;
  if (error instanceof RunAborted || error instanceof PauseRun) await dropPlanned(services, run.id);
  if (error instanceof RunAborted)
    return finish(journal, "aborted", {
      summary: `The portfolio is ${row.status === "active" ? "running" : row.status}; the run stopped before sending anything more.`,
    });
  if (error instanceof PauseRun) {
    if (row.status === "active") await pausePortfolio(services, row, error.reason);
    return finish(journal, "aborted", { summary: `Paused: ${error.message}` });
  }
  if (isExchangeError(error, "rate_limited")) return deferForRateLimit(journal, row, error.retryAfterMs);
  const keyReason = keyUnavailableReason(error);
  if (keyReason) {
    if (row.status === "active") await pausePortfolio(services, row, { code: "key_unavailable", message: keyReason });
    // An unreadable key keeps its own code on the run: the fix (entering it again) differs from a deleted key's.
    const errorCode = isKeyUnreadable(error) ? "key_unreadable" : "key_unavailable";
    return finish(journal, "failed", { errorCode, errorMessage: keyReason });
  }
  const { code, message } = describeFailure(error);
  services.log.warn("review failed", { portfolioId: row.id, runId: run.id, step: journal.run.step, code, message });
  const failed = row.failedRunsInARow + 1;
  await services.db
    .update(portfolios)
    .set({ failedRunsInARow: failed, lastRunAt: services.now() })
    .where(eq(portfolios.id, row.id));
  const outcome = await finish(journal, "failed", { errorCode: code, errorMessage: message });
  const reason = failedRunsReason(failed, message);
  if (reason && row.status === "active")
    await pausePortfolio(services, row, { code: "failed_reviews", message: reason });
  return outcome;
}

/** Storage key of the time a rate-limited review is tried again (the object's schedule honours it). */
export const RETRY_AT = "retryAt";

/**
 * The venue's rate limit is shared by every portfolio on the same IP, so a review it refused is not the portfolio's
 * failure: it does not count towards the pause, and it is tried again once the limit has lifted (spread out, so the
 * portfolios it refused together do not all come back in the same second).
 */
async function deferForRateLimit(
  journal: Journal,
  row: PortfolioRow,
  retryAfterMs: number | null,
): Promise<RunOutcome> {
  const { services, run } = journal;
  await dropPlanned(services, run.id, "Not sent: the venue's rate limit was reached during the review.");
  const retryAt = services.now().getTime() + Math.max(retryAfterMs ?? 60_000, 30_000) + spreadMs(row.id);
  await services.storage.put(RETRY_AT, retryAt);
  return finish(journal, "failed", {
    errorCode: "exchange_rate_limited",
    errorMessage: `The venue's rate limit was reached; the review is tried again at ${new Date(retryAt).toISOString()} (not counted as a failed review).`,
  });
}

/** Orders the run planned but will not send are refused with the reason, never left looking as if they might go. */
async function dropPlanned(
  services: EngineServices,
  runId: string,
  reason = "Not sent: the portfolio was stopped or paused during the run.",
): Promise<void> {
  await services.db
    .update(portfolioOrders)
    .set({ status: "rejected", reason, updatedAt: services.now() })
    .where(and(eq(portfolioOrders.runId, runId), eq(portfolioOrders.status, "planned")));
}

/** Why the portfolio's exchange key cannot be used at all (no retry helps until its owner acts), or null. */
function keyUnavailableReason(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === "not_found") return "The portfolio's exchange key was deleted.";
  if (error.code === "key_unverified")
    return "The portfolio's exchange key is not verified; replace it to verify it again.";
  if (isKeyUnreadable(error)) return error.message;
  return null;
}

function isKeyUnreadable(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === "key_unreadable";
}

function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof RunFailure) return { code: error.code, message: error.message };
  if (isExchangeError(error)) return { code: `exchange_${error.kind}`, message: error.message };
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  return { code: "internal", message: `Unexpected failure: ${redactedError(error).message.slice(0, 300)}` };
}
