import Big from "big.js";
import { and, eq } from "drizzle-orm";
import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import type { RunNote, RunStep } from "../../../shared/api/portfolio-runs.ts";
import { DEFAULT_PAPER_CAPITAL } from "../../../shared/api/portfolios.ts";
import { type KeyRow, portfolioKeyStatement, readKeyRow } from "../../accounts/gateway-for-key.ts";
import { type DecisionInput, DecisionInput as DecisionInputSchema } from "../../ai/decision-input.ts";
import type { Decision } from "../../ai/decision-schema.ts";
import type { FuturesStopsIntent } from "../../ai/intents.ts";
import { buildPrompt } from "../../ai/prompt.ts";
import { firstRaw, saveAll } from "../../db/rows.ts";
import { portfolioOrders, portfolios } from "../../db/schema.ts";
import type { Balance, ExchangeGateway, Order, PositionMode } from "../../exchanges/contract.ts";
import { isExchangeError } from "../../exchanges/errors.ts";
import { ApiError } from "../../http/api-error.ts";
import { redactedError } from "../../http/redacted-error.ts";
import { readSignals, signalsStatement } from "../../market/signals.ts";
import { errorMessageColumns, reasonColumns, runNote, summaryColumns } from "../engine-text-columns.ts";
import { dayStartStatement, equityPointStatement, readDayStart, utcMidnight } from "../equity-store.ts";
import { exposurePct } from "../exposure.ts";
import { readLedger, valueLedger } from "../ledger.ts";
import {
  insertOrderStatements,
  liveOrdersStatement,
  type OrderRow,
  ordersOfRunStatement,
  ordersWithPendingStopsStatement,
  readOrderRows,
  readTrackedOrders,
  savedOrderRow,
  trackedOrdersOfRunStatement,
} from "../order-store.ts";
import {
  expireApprovalStatements,
  insertRunStatement,
  type NewRun,
  type RunColumns,
  type RunRow,
  readHistoryOrder,
  readHistoryRun,
  readRunRow,
  recentRunOrdersStatement,
  recentRunsStatement,
  runStatement,
  runUpdate,
  startRunStatement,
} from "../run-store.ts";
import { spreadMs } from "../schedule.ts";
import {
  ownerEnabledStatement,
  type PortfolioRow,
  type PortfolioSchedule,
  portfolioById,
  portfolioScheduleStatement,
  portfolioStatement,
  portfolioUpdate,
  portfolioVersionStatement,
  readPortfolioRow,
  readPortfolioSchedule,
  readPortfolioVersion,
  storedTokens,
} from "../store.ts";
import { gatewayMarket, portfolioSymbols } from "../validation.ts";
import { type Brokers, brokers, ensurePaperAccount } from "./broker.ts";
import { buildDecisionInput, PREVIOUS_RUNS } from "./decision-input-builder.ts";
import { decideReview } from "./decision-source.ts";
import type { EngineServices } from "./engine-services.ts";
import { bookedFundingStatement, fundingInsertStatements, fundingSince, readBookedFunding } from "./funding.ts";
import { approvalWaitingStatement } from "./notifications.ts";
import {
  cancelLeftovers,
  protectFilledEntries,
  recordReadStatements,
  recordTrades,
  refreshOrders,
  type Saves,
  type StraySweep,
  type SyncContext,
  strayCandidates,
} from "./order-sync.ts";
import { type PauseReason, pausePortfolio } from "./pause.ts";
import { applyStops, placeOrders } from "./placement.ts";
import { planOrders } from "./planner.ts";
import { failedRunsReason, lossLimitReason, newPeak } from "./risk-rules.ts";
import { type FuturesSnapshot, ledgerPrices, takeSnapshot, tickersOf } from "./snapshot.ts";
import { depegReason, pegReadings } from "./stablecoin-peg.ts";

/**
 * One review as a journaled state machine: cancel → snapshot → decide → plan → (approval) → place → reconcile →
 * record. The step is saved before it starts and its output before the next one, so the Durable Object can call
 * `executeRun` again after any restart and it continues where it stopped: reads are repeated, orders are never sent
 * twice (placement works from their saved status), the decision is not asked again once saved.
 *
 * Each step's own writes and the journal's next step are saved in one D1 batch (one round trip, atomic), which also
 * reads the portfolio's version. The portfolio's row is read again before a step only when that version moved (a
 * control or a settings edit was saved) or the object ran a control or sync of its own since: the row a step sees is
 * as current as if it had been read before it, for one round trip per review instead of one per step. The built-in
 * strategy's decision (no wait, nothing asked) and the snapshot it decides on are saved with the plan's batch, as if
 * they were part of the plan.
 */

export type RunOutcome = "completed" | "failed" | "aborted" | "awaiting_approval";

/**
 * How a review ended. A completed one also answers the portfolio's schedule as its last batch read it, and the object's
 * count of controls and syncs when that batch was sent: the object schedules the next review from it, unless a control
 * (a reschedule included) ran since, a round trip fewer.
 */
export type RunEnd = { outcome: RunOutcome; schedule?: { row: PortfolioSchedule; controls: number } };

const LEFTOVER_REASON = engineText("order_leftover_canceled", {}, "Not filled before the next review; canceled.");
const EXPIRED_APPROVAL = engineText("order_approval_expired", {}, "Not approved before the next review.");

