import { and, desc, eq, inArray, lt, or } from "drizzle-orm";
import { DecisionInput } from "../../shared/api/decision-input.ts";
import { Decision } from "../../shared/api/decisions.ts";
import type {
  RunDetail,
  RunNote,
  RunStatus,
  RunStep,
  RunSummary,
  RunTrigger,
} from "../../shared/api/portfolio-runs.ts";
import type { Database } from "../db/client.ts";
import { portfolioRuns } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import { decodeCursor, pageOf } from "./cursor.ts";
import { type OrderRow, ordersOfRuns, toOrderView } from "./order-store.ts";

/** Reading and writing the run journal (portfolio_runs). Only the portfolio's Durable Object writes. */

export type RunRow = typeof portfolioRuns.$inferSelect;
type RunColumns = Partial<Omit<typeof portfolioRuns.$inferInsert, "id" | "portfolioId" | "seq">>;

export async function insertRun(
  db: Database,
  run: { id: string; portfolioId: string; seq: number; trigger: RunTrigger; requestedAt: Date },
): Promise<RunRow> {
  const [row] = await db
    .insert(portfolioRuns)
    .values({ ...run, status: "queued", step: "cancel" })
    .onConflictDoNothing()
    .returning();
  // Already inserted by an earlier attempt of the same request (the id is reserved before the write).
  return row ?? (await runById(db, run.portfolioId, run.id));
}

export async function runById(db: Database, portfolioId: string, runId: string): Promise<RunRow> {
  const row = await db
    .select()
    .from(portfolioRuns)
    .where(and(eq(portfolioRuns.portfolioId, portfolioId), eq(portfolioRuns.id, runId)))
    .get();
  if (!row) throw new ApiError("not_found", "No such run.");
  return row;
}

export async function updateRun(db: Database, runId: string, changes: RunColumns): Promise<void> {
  await db.update(portfolioRuns).set(changes).where(eq(portfolioRuns.id, runId));
}

export function updateRunStatement(db: Database, runId: string, changes: RunColumns) {
  return db.update(portfolioRuns).set(changes).where(eq(portfolioRuns.id, runId));
}

export async function setRunStep(db: Database, runId: string, step: RunStep, status: RunStatus = "running") {
  await updateRun(db, runId, { step, status });
}

/** The most recent runs that finished (for the decision input's history), newest first. */
export async function recentFinishedRuns(db: Database, portfolioId: string, limit: number): Promise<RunRow[]> {
  return db
    .select()
    .from(portfolioRuns)
    .where(
      and(
        eq(portfolioRuns.portfolioId, portfolioId),
        inArray(portfolioRuns.status, ["completed", "failed", "awaiting_approval"]),
      ),
    )
    .orderBy(desc(portfolioRuns.seq))
    .limit(limit);
}

/** The latest run waiting for approval, if any. */
export async function runsAwaitingApproval(db: Database, portfolioId: string): Promise<RunRow[]> {
  return db
    .select()
    .from(portfolioRuns)
    .where(and(eq(portfolioRuns.portfolioId, portfolioId), eq(portfolioRuns.status, "awaiting_approval")));
}

export async function listRunRows(
  db: Database,
  portfolioId: string,
  query: { limit: number; cursor?: string },
): Promise<{ rows: RunRow[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const rows = await db
    .select()
    .from(portfolioRuns)
    .where(
      and(
        eq(portfolioRuns.portfolioId, portfolioId),
        after
          ? or(
              lt(portfolioRuns.requestedAt, after.at),
              and(eq(portfolioRuns.requestedAt, after.at), lt(portfolioRuns.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(portfolioRuns.requestedAt), desc(portfolioRuns.id))
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, (r) => ({ at: r.requestedAt, id: r.id }));
}

export async function runSummaries(db: Database, rows: RunRow[]): Promise<RunSummary[]> {
  const orders = await ordersOfRuns(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => toRunSummary(row, orders.get(row.id) ?? []));
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function inputOf(text: string | null): DecisionInput | null {
  if (text === null) return null;
  const parsed = DecisionInput.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

/** The stored decision; a row written by an older shape reads as none rather than failing the whole list. */
function decisionOf(text: string | null): Decision | null {
  if (text === null) return null;
  const parsed = Decision.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

export function toRunSummary(row: RunRow, orders: OrderRow[]): RunSummary {
  const usage = parseJson(row.usage) as Omit<NonNullable<RunSummary["usage"]>, "costUsd"> | null;
  return {
    id: row.id,
    portfolioId: row.portfolioId,
    seq: row.seq,
    trigger: row.trigger,
    status: row.status,
    step: row.step,
    requestedAt: row.requestedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    provider: row.provider,
    model: row.model,
    summary: row.summary,
    decision: decisionOf(row.decision),
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null,
    equityBefore: row.equityBefore,
    equityAfter: row.equityAfter,
    usage: usage ? { ...usage, costUsd: row.costUsd } : null,
    orders: orders.map(toOrderView),
    notes: (parseJson(row.notes) as RunNote[] | null) ?? [],
  };
}

export function toRunDetail(row: RunRow, orders: OrderRow[]): RunDetail {
  return {
    ...toRunSummary(row, orders),
    input: inputOf(row.input),
    prompt: parseJson(row.prompt) as RunDetail["prompt"],
    rawResponse: parseJson(row.rawResponse),
    durationsMs: (parseJson(row.durations) as Record<string, number> | null) ?? {},
  };
}
