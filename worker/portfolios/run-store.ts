import { and, desc, eq, lt, or } from "drizzle-orm";
import { DecisionInput } from "../../shared/api/decision-input.ts";
import { Decision } from "../../shared/api/decisions.ts";
import { EngineMessage, type EngineText, storedEngineMessage } from "../../shared/api/engine-messages.ts";
import {
  RunAiOptions,
  type RunDetail,
  RunFallback,
  type RunNote,
  type RunSummary,
  type RunTrigger,
} from "../../shared/api/portfolio-runs.ts";
import * as z from "../../shared/api/zod.ts";
import type { Database } from "../db/client.ts";
import { columnList, insertStatements, readRow, updateStatement } from "../db/rows.ts";
import { portfolioOrders, portfolioRuns } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import { decodeCursor, pageOf } from "./cursor.ts";
import { reasonColumns } from "./engine-text-columns.ts";
import { type OrderRow, ordersOfRuns, toOrderView } from "./order-store.ts";

/** Reading and writing the run journal (portfolio_runs). Only the portfolio's Durable Object writes. */

export type RunRow = typeof portfolioRuns.$inferSelect;
export type RunColumns = Partial<Omit<typeof portfolioRuns.$inferInsert, "id" | "portfolioId" | "seq">>;

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

// ---------------------------------------------------------------------------------------------------------------
// Statements for a review's batches (worker/db/rows.ts): one round trip each batch, however many statements.

/** A requested run: its id and number are reserved by the portfolio's object before the journal row is written. */
export type NewRun = { id: string; portfolioId: string; seq: number; trigger: RunTrigger; requestedAt: Date };

/** The journal row of a requested run, unless an earlier attempt wrote it. */
export function insertRunStatement(d1: D1Database, run: NewRun): D1PreparedStatement {
  const [statement] = insertStatements(
    d1,
    portfolioRuns,
    [{ ...run, status: "queued", step: "cancel" }],
    "ON CONFLICT DO NOTHING",
  );
  return statement as D1PreparedStatement;
}

/** A run that has not ended, and is not waiting for the owner's approval, is running from now (or since it began). */
export function startRunStatement(d1: D1Database, runId: string, now: Date): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE "portfolio_runs" SET "status" = 'running', "started_at" = COALESCE("started_at", ?)
       WHERE "id" = ? AND "status" NOT IN ('completed', 'failed', 'aborted')
         AND NOT ("status" = 'awaiting_approval' AND "step" = 'approval')`,
    )
    .bind(now.getTime(), runId);
}

const RUN_COLUMNS = columnList(portfolioRuns);

export function runStatement(d1: D1Database, portfolioId: string, runId: string): D1PreparedStatement {
  return d1
    .prepare(`SELECT ${RUN_COLUMNS} FROM "portfolio_runs" WHERE "portfolio_id" = ? AND "id" = ?`)
    .bind(portfolioId, runId);
}

export function readRunRow(raw: Record<string, unknown>): RunRow {
  return readRow(portfolioRuns, raw);
}

export function runUpdate(d1: D1Database, runId: string, changes: RunColumns): D1PreparedStatement {
  return updateStatement(d1, portfolioRuns, changes, `"id" = ?`, runId);
}

/** What the decision input tells of an earlier run (worker/ai/decision-input.ts, previousRuns). */
export type HistoryRun = Pick<
  RunRow,
  | "id"
  | "status"
  | "requestedAt"
  | "startedAt"
  | "provider"
  | "summary"
  | "errorMessage"
  | "equityBefore"
  | "equityAfter"
> & { strategy: string | null };

const HISTORY_COLUMNS = columnList(portfolioRuns, [
  "id",
  "status",
  "requestedAt",
  "startedAt",
  "provider",
  "summary",
  "errorMessage",
  "equityBefore",
  "equityAfter",
]);
const FINISHED = `"status" IN ('completed', 'failed', 'awaiting_approval')`;

/**
 * The most recent runs that finished, newest first: only what the decision input's history shows (the saved input,
 * prompt and raw answer are the bulk of a run's row and are not read). A decision that is not JSON has no strategy.
 */
export function recentRunsStatement(d1: D1Database, portfolioId: string, limit: number): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${HISTORY_COLUMNS},
         CASE WHEN json_valid("decision") THEN json_extract("decision", '$.strategy') END AS "strategy"
       FROM "portfolio_runs" WHERE "portfolio_id" = ? AND ${FINISHED} ORDER BY "seq" DESC LIMIT ?`,
    )
    .bind(portfolioId, limit);
}

export function readHistoryRun(raw: Record<string, unknown>): HistoryRun {
  const strategy = raw.strategy;
  const run: Omit<HistoryRun, "strategy"> = readRow(portfolioRuns, raw);
  return { ...run, strategy: typeof strategy === "string" ? strategy : null };
}

/** The ids of the runs `recentRunsStatement` answers, as SQL for a subquery (same parameters: portfolio, limit). */
export const RECENT_RUN_IDS = `SELECT "id" FROM "portfolio_runs" WHERE "portfolio_id" = ? AND ${FINISHED} ORDER BY "seq" DESC LIMIT ?`;

/** What the decision input tells of an earlier run's orders. */
export type HistoryOrder = Pick<
  OrderRow,
  "runId" | "leg" | "status" | "action" | "symbol" | "side" | "quantity" | "price" | "filledQuantity" | "reason"