class RunFailure extends Error {
  readonly code: string;
  readonly text: EngineText | undefined;
  constructor(code: string, message: string, text?: EngineText) {
    super(message);
    this.code = code;
    this.text = text;
  }
}

class RunAborted extends Error {}

type Journal = {
  services: EngineServices;
  run: RunRow;
  row: PortfolioRow;
  notes: RunNote[];
  /** How many of `notes` the run's row holds: notes are only added, so a step that added none leaves them alone. */
  notesSaved: number;
  durations: Record<string, number>;
  /** Made once per run: every step talks to the same brokers (a paper broker's calls share their prices). */
  brokers?: Brokers;
  /** The portfolio's exchange key as the first batch read it, for the brokers. */
  key?: KeyRow;
  /** The saved decision input, read once. */
  input?: DecisionInput;
  /** The decision made in this invocation (a resumed run reads it from the journal). */
  decision?: Decision;
  /**
   * The orders "plan" saved in this invocation, as saved: nothing but placement changes a run's planned orders (syncs
   * and controls touch orders sent or waiting for approval), so "place" need not read them back.
   */
  planned?: OrderRow[];
  /**
   * Orders "place" sent in this invocation whose answer was their state (worker/portfolios/engine/placement.ts):
   * "reconcile" does not ask the venue again moments later; the order sync follows them from there.
   */
  answered?: Map<string, Order>;
  /**
   * Placement's answers showed nothing of the run filled: a spot run whose orders were all answered with nothing
   * filled, or wait for approval. Its reconcile has nothing to read or do; the answers are saved with the record.
   */
  nothingFilled?: boolean;
  /** The object's count of its own controls and syncs when `row` was known to be current. */
  controlsSeen: number;
  /** The last save found the row changed by a control or an edit: it is read again before the next step. */
  stale: boolean;
  /** Spot: the account's balances the cancel step read, and the object's control count then. */
  balances?: { list: Balance[]; controls: number };
  /** The day's starting equity read in this invocation, with the UTC midnight it counts from. */
  dayStart?: { midnight: number; equity: string | null };
  /** The next step's reads, sent with the last batch, and the object's control count before they were sent. */
  prefetched?: { step: RunStep; controls: number; results: D1Result[] };
  /** The portfolio's schedule as the run's last batch read it (RunEnd). */
  schedule?: { row: PortfolioSchedule; controls: number };
  /** Writes of a step saved with the next one (`StepResult.withNext`), sent first in the next batch. */
  carried?: Saves;
  /** That step's changes to the run's row, saved with the next batch's own update of it. */
  carriedRun?: RunColumns;
};

/**
 * What a step did: where the run goes next, its writes (saved with the journal), its changes to the run's row (saved
 * in the journal's own update of that row, one statement), and work that must follow them.
 * `withNext`: the step is saved with the next one, in that step's batch; only for a step that, if the review is
 * interrupted before that batch, can run again without repeating an order, a cancel or a paid request (anything of
 * the kind it sent was saved at once).
 */
type StepResult = {
  next: RunStep;
  saves: Saves;
  run?: RunColumns;
  afterSave?: () => Promise<void>;
  withNext?: true;
};

/**
 * A step: what it reads from D1 before its work (sent with the previous step's batch, and used when no control or
 * sync of the object ran since), and its work on what was read.
 */
type Step = {
  reads?: (journal: Journal) => D1PreparedStatement[];
  work: (journal: Journal, read: D1Result[]) => Promise<StepResult>;
};

/**
 * Runs (or resumes) the review `request` names. Its journal row is written first if a restart lost it, a run that
 * has not ended is marked running, and earlier runs still waiting for approval expire (their orders with them), in
 * the same round trip that reads the run and the portfolio.
 */
export async function executeRun(services: EngineServices, request: NewRun): Promise<RunEnd> {
  const d1 = services.db.$client;
  const controlsSeen = services.controlCount();
  const now = services.now();
  // A new run starts at "cancel": its read goes with this first batch (and is left unused by a resumed run).
  const [, , , , runResult, rowResult, liveResult, keyResult] = await d1.batch([
    insertRunStatement(d1, request),
    startRunStatement(d1, request.id, now),
    ...expireApprovalStatements(d1, request, now, EXPIRED_APPROVAL),
    runStatement(d1, request.portfolioId, request.id),
    portfolioStatement(d1, request.portfolioId),
    liveOrdersStatement(d1, request.portfolioId),
    portfolioKeyStatement(d1, request.portfolioId),
  ]);
  const rawRun = firstRaw(runResult);
  if (!rawRun) throw new ApiError("not_found", "No such run.");
  const run = readRunRow(rawRun);
  if (run.status === "completed" || run.status === "failed" || run.status === "aborted") return { outcome: run.status };
  if (run.status === "awaiting_approval" && run.step === "approval") return { outcome: "awaiting_approval" };
  const rawRow = firstRaw(rowResult);
  const notes = run.notes ? (JSON.parse(run.notes) as RunNote[]) : [];
  const journal: Journal = {
    services,
    run,
    row: (rawRow ? readPortfolioRow(rawRow) : null) as PortfolioRow,
    notes,
    notesSaved: notes.length,
    durations: run.durations ? (JSON.parse(run.durations) as Record<string, number>) : {},
    key: readKeyRow(firstRaw(keyResult)),
    controlsSeen,
    stale: false,
    prefetched: liveResult && { step: "cancel", controls: controlsSeen, results: [liveResult] },
  };
  if (!rawRow)
    return {
      outcome: await finish(journal, "aborted", {
        summary: engineText("run_portfolio_gone", {}, "The portfolio no longer exists."),
      }),
    };
  try {
    const outcome = await advance(journal);
    return outcome === "completed" && journal.schedule ? { outcome, schedule: journal.schedule } : { outcome };
  } catch (error) {
    return { outcome: await onError(journal, error) };
  }
}

