// One cron tick with many due portfolios against the exchange simulator, on the bundled worker run by Miniflare
// directly (wrangler dev would add its own overhead). Prints: the time for the scheduled handler to wake every due
// Durable Object, runs completed per minute, exchange requests per run and refused ones (429/418), overlapping runs,
// workerd CPU per run (burst mean, and a baseline-corrected median of runs made one at a time) and the Worker's own
// CPU per run from a V8 profile of its isolate, with where it goes. Asserts nothing; exits non-zero only when the bench
// itself cannot run.
//
//   npm run bench:engine -- --portfolios 1000 --live 100 --sequential 50 --batch 5 --timeout-minutes 20 --top 10
//
// --portfolios: paper portfolios in the first tick (public simulator prices, paper broker, nothing sent to the venue).
//   They are started by their objects first (the start's own review is a first burst), then made due the way the
//   cron's wake exists for: running, with no schedule left in their objects.
// --live: live portfolios in a second tick, each on its own simulator account and key (signed calls, real orders),
//   written into D1 as started and kept paused until their tick; 0 skips it. --sequential: runs made one at a time
//   for the CPU median (half as many for live); --batch: runs per utime+stime sample. The simulator keeps Binance's
//   default limits (6000 weight a minute per IP): every phase starts on a fresh minute of that budget.
// The sequential runs are made twice: once for the process counters, once under the profiler (which adds CPU of its own),
// on a portfolio with orders resting and the simulator's prices held meanwhile, so every one cancels and places orders.
// --top: how many areas and functions the profile lists. D1 queries per review come from the worker's own count (its
// "review finished" debug line: round trips, a batch being one, and statements), so the worker logs at debug here.
import { parseArgs } from "node:util";
import {
  addKeyThroughApi,
  BENCH_SYMBOLS,
  type BenchUser,
  createSimAccount,
  forgetSchedules,
  holdPrices,
  insertPortfolios,
  insertSealedKeys,
  portfolioObject,
  setGroupStatus,
  signIn,
  startPortfolios,
  untilVenueReady,
} from "./engine-fixtures.ts";
import {
  type D1Reader,
  draftsAmong,
  duePortfolios,
  heartbeatRuns,
  lastFinishedAt,
  latestRun,
  median,
  medianStepDurations,
  type OverlapReport,
  openD1Reader,
  orderCounts,
  overlapReport,
  percentile,
  type RunError,
  type RunGroup,
  type RunProgress,
  runErrors,
  runProgress,
  runStatus,
  sequentialCandidate,
  tradedIn,
} from "./engine-runs.ts";
import { addUp, codeAreas, openIsolateProfiler, topPerRun } from "./isolate-profile.ts";
import { type LocalWorker, startLocalWorker } from "./local-worker.ts";
import { type SimulatorThread, startSimulatorThread } from "./simulator-thread.ts";
import { processCpuMs, threadsCpuMs, workerdChildren } from "./workerd-cpu.ts";

const { values } = parseArgs({
  options: {
    portfolios: { type: "string", default: "1000" },
    live: { type: "string", default: "100" },
    sequential: { type: "string", default: "50" },
    batch: { type: "string", default: "5" },
    "timeout-minutes": { type: "string", default: "20" },
    top: { type: "string", default: "10" },
  },
});
const options = {
  portfolios: count(values.portfolios, "--portfolios", 1),
  live: count(values.live, "--live", 0),
  sequential: count(values.sequential, "--sequential", 0),
  batch: count(values.batch, "--batch", 1),
  timeoutMs: count(values["timeout-minutes"], "--timeout-minutes", 1) * 60_000,
  top: count(values.top, "--top", 1),
};