>;

const HISTORY_ORDER_COLUMNS = columnList(portfolioOrders, [
  "runId",
  "leg",
  "status",
  "action",
  "symbol",
  "side",
  "quantity",
  "price",
  "filledQuantity",
  "reason",
]);

/** The orders of the runs `recentRunsStatement` answers, in leg order. */
export function recentRunOrdersStatement(d1: D1Database, portfolioId: string, limit: number): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${HISTORY_ORDER_COLUMNS} FROM "portfolio_orders" WHERE "run_id" IN (${RECENT_RUN_IDS}) ORDER BY "leg"`,
    )
    .bind(portfolioId, limit);
}

export function readHistoryOrder(raw: Record<string, unknown>): HistoryOrder {
  return readRow(portfolioOrders, raw) as HistoryOrder;
}

/**
 * What the portfolio's AI decisions cost since `since` (the calendar month's start, UTC): the sum of its runs' and
 * its AI replays' cost estimates, failed AI answers included (they were billed too). One statement, since it runs in
 * a review's batch. One row: `spent` as text, "0" when nothing.
 */
export function aiSpendStatement(d1: D1Database, portfolioId: string, since: Date): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT CAST(COALESCE(SUM(CAST("cost_usd" AS REAL)), 0) AS TEXT) AS "spent" FROM (
         SELECT "cost_usd" FROM "portfolio_runs" WHERE "portfolio_id" = ?1 AND "requested_at" >= ?2
         UNION ALL
         SELECT "cost_usd" FROM "ai_replay_spend" WHERE "portfolio_id" = ?1 AND "requested_at" >= ?2
       ) WHERE "cost_usd" IS NOT NULL`,
    )
    .bind(portfolioId, since.getTime());
}

/**
 * Runs of the portfolio before `current` still waiting for approval end, and their waiting orders expire with
 * `reason`: two statements for one batch, which change nothing when no run waits.
 */
export function expireApprovalStatements(
  d1: D1Database,
  current: Pick<NewRun, "portfolioId" | "seq">,
  now: Date,
  reason: EngineText,
): D1PreparedStatement[] {
  const waiting = `SELECT "id" FROM "portfolio_runs" WHERE "portfolio_id" = ? AND "status" = 'awaiting_approval' AND "seq" < ?`;
  const expired = reasonColumns(reason);
  return [
    d1
      .prepare(
        `UPDATE "portfolio_orders" SET "status" = 'expired', "reason" = ?, "reason_code" = ?, "reason_params" = ?,
           "updated_at" = ?
         WHERE "status" = 'pending_approval' AND "run_id" IN (${waiting})`,
      )
      .bind(expired.reason, expired.reasonCode, expired.reasonParams, now.getTime(), current.portfolioId, current.seq),
    d1
      .prepare(
        `UPDATE "portfolio_runs" SET "status" = 'completed', "step" = 'done', "finished_at" = COALESCE("finished_at", ?),
           "summary" = CASE WHEN "summary" IS NULL OR "summary" = '' THEN 'Approval expired.'
             ELSE "summary" || ' (approval expired)' END,
           "summary_code" = CASE WHEN "summary" IS NULL OR "summary" = '' THEN 'run_approval_expired'
             ELSE "summary_code" END,
           "summary_params" = CASE WHEN "summary" IS NULL OR "summary" = '' THEN '{}' ELSE "summary_params" END
         WHERE "id" IN (${waiting})`,
      )
      .bind(now.getTime(), current.portfolioId, current.seq),
  ];
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

const EngineMessages = z.array(EngineMessage);

/** A JSON list of messages (the built-in strategy's rationale); null when absent or unreadable. */
function storedEngineMessages(text: string | null): EngineMessage[] | null {
  const parsed = EngineMessages.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

/** Notes and fallbacks written before codes have no `engineMessage`: they read as null (the English stays). */
function notesOf(text: string | null): RunNote[] {
  const notes = (parseJson(text) as (Omit<RunNote, "engineMessage"> & { engineMessage?: unknown })[] | null) ?? [];
  return notes.map((note) => ({
    ...note,
    engineMessage: EngineMessage.nullable()
      .catch(null)
      .parse(note.engineMessage ?? null),
  }));
}

function fallbackOf(text: string | null): RunFallback | null {
  const raw = parseJson(text);
  if (raw === null || typeof raw !== "object") return null;
  return RunFallback.nullable()
    .catch(null)
    .parse({
      ...raw,
      engineMessage: EngineMessage.nullable()
        .catch(null)
        .parse((raw as { engineMessage?: unknown }).engineMessage ?? null),
    });
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
    summaryMessage: storedEngineMessage(row.summaryCode, row.summaryParams),
    rationaleMessages: storedEngineMessages(row.rationaleMessages),
    decision: decisionOf(row.decision),
    error: row.errorCode
      ? {
          code: row.errorCode,
          message: row.errorMessage ?? "",
          engineMessage: storedEngineMessage(row.errorMessageCode, row.errorMessageParams),
        }
      : null,
    equityBefore: row.equityBefore,
    equityAfter: row.equityAfter,
    usage: usage ? { ...usage, costUsd: row.costUsd } : null,
    aiOptions: RunAiOptions.nullable().catch(null).parse(parseJson(row.aiOptions)),
    fallback: fallbackOf(row.fallback),
    orders: orders.map(toOrderView),
    notes: notesOf(row.notes),
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