async function advance(journal: Journal): Promise<RunOutcome> {
  let step: RunStep = journal.run.step;
  for (;;) {
    if (step === "done") return "completed";
    const current = step;
    // Everything but waiting for the decision holds the object's lock, so stops, cancels and syncs never interleave
    // with a review's orders (a stop is saved first and takes effect at the next order).
    const next =
      current === "decide"
        ? await runStep(journal, current)
        : await journal.services.exclusive(() => runHeld(journal, current));
    // Kept in memory too: a failure in the next step is reported with the step it happened in.
    journal.run = { ...journal.run, step: next };
    if (next === "approval") return "awaiting_approval";
    step = next;
  }
}

/**
 * A step under the object's lock, and the steps after it while writes it carried into their batch are still unsent: no
 * sync or control reads an order's row before the venue's answer to it is saved, or a ledger the snapshot corrected
 * before the correction is (a decision that waits for nothing is made under the lock too).
 */
async function runHeld(journal: Journal, step: Exclude<RunStep, "done">): Promise<RunStep> {
  let next = await runStep(journal, step);
  try {
    while (
      journal.carried?.length &&
      (next !== "decide" || decidesAtOnce(journal.row)) &&
      next !== "approval" &&
      next !== "done"
    ) {
      journal.run = { ...journal.run, step: next };
      next = await runStep(journal, next);
    }
  } catch (error) {
    // A step that fails still lets go of the lock only once the writes carried to it are saved; the run's own changes
    // are saved when it ends (`finish`). Unsaved, the orders read `sending` and are looked up, never resent.
    const saves = journal.carried ?? [];
    journal.carried = undefined;
    await saveAll(journal.services.db.$client, saves).catch(() => undefined);
    throw error;
  }
  return next;
}

/** One step: the portfolio as it is now, the step's reads and work, then its writes and the journal in one batch. */
async function runStep(journal: Journal, step: Exclude<RunStep, "done">): Promise<RunStep> {
  const started = Date.now();
  const prefetched = prefetchedFor(journal, step);
  await readAgainIfChanged(journal);
  // Reconciling and recording finish the books even if the portfolio was stopped meanwhile; the rest needs it running.
  if (journal.row.status !== "active" && step !== "reconcile" && step !== "record") throw new RunAborted();
  const { reads, work } = STEPS[step];
  const statements = prefetched ? [] : (reads?.(journal) ?? []);
  const read = prefetched ?? (statements.length ? await journal.services.db.$client.batch(statements) : []);
  const result = await work(journal, read);
  journal.durations[step] = (journal.durations[step] ?? 0) + (Date.now() - started);
  if (result.withNext) {
    journal.carried = [...(journal.carried ?? []), ...result.saves];
    journal.carriedRun = { ...journal.carriedRun, ...result.run };
    return result.next;
  }
  await save(journal, result);
  if (result.afterSave) {
    // It may change the portfolio (a pause): the schedule read with the batch no longer stands.
    journal.schedule = undefined;
    await result.afterSave();
  }
  return result.next;
}

/** The step's reads sent with the last batch, unless the row changed or the object ran a control or sync since. */
function prefetchedFor(journal: Journal, step: RunStep): D1Result[] | null {
  const prefetched = journal.prefetched;
  journal.prefetched = undefined;
  if (prefetched?.step !== step || journal.stale) return null;
  return prefetched.controls === journal.services.controlCount() ? prefetched.results : null;
}

/**
 * Saves a step: its own writes, where to resume and how long it took, in one batch that then reads the portfolio's
 * version (status, updatedAt, ledger), so the next step knows whether the row it holds is still current, and what the
 * next step reads.
 */