function count(text: string | undefined, flag: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${flag} takes an integer ≥ ${min}`);
    process.exit(2);
  }
  return value;
}

const MASTER_KEY = "local-development-master-key-not-a-secret";
const CRON = "* * * * *";
/** worker/cron/portfolio-sweep.ts: OVERDUE_MS and SYNC_EVERY_MINUTES. */
const OVERDUE_MS = 60_000;
const SYNC_EVERY_MINUTES = 3;
const POLL_MS = 50;
const PAPER = "bench-paper";
const LIVE = "bench-live";

type Bench = {
  worker: LocalWorker;
  reader: D1Reader;
  simUrl: string;
  workerd: number;
  /** A verified key and its owner, for probing the worker's venue pacing (untilVenueReady). */
  probe: { user: BenchUser; keyId: string } | null;
};

// ---- the worker's log -----------------------------------------------------------------------------------------

/** What a review's object reported when it was done with it (after scheduling the next one). */
type ReviewQueries = { roundTrips: number; statements: number; at: number };

type WorkerLog = {
  lines: number;
  byLevel: Record<string, number>;
  firstByMessage: Map<string, string>;
  /** By run id, from the object's "review finished" lines. */
  reviews: Map<string, ReviewQueries>;
};

const REVIEW_FINISHED = "review finished";

function collectLog(log: WorkerLog) {
  return (line: string) => {
    let level = "other";
    let message = line;
    try {
      const parsed = JSON.parse(line) as {
        level?: string;
        msg?: string;
        code?: string;
        runId?: string;
        d1RoundTrips?: number;
        d1Statements?: number;
      };
      level = parsed.level ?? level;
      message = `${parsed.msg ?? line} ${parsed.code ?? ""}`;
      if (parsed.msg === REVIEW_FINISHED && parsed.runId) {
        log.reviews.set(parsed.runId, {
          roundTrips: parsed.d1RoundTrips ?? Number.NaN,
          statements: parsed.d1Statements ?? Number.NaN,
          at: Date.now(),
        });
        return; // one per review: counted, not listed among the log's kinds
      }
    } catch {
      // not one of the worker's JSON lines (workerd itself, an uncaught error)
    }
    log.lines++;
    log.byLevel[level] = (log.byLevel[level] ?? 0) + 1;
    if (!log.firstByMessage.has(message)) log.firstByMessage.set(message, line.slice(0, 400));
  };
}

// ---- the simulator's counters ---------------------------------------------------------------------------------

type SimStats = {
  total: number;
  services: Record<string, { total: number; statuses: Record<string, number> }>;
  paths: Record<string, number>;
};

async function simStats(simUrl: string, reset = false): Promise<SimStats> {
  const response = await fetch(`${simUrl}/control/stats`, { method: reset ? "DELETE" : "GET" });
  return (await response.json()) as SimStats;
}

function refused(stats: SimStats): number {
  let total = 0;
  for (const service of Object.values(stats.services))
    total += (service.statuses["429"] ?? 0) + (service.statuses["418"] ?? 0);
  return total;
}

function statusLine(stats: SimStats): string {
  return Object.entries(stats.services)
    .map(
      ([service, s]) =>
        `${service} ${Object.entries(s.statuses)
          .map(([code, n]) => `${code}×${n}`)
          .join(" ")}`,
    )
    .join("; ");
}

// ---- a burst of runs ------------------------------------------------------------------------------------------

type BurstFigures = {
  triggerMs: number;
  expected: number;
  progress: RunProgress;
  lastRunMs: number | null;
  requests: SimStats;
  workerdCpuMs: number;
  nodeCpuMs: number;
  errors: RunError[];
  orders: Record<string, number>;
  steps: Record<string, number>;
  overlaps: OverlapReport;
  /** D1 round trips and statements of each review finished during the burst. */
  queries: ReviewQueries[];
};

/**
 * Runs `trigger` (the cron tick, or the starts) and follows the group's runs requested from then on until `expected`
 * of them finished: simulator requests, workerd and Node CPU over the whole burst, and what D1 recorded.
 */
async function measureBurst(
  bench: Bench,
  prefix: string,
  expected: number,
  trigger: () => Promise<void>,
): Promise<BurstFigures> {
  const db = bench.reader;
  await simStats(bench.simUrl, true);
  const cpuBefore = processCpuMs(bench.workerd);
  const nodeBefore = process.cpuUsage();
  const since = Date.now();
  const reviewsBefore = new Set(log.reviews.keys());
  await trigger();
  const triggerMs = Date.now() - since;
  const group: RunGroup = { prefix, since };
  const progress = await followRuns(bench, group, expected);
  const workerdCpuMs = processCpuMs(bench.workerd) - cpuBefore;
  const node = process.cpuUsage(nodeBefore);
  const requests = await simStats(bench.simUrl);
  const last = lastFinishedAt(db, group);
  return {
    triggerMs,
    expected,
    progress,
    lastRunMs: last === null ? null : last - since,
    requests,
    workerdCpuMs,
    nodeCpuMs: (node.user + node.system) / 1000,
    errors: runErrors(db, group),
    orders: orderCounts(db, group),
    steps: medianStepDurations(db, group),
    overlaps: overlapReport(db, prefix),
    queries: [...log.reviews].filter(([runId]) => !reviewsBefore.has(runId)).map(([, queries]) => queries),
  };
}

/** Polls D1 until `expected` runs of the group finished, printing progress; gives up after the timeout or a stall. */
async function followRuns(bench: Bench, group: RunGroup, expected: number): Promise<RunProgress> {
  let progress = runProgress(bench.reader, group);
  let lastChange = Date.now();
  let lastPrint = Date.now();
  let previous = -1;
  while (progress.finished < expected && Date.now() - group.since < options.timeoutMs) {
    await sleep(500);
    progress = runProgress(bench.reader, group);
    if (progress.finished !== previous) lastChange = Date.now();
    previous = progress.finished;
    if (Date.now() - lastPrint >= 10_000) {
      lastPrint = Date.now();
      const open = Object.entries(progress.byStatus)
        .filter(([status]) => !["completed", "failed", "aborted"].includes(status))
        .map(([status, n]) => `${status} ${n}`)
        .join(", ");
      console.log(
        `  +${Math.round((Date.now() - group.since) / 1000)} s: ${progress.finished}/${expected} finished` +
          `${open ? ` (${open})` : ""}`,
      );
    }
    // Nothing moved for two minutes: a run that never started will not start now.
    if (Date.now() - lastChange > 120_000) break;
  }
  return progress;
}

/** A recent time whose UTC minute is not a multiple of 3, so the tick only wakes (no order sync). */
function wakeOnlyTickTime(): Date {
  let at = Date.now();
  while (new Date(at).getUTCMinutes() % SYNC_EVERY_MINUTES === 0) at -= 60_000;
  return new Date(at);
}

type TickFigures = BurstFigures & { due: number; heartbeatRecorded: boolean };

/** One call of the worker's scheduled handler; it awaits every wake (waitUntil), so its duration is the wake time. */
async function measureTick(bench: Bench, prefix: string, expected: number): Promise<TickFigures> {
  const at = wakeOnlyTickTime();
  const due = duePortfolios(bench.reader, at.getTime(), OVERDUE_MS);
  const beats = heartbeatRuns(bench.reader);
  const burst = await measureBurst(bench, prefix, expected, async () => {
    await bench.worker.scheduled(at, CRON);
    console.log(`  tick: the scheduled handler returned (${due} due)`);
  });
  // runScheduled writes its heartbeat last: present when the call returned means the call waited for all of it.
  return { ...burst, due, heartbeatRecorded: heartbeatRuns(bench.reader) > beats };
}

// ---- runs one at a time ---------------------------------------------------------------------------------------

type SequentialFigures = {
  portfolioId: string;
  runs: number;
  notCompleted: number;
  stoppedBecause: string | null;
  /** Per run, from the threads' schedstat (ns resolution), minus the idle baseline. */
  perRunMs: number[];
  /** Per run, from utime+stime over batches of `batch` runs (10 ms ticks), minus the idle baseline. */
  perBatchRunMs: number[];
  wallMs: number[];
  idleMsPerSecond: number;
  /** Per run of a second, profiled pass: busy time of the Worker's own isolate (bench/isolate-profile.ts). */
  isolateMs: number[];
  /** The same, of the runs that sent or canceled an order (tradedIn), and of those that did not. */
  tradingMs: number[];
  holdingMs: number[];
  /** Where the isolate's time went (self time by package or project folder), ms per run, over the profiled pass. */
  hotAreas: [string, number][];
  /** The busiest functions (self time), ms per run. */
  hotPlaces: [string, number][];
  /** Packages' and the runtime's self time by the project function that called them, ms per run. */
  hotCallers: [string, number][];
  /** D1 round trips and statements per run, as the object counted them. */
  queries: ReviewQueries[];
  requestsPerRun: number;
  refused: number;
  method: string;
};

/**
 * Polls the run's status in the D1 file (costs workerd nothing) until it finished or waits for approval, then until
 * its object said it was done with it (its "review finished" line comes after scheduling the next review), so a
 * sample also holds what the object does after the run's last write. Gives that up after a second (an older worker).
 */
async function waitForRun(bench: Bench, runId: string): Promise<string> {
  for (;;) {
    const status = runStatus(bench.reader, runId);
    if (status && ["completed", "failed", "aborted", "awaiting_approval"].includes(status)) {
      const deadline = Date.now() + 1_000;
      while (!log.reviews.has(runId) && Date.now() < deadline) await sleep(5);
      return status;
    }
    await sleep(POLL_MS);
  }
}

/** workerd's CPU while nothing is asked of it, in ms per wall second (timers, housekeeping). */
async function idleCpuRate(bench: Bench, ms: number): Promise<{ threads: number; ticks: number }> {
  const threads = threadsCpuMs(bench.workerd) ?? Number.NaN;
  const ticks = processCpuMs(bench.workerd);
  const started = performance.now();
  await sleep(ms);
  const seconds = (performance.now() - started) / 1000;
  return {
    threads: ((threadsCpuMs(bench.workerd) ?? Number.NaN) - threads) / seconds,
    ticks: (processCpuMs(bench.workerd) - ticks) / seconds,
  };
}

/**
 * Reviews of one portfolio, one at a time (requested over the object's RPC like POST /api/portfolios/{id}/runs, which
 * allows 30 a minute), sampling workerd's CPU around each from the request until D1 shows the run finished. The
 * sample includes that one RPC call; workerd's idle CPU over the same wall time is subtracted.
 */
async function measureSequential(
  bench: Bench,
  prefix: string,
  user: BenchUser,
  runs: number,
): Promise<SequentialFigures | null> {
  if (runs === 0) return null;
  const portfolioId = sequentialCandidate(bench.reader, prefix);
  if (!portfolioId) return null;
  // Prices held, the candidate's resting orders stay unfilled: every review measured cancels and places orders,
  // whatever the simulated market does at the hour the bench runs.
  await holdPrices(bench.simUrl, BENCH_SYMBOLS, true);
  try {
    return await sequentialRuns(bench, portfolioId, user, runs);
  } finally {
    await holdPrices(bench.simUrl, BENCH_SYMBOLS, false);
  }
}

async function sequentialRuns(
  bench: Bench,
  portfolioId: string,
  user: BenchUser,
  runs: number,
): Promise<SequentialFigures> {
  const object = await portfolioObject(bench.worker, portfolioId);
  // A fresh minute of Binance weight, so the reviews are not refused by the budget the burst spent.
  await ready(bench);
  // The RPC's answer is a remote object (reading it blocks this thread and costs workerd CPU): the run it queued is
  // read from D1 instead, and an answer is opened only when no run was queued.
  const request = async (): Promise<string> => {
    const before = latestRun(bench.reader, portfolioId)?.seq ?? 0;
    const answer = await object.requestRun(portfolioId, user.id);
    const after = latestRun(bench.reader, portfolioId);
    if (after && after.seq > before) return after.id;
    throw new Error(answer.ok ? "no run was queued" : `${answer.error.code}: ${answer.error.message}`);
  };
  for (let i = 0; i < 2; i++) await waitForRun(bench, await request()); // warm-up

  await simStats(bench.simUrl, true);
  const samples: { cpuMs: number; wallMs: number }[] = [];
  const queries: ReviewQueries[] = [];
  const batches: { cpuMs: number; wallMs: number; runs: number }[] = [];
  let notCompleted = 0;
  let stoppedBecause: string | null = null;
  while (samples.length < runs && stoppedBecause === null) {
    const size = Math.min(options.batch, runs - samples.length);
    const batchCpu = processCpuMs(bench.workerd);
    const batchWall = performance.now();
    let batchRuns = 0;
    for (let i = 0; i < size; i++) {
      const cpu = threadsCpuMs(bench.workerd) ?? Number.NaN;
      const wall = performance.now();
      let runId: string;
      try {
        runId = await request();
      } catch (error) {
        stoppedBecause = error instanceof Error ? error.message : String(error);
        break;
      }
      if ((await waitForRun(bench, runId)) !== "completed") notCompleted++;
      samples.push({ cpuMs: (threadsCpuMs(bench.workerd) ?? Number.NaN) - cpu, wallMs: performance.now() - wall });
      const counted = log.reviews.get(runId);
      if (counted) queries.push(counted);
      batchRuns++;
    }
    if (batchRuns === size)
      batches.push({
        cpuMs: processCpuMs(bench.workerd) - batchCpu,
        wallMs: performance.now() - batchWall,
        runs: size,
      });
  }
  const requests = await simStats(bench.simUrl);
  const idle = await idleCpuRate(bench, 5_000);
  const schedstat = Number.isFinite(idle.threads);

  // A second pass under the V8 profiler (it adds its own CPU to the process, so the passes are kept apart).
  const isolateMs: number[] = [];
  const tradingMs: number[] = [];
  const holdingMs: number[] = [];
  const areas = new Map<string, number>();
  const places = new Map<string, number>();
  const callers = new Map<string, number>();
  if (stoppedBecause === null) {
    const { port, target } = bench.worker.inspector;
    const profiler = await openIsolateProfiler(port, target, codeAreas(bench.worker.bundleFile));
    try {
      await ready(bench);
      for (let i = 0; i < runs; i++) {
        await profiler.start();
        let runId: string;
        try {
          runId = await request();
        } catch (error) {
          await profiler.stop();
          stoppedBecause = `profiled pass: ${error instanceof Error ? error.message : String(error)}`;
          break;
        }
        if ((await waitForRun(bench, runId)) !== "completed") notCompleted++;
        const profile = await profiler.stop();
        isolateMs.push(profile.busyMs);
        // A review that sends or cancels orders (on the venue or in the paper broker) does more than one that holds.
        (tradedIn(bench.reader, runId) ? tradingMs : holdingMs).push(profile.busyMs);
        addUp(areas, profile.byArea);
        addUp(places, profile.byPlace);
        addUp(callers, profile.byCaller);
      }
    } finally {
      profiler.close();
    }
  }
  const hotAreas = topPerRun(areas, options.top, isolateMs.length);
  const hotPlaces = topPerRun(places, options.top, isolateMs.length);
  const hotCallers = topPerRun(callers, options.top, isolateMs.length);
  return {
    portfolioId,
    runs: samples.length,
    notCompleted,
    stoppedBecause,
    perRunMs: schedstat ? samples.map((s) => s.cpuMs - (idle.threads * s.wallMs) / 1000) : [],
    perBatchRunMs: batches.map((b) => (b.cpuMs - (idle.ticks * b.wallMs) / 1000) / b.runs),
    wallMs: samples.map((s) => s.wallMs),
    idleMsPerSecond: schedstat ? idle.threads : idle.ticks,
    isolateMs,
    tradingMs,
    holdingMs,
    hotAreas,
    hotPlaces,
    hotCallers,
    queries,
    requestsPerRun: requests.total / Math.max(1, samples.length),
    refused: refused(requests),
    method: schedstat ? "thread schedstat" : "utime+stime",
  };
}

/** A fresh minute of Binance weight that the worker's pacing also lets through. */
async function ready(bench: Bench): Promise<void> {
  if (bench.probe) await untilVenueReady(bench.worker, bench.probe.user, bench.probe.keyId);
}

// ---- the two groups -------------------------------------------------------------------------------------------

/**
 * Paper portfolios, each on its own key (a token runs in one running portfolio per key, paper ones included), all
 * keys on one simulator account since paper portfolios only read public prices. Drafts started by their objects.
 */
async function paperGroup(bench: Bench, user: BenchUser, count: number) {
  const account = await createSimAccount(bench.simUrl);
  const firstKey = await addKeyThroughApi(bench.worker, user, bench.simUrl, account, "Bench paper 0");
  bench.probe ??= { user, keyId: firstKey };
  const keys = await insertSealedKeys(bench.worker.db, {
    userId: user.id,
    simUrl: bench.simUrl,
    masterKey: MASTER_KEY,
    accounts: Array.from({ length: count - 1 }, () => account),
    labelPrefix: "Bench paper",
  });
  const ids = await insertPortfolios(bench.worker.db, {
    userId: user.id,
    keyIds: [firstKey, ...keys],
    paper: true,
    started: false,
    namePrefix: PAPER,
  });
  let retries = 0;
  const start = await measureBurst(bench, PAPER, ids.length, async () => {
    ({ retries } = await startPortfolios(
      bench.worker,
      (of) => draftsAmong(bench.reader, of),
      user.id,
      ids,
      (waiting) => console.log(`  ${waiting} starts refused by the weight budget; trying them again next minute`),
    ));
    console.log("  every portfolio started");
  });
  await forgetSchedules(bench.worker, PAPER, ids);
  return { ids, start, retries };
}

/**
 * Live portfolios, each on its own simulator account and key, written into D1 as a start leaves them but paused, so
 * the paper tick leaves them alone; `setGroupStatus(…, "active")` makes them due (their objects hold no schedule).
 */
async function liveGroup(bench: Bench, user: BenchUser, count: number): Promise<string[]> {
  const accounts = [];
  for (let i = 0; i < count; i++) accounts.push(await createSimAccount(bench.simUrl));
  const [first, ...rest] = accounts;
  if (!first) return [];
  const firstKey = await addKeyThroughApi(bench.worker, user, bench.simUrl, first, "Bench live 0");
  bench.probe ??= { user, keyId: firstKey };
  const keys = await insertSealedKeys(bench.worker.db, {
    userId: user.id,
    simUrl: bench.simUrl,
    masterKey: MASTER_KEY,
    accounts: rest,
    labelPrefix: "Bench live",
  });
  return insertPortfolios(bench.worker.db, {
    userId: user.id,
    keyIds: [firstKey, ...keys],
    paper: false,
    started: true,
    status: "paused",
    namePrefix: LIVE,
  });
}

// ---- output ---------------------------------------------------------------------------------------------------

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

const spread = (values: number[]) =>
  values.length ? `median ${fixed(median(values))} ms, p90 ${fixed(percentile(values, 0.9))} ms` : "none";

function perRunOf(burst: BurstFigures) {
  return (n: number) => (burst.progress.finished > 0 ? n / burst.progress.finished : Number.NaN);
}

function runsLine(burst: BurstFigures): string {
  const { finished, byStatus } = burst.progress;
  const completed = byStatus.completed ?? 0;
  const minutes = (burst.lastRunMs ?? Number.NaN) / 60_000;
  const incomplete = finished < burst.expected ? "  [stopped waiting: not all runs finished]" : "";
  return (
    `runs completed: ${completed}/${burst.expected} in ${burst.lastRunMs === null ? "n/a" : seconds(burst.lastRunMs)}` +
    `  → ${fixed(completed / minutes, 0)} completed/min, ${fixed(finished / minutes, 0)} finished/min ` +
    `(failed ${byStatus.failed ?? 0}, aborted ${byStatus.aborted ?? 0})${incomplete}`
  );
}

/** Median D1 round trips and statements per review, as the objects counted them. */
function queriesLine(queries: ReviewQueries[]): string {
  if (queries.length === 0) return "n/a (no review reported its count)";
  const trips = queries.map((q) => q.roundTrips);
  const statements = queries.map((q) => q.statements);
  return (
    `median ${fixed(median(trips), 0)} round trips (p90 ${fixed(percentile(trips, 0.9), 0)}), ` +
    `${fixed(median(statements), 0)} statements (p90 ${fixed(percentile(statements, 0.9), 0)}); ${queries.length} reviews`
  );
}

function detailLines(burst: BurstFigures): string[] {
  const perRun = perRunOf(burst);
  const paths = Object.entries(burst.requests.paths)
    .sort(([, a], [, b]) => b - a)
    .map(([path, n]) => `${path.replace(/^GET /, "")} ${fixed(perRun(n), 2)}`)
    .join(", ");
  const lines = [
    `  simulator answers: ${statusLine(burst.requests) || "none"}; per completed run at most ${fixed(burst.requests.total / (burst.progress.byStatus.completed ?? Number.NaN))} (all requests / completed runs)`,
    `  requests per run by path: ${paths || "none"}`,
    `  orders: ${
      Object.entries(burst.orders)
        .map(([status, n]) => `${status} ${n}`)
        .join(", ") || "none"
    }`,
    `  median wall ms per step of completed runs: ${Object.entries(burst.steps)
      .map(([step, ms]) => `${step} ${fixed(ms, 0)}`)
      .join(", ")}`,
    `  Node (simulator + bench) CPU per run: ${fixed(perRun(burst.nodeCpuMs))} ms`,
    `  D1 per review: ${queriesLine(burst.queries)}`,
  ];
  for (const error of burst.errors)
    lines.push(`  ${error.status} ×${error.count}: ${error.code ?? "-"}: ${(error.message ?? "").slice(0, 220)}`);
  return lines;
}

function sequentialLines(sequential: SequentialFigures | null): string[] {
  if (!sequential) return ["  sequential: skipped (no running portfolio whose last run completed, or --sequential 0)"];
  const lines = [
    `  sequential: ${sequential.runs} runs of one portfolio (${sequential.notCompleted} not completed), ` +
      `${fixed(sequential.requestsPerRun)} exchange requests/run (429/418: ${sequential.refused}), median wall ${fixed(median(sequential.wallMs), 0)} ms`,
    `    D1 per review: ${queriesLine(sequential.queries)}`,
    `    CPU per run by ${sequential.method}: median ${fixed(median(sequential.perRunMs))} ms, p90 ${fixed(percentile(sequential.perRunMs, 0.9))} ms; ` +
      `by utime+stime per ${options.batch}-run batch: median ${fixed(median(sequential.perBatchRunMs))} ms; ` +
      `idle baseline ${fixed(sequential.idleMsPerSecond, 2)} ms per wall second subtracted`,
  ];
  if (sequential.isolateMs.length > 0) {
    lines.push(
      `    Worker isolate CPU per run (V8 profile, ${sequential.isolateMs.length} more runs): median ${fixed(median(sequential.isolateMs))} ms, p90 ${fixed(percentile(sequential.isolateMs, 0.9))} ms`,
      `      of the ${sequential.tradingMs.length} runs that sent or canceled orders: ${spread(sequential.tradingMs)}; of the ${sequential.holdingMs.length} that did not: ${spread(sequential.holdingMs)}`,
      `    where it went (self ms per run): ${sequential.hotAreas.map(([area, ms]) => `${area} ${fixed(ms, 2)}`).join("; ")}`,
      `    busiest functions (self ms per run): ${sequential.hotPlaces.map(([place, ms]) => `${place} ${fixed(ms, 2)}`).join("; ")}`,
      `    packages and runtime modules by the project function that called them (self ms per run): ${sequential.hotCallers.map(([caller, ms]) => `${caller} ${fixed(ms, 2)}`).join("; ")}`,
    );
  }
  if (sequential.stoppedBecause) lines.push(`    stopped early: ${sequential.stoppedBecause}`);
  return lines;
}

type Block = { headline: string[]; details: string[] };

function tickBlock(title: string, tick: TickFigures, sequential: SequentialFigures | null, notes: string[]): Block {
  const perRun = perRunOf(tick);
  const cpuMedian = sequential
    ? `; median ${fixed(median(sequential.perRunMs.length ? sequential.perRunMs : sequential.perBatchRunMs))} ms (${sequential.runs} sequential runs, baseline-corrected)`
    : "";
  const isolateLine =
    sequential && sequential.isolateMs.length > 0
      ? [
          `Worker isolate CPU per run (V8 profile):   median ${fixed(median(sequential.isolateMs))} ms, p90 ${fixed(percentile(sequential.isolateMs, 0.9))} ms  (${sequential.isolateMs.length} sequential runs; D1 and the runtime excluded)`,
          `  runs that sent or canceled orders (${sequential.tradingMs.length}): ${spread(sequential.tradingMs)}; the others (${sequential.holdingMs.length}): ${spread(sequential.holdingMs)}`,
        ]
      : [];
  return {
    headline: [
      `# ${title}`,
      `wake all due objects (scheduled handler):   ${seconds(tick.triggerMs)}  (${tick.due} due${tick.heartbeatRecorded ? "" : "; heartbeat missing when it returned"})`,
      runsLine(tick),
      `exchange requests per run:                  ${fixed(perRun(tick.requests.total))}  (429/418 answers: ${refused(tick.requests)})`,
      `D1 per review:                              ${queriesLine(sequential?.queries.length ? sequential.queries : tick.queries)}${sequential?.queries.length ? " (sequential runs)" : ""}`,
      `overlapping runs: ${tick.overlaps.overlaps}   (portfolios with >1 run: ${tick.overlaps.portfoliosWithSeveralRuns}; duplicate seq: ${tick.overlaps.duplicateSeqs})`,
      `workerd CPU per run: mean ${fixed(perRun(tick.workerdCpuMs))} ms (burst)${cpuMedian}`,
      ...isolateLine,
    ],
    details: [...detailLines(tick), ...sequentialLines(sequential), ...notes.map((note) => `  note: ${note}`)],
  };
}

