// What D1 says about the review runs of a group of bench portfolios (named "<prefix> N"), requested since a moment:
// progress, timings, outcomes, overlaps and step durations. Read-only queries on the local D1's SQLite file, straight
// from Node (WAL lets them read while workerd writes), so following a burst costs workerd no CPU and never waits on
// Miniflare's proxy.
import type { DatabaseSync, SQLInputValue } from "node:sqlite";

export type RunGroup = { prefix: string; since: number };
export type RunProgress = { total: number; finished: number; byStatus: Record<string, number> };

export type D1Reader = {
  all<T>(sql: string, ...params: SQLInputValue[]): T[];
  get<T>(sql: string, ...params: SQLInputValue[]): T | undefined;
  close(): void;
};

/** node:sqlite is experimental in Node 22 and warns once on load; that line says nothing about the bench. */
export async function loadSqlite(): Promise<typeof import("node:sqlite")> {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning instanceof Error ? warning.message : warning).includes("SQLite")) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import("node:sqlite");
  } finally {
    process.emitWarning = emitWarning;
  }
}

export async function openD1Reader(file: string): Promise<D1Reader> {
  const { DatabaseSync: Database } = await loadSqlite();
  const db: DatabaseSync = new Database(file, { readOnly: true });
  return {
    all: <T>(sql: string, ...params: SQLInputValue[]) => whenNotBusy(() => db.prepare(sql).all(...params) as T[]),
    get: <T>(sql: string, ...params: SQLInputValue[]) =>
      whenNotBusy(() => db.prepare(sql).get(...params) as T | undefined),
    close: () => db.close(),
  };
}