async function save(journal: Journal, { next, saves: own, run: changes }: StepResult): Promise<void> {
  const { services, run, row } = journal;
  const d1 = services.db.$client;
  const carried = takeCarried(journal);
  const saves = [...carried.saves, ...own];
  // The run's last batch reads the schedule the object sets the next review by.
  const nextReads =
    next === "done"
      ? [portfolioScheduleStatement(d1, row.id)]
      : next === "approval"
        ? []
        : (STEPS[next].reads?.(journal) ?? []);
  const controls = services.controlCount();
  // Waiting for the owner: the notification is queued in the same batch, so it exists exactly when the wait does.
  // The plan just saved says how many wait (a partial approval's second wait finds the event already queued).
  const waiting = journal.planned?.filter((o) => o.status === "pending_approval").length ?? null;
  const notify = next === "approval" ? [approvalWaitingStatement(d1, row, run.id, waiting, services.now())] : [];
  const results = await d1.batch([
    ...saves,
    ...notify,
    runUpdate(d1, run.id, {
      ...carried.run,
      ...changes,
      step: next,
      // "record" marks the run completed with its result, in this same update.
      ...(next === "done" ? {} : { status: next === "approval" ? "awaiting_approval" : "running" }),
      durations: JSON.stringify(journal.durations),
      notes: journal.notes.length === journal.notesSaved ? undefined : JSON.stringify(journal.notes),
    }),
    portfolioVersionStatement(d1, row.id),
    ...nextReads,
  ]);
  journal.notesSaved = journal.notes.length;
  if (notify.length) services.notificationsQueued(row.userId);
  const base = saves.length + notify.length;
  if (next === "done") {
    const schedule = readPortfolioSchedule(firstRaw(results[base + 2]));
    journal.schedule = schedule ? { row: schedule, controls } : undefined;
  } else if (nextReads.length) journal.prefetched = { step: next, controls, results: results.slice(base + 2) };
  const raw = firstRaw(results[base + 1]);
  if (!raw) return;
  const version = readPortfolioVersion(raw);
  // The ledger is the object's own (its trades and snapshots write it): taken as saved. Anything else changed only
  // with `updatedAt`, and then the whole row is read again before the next step.
  if (version.updatedAt.getTime() !== row.updatedAt.getTime()) journal.stale = true;
  journal.row = { ...row, status: version.status, ledger: version.ledger };
}

/** The writes a step left for the next batch (and forgets them: they are sent once). */
function takeCarried(journal: Journal): { saves: Saves; run: RunColumns | undefined } {
  const carried = { saves: journal.carried ?? [], run: journal.carriedRun };
  journal.carried = undefined;
  journal.carriedRun = undefined;
  return carried;
}

/** The row read again when a save saw it change, or when the object carried out a control or a sync since. */
async function readAgainIfChanged(journal: Journal): Promise<void> {
  const { services } = journal;
  const controls = services.controlCount();
  if (!journal.stale && controls === journal.controlsSeen) return;
  const raw = await portfolioStatement(services.db.$client, journal.row.id).first<Record<string, unknown>>();
  if (raw) journal.row = readPortfolioRow(raw);
  journal.stale = false;
  journal.controlsSeen = controls;
}

function syncContext(journal: Journal): SyncContext {
  journal.brokers ??= brokers(journal.services, journal.row, journal.key);
  return { services: journal.services, row: journal.row, brokers: journal.brokers, notes: journal.notes };
}

const STEPS: Record<Exclude<RunStep, "done">, Step> = {
  cancel: { reads: (journal) => [liveOrdersStatement(journal.services.db.$client, journal.row.id)], work: cancelStep },
  snapshot: { reads: snapshotReads, work: snapshotStep },
  decide: { work: decideStep },
  plan: { work: planStep },
  approval: { work: async () => ({ next: "approval", saves: [] }) },
  place: { work: placeStep },
  reconcile: { reads: reconcileReads, work: reconcileStep },
  record: { work: recordStep },
};

async function cancelStep(journal: Journal, [liveResult]: D1Result[]): Promise<StepResult> {
  const { services, row, run } = journal;
  // Every later call goes through the broker: a paper portfolio whose virtual account is missing gets a new one.
  const capital = row.paperCapital ?? DEFAULT_PAPER_CAPITAL;
  if (row.paper && (await ensurePaperAccount(services, row, capital)))
    journal.notes.push(
      runNote(
        "info",
        null,
        engineText(
          "note_paper_account_opened",
          { capitalAmount: capital, cash: row.cashToken },
          `The paper account was missing; a new one was opened with ${capital} ${row.cashToken}.`,
        ),
      ),
    );
  const saves: Saves = [];
  const tracked = readTrackedOrders(liveResult);
  // Spot strays are looked for only where the account shows funds locked, read once the leftovers are canceled; the
  // snapshot takes those balances as they are unless a stray's cancel has freed some since. Futures sweep every symbol.
  const lockedSymbols: StraySweep = async (broker) => {
    const list = await broker.balances();
    journal.balances = { list, controls: services.controlCount() };
    return strayCandidates(row, list);
  };
  const sweep = row.market === "spot" ? lockedSymbols : undefined;
  const canceled = await cancelLeftovers(syncContext(journal), tracked, run.id, LEFTOVER_REASON, saves, sweep);
  const known = new Set(tracked.map((o) => o.clientOrderId));
  if (canceled.some((o) => !known.has(o.clientOrderId))) journal.balances = undefined;
  return { next: "snapshot", saves };
}

/** The owner (enabled or not), the decision input's history, and the day's starting equity. */
function snapshotReads({ services, row }: Journal): D1PreparedStatement[] {
  const d1 = services.db.$client;
  return [
    ownerEnabledStatement(d1, row.userId),
    recentRunsStatement(d1, row.id, PREVIOUS_RUNS),
    recentRunOrdersStatement(d1, row.id, PREVIOUS_RUNS),
    dayStartStatement(d1, row.id, services.now(), row.startedAt),
    signalsStatement(
      d1,
      storedTokens(row).map((t) => t.token),
      services.now(),
    ),
    // Funding already booked in the window the snapshot reads from the venue (futures only; spot reads nothing).
    bookedFundingStatement(
      d1,
      row.id,
      row.market === "futures" ? fundingSince(row.startedAt, services.now().getTime()) : Number.MAX_SAFE_INTEGER,
    ),
  ];
}