function startBlock(start: BurstFigures, retries: number): Block {
  const perRun = perRunOf(start);
  return {
    headline: [
      `# setup burst: ${start.expected} paper portfolios started by their objects (each start queues a review at once)`,
      `start every portfolio (RPC start, 50 at a time): ${seconds(start.triggerMs)}${retries ? ` (${retries} more rounds, a minute apart, for starts refused with exchange_rate_limited)` : ""}`,
      runsLine(start),
      `exchange requests per start + review:        ${fixed(perRun(start.requests.total))}  (429/418 answers: ${refused(start.requests)})`,
      `workerd CPU per start + review: mean ${fixed(perRun(start.workerdCpuMs))} ms`,
    ],
    details: detailLines(start),
  };
}

function printBlock(block: Block): void {
  console.log(`\n${[...block.headline, "", ...block.details].join("\n")}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- main -----------------------------------------------------------------------------------------------------

const CPU_NOTE =
  "workerd CPU is the process's (/proc): it includes local D1 (a Worker of its own) and the runtime's threads, so it overstates the Worker's CPU; the isolate figure is the Worker's own JavaScript and the native calls it makes, from V8's sampling profiler";

const benchStarted = Date.now();
const log: WorkerLog = { lines: 0, byLevel: {}, firstByMessage: new Map(), reviews: new Map() };
let sim: SimulatorThread | null = null;
let worker: LocalWorker | null = null;
let reader: D1Reader | null = null;
let exitCode = 0;
const blocks: Block[] = [];

function printSummary(): void {
  console.log("\n# summary");
  for (const block of blocks) console.log(`${block.headline.join("\n")}\n`);
  if (reader) {
    const everything = overlapReport(reader, null);
    console.log(
      `all runs of the bench (bursts and sequential): ${everything.overlaps} overlapping, ${everything.duplicateSeqs} duplicate seq`,
    );
  }
  const levels = Object.entries(log.byLevel)
    .map(([level, n]) => `${level} ${n}`)
    .join(", ");
  console.log(`worker log lines: ${log.lines}${levels ? ` (${levels})` : ""}`);
  for (const [, line] of [...log.firstByMessage].slice(0, 6)) console.log(`  first of its kind: ${line}`);
  console.log(
    `bench: ${seconds(Date.now() - benchStarted)} wall; ${options.portfolios} paper + ${options.live} live portfolios; simulator's default limits (Binance 6000 weight/min per IP)`,
  );
}