/** A WAL reader can briefly meet SQLITE_BUSY (a checkpoint, a recovery); the read is simply tried again. */
function whenNotBusy<T>(read: () => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return read();
    } catch (error) {
      const busy = error instanceof Error && /SQLITE_BUSY|database is locked/i.test(error.message);
      if (!busy || attempt >= 50) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

const OF_GROUP = "portfolio_id IN (SELECT id FROM portfolios WHERE name LIKE ?)";
const RUNS_OF_GROUP = `${OF_GROUP} AND requested_at >= ?`;
const FINISHED = ["completed", "failed", "aborted"];

function pattern(prefix: string): string {
  return `${prefix} %`;
}

export function runProgress(db: D1Reader, group: RunGroup): RunProgress {
  const rows = db.all<{ status: string; n: number }>(
    `SELECT status, count(*) AS n FROM portfolio_runs WHERE ${RUNS_OF_GROUP} GROUP BY status`,
    pattern(group.prefix),
    group.since,
  );
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  const finished = rows.filter((r) => FINISHED.includes(r.status)).reduce((sum, r) => sum + r.n, 0);
  return { total, finished, byStatus };
}

/** The given portfolios that are still drafts (a start that was refused leaves its portfolio a draft). */
export function draftsAmong(db: D1Reader, ids: string[]): string[] {
  const drafts = new Set(
    db.all<{ id: string }>("SELECT id FROM portfolios WHERE status = 'draft'").map((row) => row.id),
  );
  return ids.filter((id) => drafts.has(id));
}

/** The portfolio's newest run: its id and seq. */
export function latestRun(db: D1Reader, portfolioId: string): { id: string; seq: number } | null {
  return (
    db.get<{ id: string; seq: number }>(
      "SELECT id, seq FROM portfolio_runs WHERE portfolio_id = ? ORDER BY seq DESC LIMIT 1",
      portfolioId,
    ) ?? null
  );
}

/** Whether the run sent an order, or canceled one of its portfolio's, while it ran. */
export function tradedIn(db: D1Reader, runId: string): boolean {
  const found = db.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM portfolio_orders o JOIN portfolio_runs r ON r.portfolio_id = o.portfolio_id
      WHERE r.id = ? AND (o.sent_at BETWEEN r.started_at AND r.finished_at
        OR (o.status = 'canceled' AND o.updated_at BETWEEN r.started_at AND r.finished_at))`,
    runId,
  );
  return (found?.n ?? 0) > 0;
}

export function runStatus(db: D1Reader, runId: string): string | null {
  return db.get<{ status: string }>("SELECT status FROM portfolio_runs WHERE id = ?", runId)?.status ?? null;
}

/** Portfolios the cron would wake at `at`: the sweep's own condition (running, never scheduled or overdue). */
export function duePortfolios(db: D1Reader, at: number, overdueMs: number): number {
  return (
    db.get<{ n: number }>(
      "SELECT count(*) AS n FROM portfolios WHERE status = 'active' AND (next_run_at IS NULL OR next_run_at <= ?)",
      at - overdueMs,
    )?.n ?? 0
  );
}

export function heartbeatRuns(db: D1Reader): number {
  return db.get<{ runs: number }>("SELECT runs FROM heartbeats WHERE name = 'cron'")?.runs ?? 0;
}

export function lastFinishedAt(db: D1Reader, group: RunGroup): number | null {
  return (
    db.get<{ last: number | null }>(
      `SELECT max(finished_at) AS last FROM portfolio_runs WHERE ${RUNS_OF_GROUP}`,
      pattern(group.prefix),
      group.since,
    )?.last ?? null
  );
}

export type RunError = { status: string; code: string | null; message: string | null; count: number };

export function runErrors(db: D1Reader, group: RunGroup, limit = 5): RunError[] {
  return db.all<RunError>(
    `SELECT status, error_code AS code, coalesce(error_message, summary) AS message, count(*) AS count
     FROM portfolio_runs WHERE ${RUNS_OF_GROUP} AND status IN ('failed', 'aborted')
     GROUP BY status, error_code, coalesce(error_message, summary) ORDER BY count DESC LIMIT ?`,
    pattern(group.prefix),
    group.since,
    limit,
  );
}

export function orderCounts(db: D1Reader, group: RunGroup): Record<string, number> {
  const rows = db.all<{ status: string; n: number }>(
    `SELECT status, count(*) AS n FROM portfolio_orders WHERE ${OF_GROUP} AND created_at >= ? GROUP BY status`,
    pattern(group.prefix),
    group.since,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export type OverlapReport = { overlaps: number; duplicateSeqs: number; portfoliosWithSeveralRuns: number };

/**
 * Runs of one portfolio must never overlap: each [started_at, finished_at] ends before the next one starts, and seq
 * values are unique. A run still going counts as open-ended. Every run of the group's portfolios is checked (or of
 * all portfolios, for a null prefix), whenever it was requested.
 */
export function overlapReport(db: D1Reader, prefix: string | null): OverlapReport {
  type Run = { portfolioId: string; seq: number; startedAt: number | null; finishedAt: number | null };
  const columns = "portfolio_id AS portfolioId, seq, started_at AS startedAt, finished_at AS finishedAt";
  const runs =
    prefix === null
      ? db.all<Run>(`SELECT ${columns} FROM portfolio_runs ORDER BY portfolio_id, started_at`)
      : db.all<Run>(
          `SELECT ${columns} FROM portfolio_runs WHERE ${OF_GROUP} ORDER BY portfolio_id, started_at`,
          pattern(prefix),
        );
  const byPortfolio = new Map<string, Run[]>();
  for (const run of runs) byPortfolio.set(run.portfolioId, [...(byPortfolio.get(run.portfolioId) ?? []), run]);
  let overlaps = 0;
  let duplicateSeqs = 0;
  let portfoliosWithSeveralRuns = 0;
  for (const list of byPortfolio.values()) {
    if (list.length > 1) portfoliosWithSeveralRuns++;
    duplicateSeqs += list.length - new Set(list.map((r) => r.seq)).size;
    const started = list.filter((r) => r.startedAt !== null);
    for (let i = 1; i < started.length; i++) {
      const previous = started[i - 1] as Run;
      const current = started[i] as Run;
      if (previous.finishedAt === null || previous.finishedAt > (current.startedAt ?? 0)) overlaps++;
    }
  }
  return { overlaps, duplicateSeqs, portfoliosWithSeveralRuns };
}

/** Median wall milliseconds per journal step (the run's own `durations`), over the group's completed runs. */
export function medianStepDurations(db: D1Reader, group: RunGroup): Record<string, number> {
  const rows = db.all<{ durations: string | null }>(
    `SELECT durations FROM portfolio_runs WHERE ${RUNS_OF_GROUP} AND status = 'completed'`,
    pattern(group.prefix),
    group.since,
  );
  const samples = new Map<string, number[]>();
  for (const { durations } of rows) {
    for (const [step, ms] of Object.entries(JSON.parse(durations ?? "{}") as Record<string, number>))
      samples.set(step, [...(samples.get(step) ?? []), ms]);
  }
  return Object.fromEntries([...samples].map(([step, list]) => [step, median(list)]));
}

/**
 * A running portfolio of the group for runs one at a time: the fewest failed runs in a row (three pause it), then
 * one whose latest run completed, then one with orders resting (below its floors: its reviews cancel and place).
 */
export function sequentialCandidate(db: D1Reader, prefix: string): string | null {
  return (
    db.get<{ id: string }>(
      `SELECT p.id FROM portfolios p WHERE p.name LIKE ? AND p.status = 'active'
       ORDER BY p.failed_runs_in_a_row,
         (SELECT status FROM portfolio_runs r WHERE r.portfolio_id = p.id ORDER BY seq DESC LIMIT 1) = 'completed' DESC,
         EXISTS (SELECT 1 FROM portfolio_orders o WHERE o.portfolio_id = p.id AND o.status IN ('open', 'partially_filled')) DESC,
         p.name
       LIMIT 1`,
      pattern(prefix),
    )?.id ?? null
  );
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}