async function snapshotStep(
  journal: Journal,
  [ownerResult, runsResult, ordersResult, dayStartResult, signalsResult, fundingResult]: D1Result[],
): Promise<StepResult> {
  const { services, run } = journal;
  const d1 = services.db.$client;
  let row = journal.row;
  if (!firstRaw(ownerResult)?.enabled)
    throw new PauseRun({
      code: "owner_disabled",
      text: engineText("owner_disabled", {}, "The owner's account is disabled."),
    });
  journal.dayStart = readDayStart(firstRaw(dayStartResult));
  const dayStart = journal.dayStart.equity;

  const context = syncContext(journal);
  const broker = await context.brokers.current();
  const ledger = readLedger(row.ledger);
  if (!ledger) throw new RunFailure("not_started", "The portfolio has no ledger; start it again.");
  const snapshot = await takeSnapshot(
    broker,
    row,
    ledger,
    services.now().getTime(),
    readBookedFunding(fundingResult),
    cancelsBalances(journal),
  );
  journal.notes.push(...snapshot.notes);
  if (snapshot.kind === "futures")
    snapshot.positionMode = await preflightPositionMode(broker, row, snapshot, journal.notes);
  // Booked with the ledger that includes them: both land in this step's batch or neither does.
  const saves: Saves =
    snapshot.kind === "futures" ? fundingInsertStatements(d1, row.id, run.id, snapshot.funding, services.now()) : [];
  if (Big(snapshot.outflow).gt(0) || JSON.stringify(snapshot.ledger) !== JSON.stringify(ledger)) {
    const startingEquity =
      row.startingEquity === null ? null : Big(row.startingEquity).minus(snapshot.outflow).toFixed();
    saves.push(portfolioUpdate(d1, row.id, { ledger: JSON.stringify(snapshot.ledger), startingEquity }));
    row = { ...row, ledger: JSON.stringify(snapshot.ledger), startingEquity };
    journal.row = row;
  }
  const tokens = storedTokens(row).map((t) => t.token);
  const depeg =
    snapshot.kind === "spot" ? depegReason(row.venue, pegReadings(snapshot.cashPeg, tokens, snapshot.tickers)) : null;
  const breach = lossLimitReason(row, snapshot.equity, dayStart);
  if (depeg || breach) {
    // The corrected ledger is the account's truth whatever happens to the run.
    await saveAll(d1, saves);
    throw new PauseRun(
      depeg
        ? { code: "stablecoin_depeg", text: depeg }
        : { code: "loss_limit", text: breach ?? engineText("run_failed", { detail: "" }, "") },
    );
  }

  const orders = ((ordersResult?.results ?? []) as Record<string, unknown>[]).map(readHistoryOrder);
  const recent = ((runsResult?.results ?? []) as Record<string, unknown>[]).map(readHistoryRun);
  const input = await buildDecisionInput({
    row,
    snapshot,
    marketData: broker,
    history: recent.map((r) => ({ run: r, orders: orders.filter((o) => o.runId === r.id) })),
    signals: readSignals(signalsResult, tokens, services.now()),
  });
  const saved = JSON.stringify(input);
  journal.run = { ...run, input: saved, equityBefore: snapshot.equity };
  journal.input = input;
  const changes = { input: saved, equityBefore: snapshot.equity };
  // A decision that asks nothing follows at once: the snapshot is saved with the plan's batch, one round trip fewer.
  // It placed, canceled and paid for nothing (a position mode it set reads as set), so a review interrupted before
  // that batch takes the snapshot again.
  if (decidesAtOnce(row)) return { next: "decide", saves, run: changes, withNext: true };
  return { next: "decide", saves, run: changes };
}

/** The built-in strategy by the portfolio's choice: its decision asks nothing and waits for nothing. */
function decidesAtOnce(row: PortfolioRow): boolean {
  return row.decisionProvider === "builtin";
}

/** The balances the cancel step read, once, unless the object ran a control or sync since (it may have traded). */
function cancelsBalances(journal: Journal): Balance[] | undefined {
  const read = journal.balances;
  journal.balances = undefined;
  return read?.controls === journal.services.controlCount() ? read.list : undefined;
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
    notes.push(
      runNote(
        "settings",
        null,
        engineText(
          "note_position_mode_set",
          { positionMode: wanted },
          `Position mode set to ${wanted.replace("_", "-")}.`,
        ),
      ),
    );
    return wanted;
  } catch (error) {
    if (!isExchangeError(error)) throw error;
    notes.push(
      runNote(
        "settings",
        null,
        engineText(
          "note_position_mode_kept",
          { positionMode: snapshot.positionMode, wantedMode: wanted, detail: error.message },
          `Position mode stays ${snapshot.positionMode.replace("_", "-")} (wanted ${wanted.replace("_", "-")}): ${error.message}`,
        ),
      ),
    );
    return snapshot.positionMode;
  }
}

function savedInput(journal: Journal): DecisionInput {
  if (journal.input) return journal.input;
  if (!journal.run.input) throw new RunFailure("internal", "The run has no decision input.");
  journal.input = DecisionInputSchema.parse(JSON.parse(journal.run.input));
  return journal.input;
}