try {
  sim = await startSimulatorThread({ seed: 42 });
  const simUrl = sim.url;
  worker = await startLocalWorker(
    {
      DEV_LOGIN: "true",
      MASTER_KEY,
      EXCHANGE_EXTRA_HOSTS: `127.0.0.1:${sim.port}`,
      OPENAI_BASE_URL: sim.url,
      // The market context's feeds from the simulator too, as `npm start` wires them: offline, and no waits on DNS.
      NEWS_FEEDS: ["coindesk", "cointelegraph", "decrypt"].map((feed) => `${simUrl}/news/${feed}.xml`).join(","),
      FEAR_GREED_URL: sim.url,
      // Only for the objects' "review finished" lines (D1 queries per review); the worker logs little else at debug.
      LOG_LEVEL: "debug",
    },
    collectLog(log),
  );
  const [workerd, ...others] = workerdChildren();
  if (workerd === undefined || others.length > 0)
    throw new Error(`expected one workerd child process, found ${others.length + (workerd === undefined ? 0 : 1)}`);
  reader = await openD1Reader(worker.d1File);
  const bench: Bench = { worker, reader, simUrl: sim.url, workerd, probe: null };
  // One user per group: each group adds its first key through the API, which allows an account 20 keys (the rest are
  // written into D1 directly, past that cap, as the bench's many accounts stand for many users).
  const paperUser = await signIn(worker, "bench-paper@ballast.local");
  const liveUser = await signIn(worker, "bench-live@ballast.local");

  // Live accounts and keys first, while the venue's weight budget is untouched (adding a key verifies it there).
  let liveIds: string[] = [];
  if (options.live > 0) {
    console.log(`# setup: ${options.live} live portfolios, each on its own simulator account and key (paused for now)`);
    liveIds = await liveGroup(bench, liveUser, options.live);
  }

  console.log(`# setup: ${options.portfolios} paper portfolios, started by their objects`);
  const paper = await paperGroup(bench, paperUser, options.portfolios);
  blocks.push(startBlock(paper.start, paper.retries));
  printBlock(blocks.at(-1) as Block);
  console.log("# tick 1: paper portfolios (after a fresh minute of Binance weight)");
  await ready(bench);
  const paperTick = await measureTick(bench, PAPER, paper.ids.length);
  console.log(`# ${options.sequential} sequential runs on one paper portfolio`);
  const paperSequential = await measureSequential(bench, PAPER, paperUser, options.sequential);
  blocks.push(
    tickBlock(
      `one cron tick, ${paper.ids.length} due paper portfolios (binance simulator, built-in strategy)`,
      paperTick,
      paperSequential,
      [
        "paper portfolios read the simulator's public prices and fill in the paper broker inside their objects: nothing is placed on the venue",
        "due = running, with no schedule or alarm left in the object (their starts' schedules were cleared through the object's own reschedule)",
        CPU_NOTE,
      ],
    ),
  );
  printBlock(blocks.at(-1) as Block);

  if (liveIds.length > 0) {
    console.log("# tick 2: live portfolios (running again, after a fresh minute of Binance weight)");
    await setGroupStatus(worker, LIVE, "active");
    await ready(bench);
    const liveTick = await measureTick(bench, LIVE, liveIds.length);
    const liveRuns = Math.ceil(options.sequential / 2);
    console.log(`# ${liveRuns} sequential runs on one live portfolio`);
    const liveSequential = await measureSequential(bench, LIVE, liveUser, liveRuns);
    blocks.push(
      tickBlock(
        `one cron tick, ${liveIds.length} due live portfolios (binance simulator, own account and key each, built-in strategy)`,
        liveTick,
        liveSequential,
        [
          "live rows were written into D1 as a start leaves them (kept paused through the paper tick); the paper portfolios were scheduled an hour ahead, so this tick woke only these",
          CPU_NOTE,
        ],
      ),
    );
    printBlock(blocks.at(-1) as Block);
  }
} catch (error) {
  console.error(`bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
}
printSummary();
reader?.close();
await worker?.close().catch(() => {});
await sim?.close();
process.exit(exitCode);