async function decideStep(journal: Journal): Promise<StepResult> {
  const { services, row, run } = journal;
  if (run.decision) return { next: "plan", saves: [] };
  const d1 = services.db.$client;
  const input = savedInput(journal);
  const outcome = await decideReview(services, row, input);
  if (!outcome.ok) throw new RunFailure(outcome.code, outcome.message, outcome.text);
  const { result, asked, fallback } = outcome;
  if (fallback)
    journal.notes.push(
      runNote(
        "info",
        null,
        engineText("note_builtin_decided", {}, `The built-in strategy decided: ${fallback.message}`),
      ),
    );
  // The AI's request, answer and cost are kept even when it failed: its tokens were billed and count toward caps.
  const aiResult = asked?.result;
  const common = {
    provider: result.provider,
    model: result.model,
    promptVersion: result.promptVersion,
    prompt: asked ? JSON.stringify(buildPrompt(input)) : null,
    rawResponse: JSON.stringify((aiResult && !aiResult.ok ? aiResult.raw : result.raw) ?? null),
    usage: aiResult?.usage ? JSON.stringify({ ...aiResult.usage, costUsd: undefined }) : null,
    costUsd: aiResult?.usage?.costUsd ?? null,
    aiOptions: asked ? JSON.stringify(asked.options) : null,
    fallback: fallback ? JSON.stringify(fallback) : null,
    aiShareId: asked?.shareId ?? null,
  };
  if (!result.ok) {
    await runUpdate(d1, run.id, { ...common, notes: JSON.stringify(journal.notes) }).run();
    throw new RunFailure(`decision_${result.failure.code}`, result.failure.message, result.failure.text);
  }
  const decision = JSON.stringify(result.decision);
  journal.run = { ...run, decision, summary: result.decision.summary };
  journal.decision = result.decision;
  // The built-in strategy's summary and rationale are Ballast's words, saved as codes too; an AI's stay its own.
  const texts = result.texts
    ? {
        ...summaryColumns(result.texts.summary),
        rationaleMessages: JSON.stringify(result.texts.rationale),
      }
    : { summary: result.decision.summary };
  const changes = { ...common, decision, ...texts };
  // The built-in strategy by the portfolio's choice asks nothing, and decides the same again from the saved input:
  // its decision is saved with the plan, one round trip fewer.
  if (!asked && !fallback) return { next: "plan", saves: [], run: changes, withNext: true };
  // Saved once, with the step: a restarted run finds the decision (or the fallback's) and never asks again.
  return { next: "plan", saves: [], run: changes };
}

async function planStep(journal: Journal): Promise<StepResult> {
  const { services, row, run } = journal;
  const d1 = services.db.$client;
  // The plan's orders are saved with its stops, in one batch: stops saved means the plan was, and its orders stand.
  if (run.plannedStops !== null) {
    const saved = readOrderRows(await ordersOfRunStatement(d1, run.id).all());
    return { next: nextAfterPlan(row, saved), saves: [] };
  }
  const input = savedInput(journal);
  const decision = journal.decision ?? (JSON.parse(run.decision ?? "null") as Decision | null);
  if (!decision) throw new RunFailure("internal", "The run has no decision to plan.");
  const broker = await syncContext(journal).brokers.current();
  const tickers = await tickersOf(broker, gatewayMarket(row.market), portfolioSymbols(row));
  const plan = planOrders({ row, run, decisionInput: input, decision, tickers, now: services.now() });
  const plannedStops = JSON.stringify(plan.stops);
  const planTickers = JSON.stringify(Object.fromEntries(tickers));
  journal.run = { ...run, plannedStops, planTickers };
  journal.planned = plan.orders.map(savedOrderRow);
  // With the step saved, or not at all (then "plan" runs again): every order exists before anything is sent.
  return {
    next: nextAfterPlan(row, plan.orders),
    saves: insertOrderStatements(d1, plan.orders),
    run: { plannedStops, planTickers },
  };
}

function nextAfterPlan(row: PortfolioRow, orders: { status?: string }[]): RunStep {
  const waiting = orders.some((o) => o.status === "pending_approval");
  return row.executionMode === "manual_approval" && waiting ? "approval" : "place";
}

async function placeStep(journal: Journal): Promise<StepResult> {
  const { services, run } = journal;
  const d1 = services.db.$client;
  const orders = journal.planned ?? readOrderRows(await ordersOfRunStatement(d1, run.id).all());
  journal.planned = undefined;
  const context = { ...syncContext(journal), run, input: savedInput(journal) };
  const saves: Saves = [];
  const answered = await placeOrders(context, orders, saves);
  journal.answered = answered;
  journal.nothingFilled =
    journal.row.market === "spot" &&
    orders.every((o) => {
      const answer = answered.get(o.id);
      return o.status === "pending_approval" || (answer !== undefined && Big(answer.filledQuantity).eq(0));
    });
  const stops = JSON.parse(run.plannedStops ?? "[]") as FuturesStopsIntent[];
  if (stops.length) {
    await applyStops(context, stops);
    journal.run = { ...run, plannedStops: "[]" };
  }
  // Approved in part: the rest still waits (placement leaves orders waiting for approval as they are).
  const next = orders.some((o) => o.status === "pending_approval") ? "approval" : "reconcile";
  const changes = stops.length ? { plannedStops: "[]" } : undefined;
  // Every order answered with nothing filled leaves reconcile nothing to do: the answers go with the record's batch,
  // the lock held until then (runHeld). Interrupted before it, the orders read `sending` and are looked up, never resent.
  if (next === "reconcile" && journal.nothingFilled) return { next, saves, run: changes, withNext: true };
  return { next, saves, run: changes };
}

const LIVE = new Set<OrderRow["status"]>(["open", "partially_filled", "unknown", "sending"]);

/**
 * The run's orders, the portfolio's filled entries still waiting for their SL/TP, and what recording the run's trades
 * reads (for every symbol of the portfolio: which of them filled is known only once the venue has answered); nothing
 * when placement's answers showed that nothing filled.
 */
function reconcileReads({ services, run, row, nothingFilled }: Journal): D1PreparedStatement[] {
  if (nothingFilled) return [];
  const d1 = services.db.$client;
  return [
    trackedOrdersOfRunStatement(d1, run.id),
    ordersWithPendingStopsStatement(d1, row.id),
    ...recordReadStatements(d1, row, portfolioSymbols(row), { runId: run.id }),
  ];
}

async function reconcileStep(
  journal: Journal,
  [ordersResult, pendingResult, ...recordResults]: D1Result[],
): Promise<StepResult> {
  // Placement's answers are the run's orders' states, none filled, none waiting for SL/TP (spot): nothing to refresh,
  // record or protect.
  if (journal.nothingFilled) return { next: "record", saves: [], withNext: true };
  const context = syncContext(journal);
  const orders = readTrackedOrders(ordersResult);
  const saves: Saves = [];
  const answered = journal.answered;
  const refreshed = new Map(
    (
      await refreshOrders(
        context,
        orders.filter((o) => LIVE.has(o.status) && !answered?.has(o.id)),
        saves,
      )
    ).map((o) => [o.id, o]),
  );
  const latest = orders.map((o) => refreshed.get(o.id) ?? o);
  // The row's ledger is current at a step's start: saved with the last batch, or read again since (readAgainIfChanged).
  const ahead = recordResults.length
    ? {
        symbols: portfolioSymbols(journal.row),
        runId: journal.run.id,
        ledger: journal.row.ledger,
        results: recordResults,
      }
    : undefined;
  await recordTrades(context, latest, saves, ahead);
  await protectFilledEntries(context, readTrackedOrders(pendingResult), latest);
  // Nothing to record (every order rests or was recorded in placement): the journal moves on with the record's batch,
  // one round trip fewer; interrupted before it, reconcile only reads the orders' states again (SL/TP it placed are
  // saved on their orders at once).
  return saves.length ? { next: "record", saves } : { next: "record", saves, withNext: true };
}

async function recordStep(journal: Journal): Promise<StepResult> {
  const { services, run, row } = journal;
  const d1 = services.db.$client;
  const ledger = readLedger(row.ledger);
  if (!ledger) throw new RunFailure("not_started", "The portfolio has no ledger; start it again.");
  const broker = await syncContext(journal).brokers.current();
  const tickers = await tickersOf(broker, gatewayMarket(row.market), portfolioSymbols(row));
  const prices = ledgerPrices(row, tickers);
  const value = valueLedger(ledger, prices).equity;
  const equity = value.toFixed();
  const now = services.now();
  const pnl = row.startingEquity === null ? "0" : Big(equity).minus(row.startingEquity).toFixed();
  const dayStart = await dayStartAt(journal, now);
  const breach = row.status === "active" ? lossLimitReason(row, equity, dayStart) : null;
  return {
    next: "done",
    saves: [
      equityPointStatement(d1, { portfolioId: row.id, at: now, equity, pnl, runId: run.id }),
      portfolioUpdate(d1, row.id, {
        equity,
        equityAt: now,
        peakEquity: newPeak(row, equity),
        exposurePct: exposurePct(ledger, prices, row.cashToken, value),
        lastRunAt: now,
        failedRunsInARow: 0,
      }),
    ],
    run: { status: "completed", finishedAt: now, equityAfter: equity },
    afterSave: breach
      ? () => pausePortfolio(services, { ...row, equity }, { code: "loss_limit", text: breach })
      : undefined,
  };
}

/** The day's starting equity, as the snapshot read it when that was the same UTC day. */
async function dayStartAt(journal: Journal, now: Date): Promise<string | null> {
  const { row, services } = journal;
  if (journal.dayStart?.midnight !== utcMidnight(now).getTime()) {
    const raw = await dayStartStatement(services.db.$client, row.id, now, row.startedAt).first();
    journal.dayStart = readDayStart(raw ?? undefined);
  }
  return journal.dayStart.equity;
}

// ---------------------------------------------------------------------------------------------------------------
// Endings

/** A reason to pause the portfolio found during the run (loss limit, disabled owner). */
class PauseRun extends Error {
  readonly reason: PauseReason;
  constructor(reason: PauseReason) {
    super(reason.text.text);
    this.reason = reason;
  }
}

async function finish(
  journal: Journal,
  status: "completed" | "failed" | "aborted",
  fields: { summary?: EngineText; errorCode?: string; error?: EngineText },
): Promise<RunOutcome> {
  const d1 = journal.services.db.$client;
  // A decision made but not saved yet (its step saves with the next) is kept on the run that ended after it.
  const carried = takeCarried(journal);
  await d1.batch([
    ...carried.saves,
    runUpdate(d1, journal.run.id, {
      ...carried.run,
      status,
      finishedAt: journal.services.now(),
      notes: JSON.stringify(journal.notes),
      durations: JSON.stringify(journal.durations),
      ...(fields.summary ? summaryColumns(fields.summary) : {}),
      ...(fields.errorCode ? { errorCode: fields.errorCode } : {}),
      ...(fields.error ? errorMessageColumns(fields.error) : {}),
    }),
  ]);
  return status;
}

async function onError(journal: Journal, error: unknown): Promise<RunOutcome> {
  const { services, run } = journal;
  const row = (await portfolioById(services.db, journal.row.id)) ?? journal.row;
  if (error instanceof RunAborted || error instanceof PauseRun) await dropPlanned(services, run.id);
  if (error instanceof RunAborted)
    return finish(journal, "aborted", {
      summary: engineText(
        "run_stopped_midway",
        { portfolioStatus: row.status },
        `The portfolio is ${row.status === "active" ? "running" : row.status}; the run stopped before sending anything more.`,
      ),
    });
  if (error instanceof PauseRun) {
    if (row.status === "active") await pausePortfolio(services, row, error.reason);
    // The pause's own message says why; the run's aborted status says it stopped there.
    return finish(journal, "aborted", { summary: { ...error.reason.text, text: `Paused: ${error.message}` } });
  }
  if (isExchangeError(error, "rate_limited")) return deferForRateLimit(journal, row, error.retryAfterMs);
  const keyReason = keyUnavailableReason(error);
  if (keyReason) {
    if (row.status === "active") await pausePortfolio(services, row, { code: "key_unavailable", text: keyReason });
    // An unreadable key keeps its own code on the run: the fix (entering it again) differs from a deleted key's.
    const errorCode = isKeyUnreadable(error) ? "key_unreadable" : "key_unavailable";
    return finish(journal, "failed", { errorCode, error: keyReason });
  }
  const { code, message, text } = describeFailure(error);
  services.log.warn("review failed", { portfolioId: row.id, runId: run.id, step: journal.run.step, code, message });
  const failed = row.failedRunsInARow + 1;
  await services.db
    .update(portfolios)
    .set({ failedRunsInARow: failed, lastRunAt: services.now() })
    .where(eq(portfolios.id, row.id));
  const outcome = await finish(journal, "failed", { errorCode: code, error: text });
  const reason = failedRunsReason(failed, message);
  if (reason && row.status === "active") await pausePortfolio(services, row, { code: "failed_reviews", text: reason });
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
  await dropPlanned(
    services,
    run.id,
    engineText("order_not_sent_rate_limit", {}, "Not sent: the venue's rate limit was reached during the review."),
  );
  const retryAt = services.now().getTime() + Math.max(retryAfterMs ?? 60_000, 30_000) + spreadMs(row.id);
  await services.storage.put(RETRY_AT, retryAt);
  return finish(journal, "failed", {
    errorCode: "exchange_rate_limited",
    error: engineText(
      "run_rate_limited",
      { retryAt: new Date(retryAt).toISOString() },
      `The venue's rate limit was reached; the review is tried again at ${new Date(retryAt).toISOString()} (not counted as a failed review).`,
    ),
  });
}

/** Orders the run planned but will not send are refused with the reason, never left looking as if they might go. */
async function dropPlanned(
  services: EngineServices,
  runId: string,
  reason = engineText("order_not_sent_stopped", {}, "Not sent: the portfolio was stopped or paused during the run."),
): Promise<void> {
  await services.db
    .update(portfolioOrders)
    .set({ status: "rejected", ...reasonColumns(reason), updatedAt: services.now() })
    .where(and(eq(portfolioOrders.runId, runId), eq(portfolioOrders.status, "planned")));
}

/** Why the portfolio's exchange key cannot be used at all (no retry helps until its owner acts), or null. */
function keyUnavailableReason(error: unknown): EngineText | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === "not_found") return engineText("key_deleted", {}, "The portfolio's exchange key was deleted.");
  if (error.code === "key_unverified")
    return engineText(
      "key_unverified",
      {},
      "The portfolio's exchange key is not verified; replace it to verify it again.",
    );
  if (isKeyUnreadable(error)) return engineText("key_unreadable", {}, error.message);
  return null;
}

function isKeyUnreadable(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === "key_unreadable";
}

function describeFailure(error: unknown): { code: string; message: string; text: EngineText } {
  const failure = (code: string, message: string, text?: EngineText) => ({
    code,
    message,
    // Not Ballast's words (a venue's answer, an AI provider's failure): shown as they came, under a translated title.
    text: text ?? engineText("run_failed", { detail: message }, message),
  });
  if (error instanceof RunFailure) return failure(error.code, error.message, error.text);
  if (isExchangeError(error)) return failure(`exchange_${error.kind}`, error.message);
  if (error instanceof ApiError) return failure(error.code, error.message);
  return failure("internal", `Unexpected failure: ${redactedError(error).message.slice(0, 300)}`);
}
