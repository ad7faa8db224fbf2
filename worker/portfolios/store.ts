import Big from "big.js";
import { and, desc, eq, inArray, lt, ne, or, type SQL } from "drizzle-orm";
import * as z from "zod";
import { storedEngineMessage } from "../../shared/api/engine-messages.ts";
import {
  type CreatePortfolio,
  DEFAULT_PAPER_CAPITAL,
  type DecisionSource,
  type FuturesSettings,
  type Portfolio,
  type PortfolioPerformance,
  type PortfolioStatus,
  PortfolioToken,
  type ReviewInterval,
  type RiskLimits,
} from "../../shared/api/portfolios.ts";
import { insertWithinCap } from "../db/capped-insert.ts";
import type { Database } from "../db/client.ts";
import { columnList, readRow, updateStatement } from "../db/rows.ts";
import { portfolios } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import { clientOrderIdPrefix } from "./client-order-ids.ts";
import { decodeCursor, pageOf } from "./cursor.ts";
import { readLedger } from "./ledger.ts";

/** Reading and writing portfolio rows; the rules live in the other modules of this folder. */

export type PortfolioRow = typeof portfolios.$inferSelect;
type PortfolioColumns = Omit<typeof portfolios.$inferInsert, "id" | "userId" | "createdAt" | "updatedAt">;

const StoredTokens = z.array(PortfolioToken);

/** Parsed token lists by their stored text: a review reads them at a dozen places, the text rarely changes. */
const parsedTokens = new Map<string, PortfolioToken[]>();
const PARSED_TOKENS_KEPT = 256;

export function storedTokens(row: PortfolioRow): PortfolioToken[] {
  let tokens = parsedTokens.get(row.tokens);
  if (!tokens) {
    tokens = StoredTokens.parse(JSON.parse(row.tokens));
    if (parsedTokens.size >= PARSED_TOKENS_KEPT) parsedTokens.clear();
    parsedTokens.set(row.tokens, tokens);
  }
  // Copies: a caller may change what it gets.
  return tokens.map((token) => ({ ...token }));
}

export function toPortfolioView(row: PortfolioRow): Portfolio {
  return {
    id: row.id,
    exchangeKeyId: row.exchangeKeyId,
    venue: row.venue,
    market: row.market,
    name: row.name,
    cashToken: row.cashToken,
    tokens: storedTokens(row),
    reviewInterval: row.reviewInterval as ReviewInterval,
    decisionSource: decisionSourceOf(row),
    instructions: row.instructions,
    executionMode: row.executionMode,
    paper: row.paper,
    paperCapital: row.paperCapital,
    futures: futuresOf(row),
    risk: riskOf(row),
    status: row.status,
    statusReason: row.statusReason,
    statusReasonCode: row.statusReasonCode,
    statusReasonMessage: storedEngineMessage(row.statusMessageCode, row.statusMessageParams),
    clientOrderIdPrefix: clientOrderIdPrefix(row.id),
    startingEquity: row.startingEquity,
    startedAt: row.startedAt?.toISOString() ?? null,
    performance: performanceOf(row),
    nextRunAt: row.status === "active" ? (row.nextRunAt?.toISOString() ?? null) : null,
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    failedRunsInARow: row.failedRunsInARow,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function performanceOf(row: PortfolioRow): PortfolioPerformance | null {
  if (row.equity === null || row.equityAt === null || row.startingEquity === null) return null;
  const pnl = Big(row.equity).minus(row.startingEquity);
  const pct = Big(row.startingEquity).gt(0) ? pnl.div(row.startingEquity).times(100) : Big(0);
  return {
    equity: row.equity,
    pnl: pnl.toFixed(),
    pnlPct: pct.round(4).toFixed(),
    funding: fundingOf(row),
    at: row.equityAt.toISOString(),
  };
}

function fundingOf(row: PortfolioRow): string | null {
  if (row.market !== "futures") return null;
  // Shown next to the PnL only: a ledger that does not read leaves it out rather than failing the listing.
  const ledger = (() => {
    try {
      return readLedger(row.ledger);
    } catch {
      return null;
    }
  })();
  return ledger?.kind === "futures" ? (ledger.funding ?? "0") : null;
}

function decisionSourceOf(row: PortfolioRow): DecisionSource {
  if (row.decisionProvider === "builtin") return { provider: "builtin" };
  return {
    provider: row.decisionProvider,
    model: row.model ?? "",
    reasoningEffort: row.reasoningEffort,
    webSearch: row.webSearch,
    sharedKeyId: row.aiShareId,
    monthlySpendCapUsd: row.aiSpendCapUsd,
  };
}

function futuresOf(row: PortfolioRow): FuturesSettings | null {
  if (row.market !== "futures" || !row.positionMode || !row.marginMode || row.maxLeverage === null) return null;
  return { positionMode: row.positionMode, marginMode: row.marginMode, maxLeverage: row.maxLeverage };
}

function riskOf(row: PortfolioRow): RiskLimits {
  return {
    maxOrderPct: row.maxOrderPct,
    maxExposurePct: row.maxExposurePct,
    maxDailyLossPct: row.maxDailyLossPct,
    maxDrawdownPct: row.maxDrawdownPct,
  };
}

/** The settings of a (validated) configuration as columns. */
export type PortfolioConfig = Omit<CreatePortfolio, "exchangeKeyId">;

export function configColumns(config: PortfolioConfig): Omit<PortfolioColumns, "exchangeKeyId" | "venue" | "status"> {
  const source = config.decisionSource;
  return {
    name: config.name,
    market: config.market,
    cashToken: config.cashToken,
    tokens: JSON.stringify(config.tokens),
    reviewInterval: config.reviewInterval,
    decisionProvider: source.provider,
    model: source.provider === "builtin" ? null : source.model,
    reasoningEffort: source.provider === "builtin" ? null : source.reasoningEffort,
    webSearch: source.provider === "builtin" ? false : source.webSearch,
    aiSpendCapUsd: source.provider === "builtin" ? null : source.monthlySpendCapUsd,
    aiShareId: source.provider === "builtin" ? null : source.sharedKeyId,
    instructions: config.instructions,
    executionMode: config.executionMode,
    paper: config.paper,
    paperCapital: config.paper ? (config.paperCapital ?? DEFAULT_PAPER_CAPITAL) : config.paperCapital,
    positionMode: config.futures?.positionMode ?? null,
    marginMode: config.futures?.marginMode ?? null,
    maxLeverage: config.futures?.maxLeverage ?? null,
    ...config.risk,
  };
}

export function configOf(row: PortfolioRow): PortfolioConfig {
  const view = toPortfolioView(row);
  return {
    name: view.name,
    market: view.market,
    cashToken: view.cashToken,
    tokens: view.tokens,
    reviewInterval: view.reviewInterval,
    decisionSource: view.decisionSource,
    instructions: view.instructions,
    executionMode: view.executionMode,
    paper: view.paper,
    paperCapital: view.paperCapital,
    futures: view.futures,
    risk: view.risk,
  };
}

/** Each portfolio is a Durable Object with its own schedule and exchange traffic: one account keeps a bounded number. */
export const MAX_PORTFOLIOS_PER_USER = 50;

export async function insertPortfolio(
  db: Database,
  userId: string,
  columns: Omit<PortfolioColumns, "status">,
  now: Date,
): Promise<PortfolioRow> {
  const id = await freshPortfolioId(db, columns.exchangeKeyId);
  const kept = await insertWithinCap(
    db,
    portfolios,
    { ...columns, id, userId, status: "draft", createdAt: now, updatedAt: now },
    and(eq(portfolios.userId, userId), ne(portfolios.status, "deleted")) as SQL,
    MAX_PORTFOLIOS_PER_USER,
  );
  if (!kept)
    throw new ApiError(
      "limit_reached",
      `You already have ${MAX_PORTFOLIOS_PER_USER} portfolios, the most one account may keep; delete one first.`,
      { details: { limit: MAX_PORTFOLIOS_PER_USER } },
    );
  return ownedPortfolio(db, userId, id);
}

/** A new id whose client-order-id prefix no other portfolio of the key has, so stop never cancels a sibling's order. */
async function freshPortfolioId(db: Database, exchangeKeyId: string): Promise<string> {
  const taken = new Set(
    (await db.select({ id: portfolios.id }).from(portfolios).where(eq(portfolios.exchangeKeyId, exchangeKeyId))).map(
      (row) => clientOrderIdPrefix(row.id),
    ),
  );
  for (;;) {
    const id = crypto.randomUUID();
    if (!taken.has(clientOrderIdPrefix(id))) return id;
  }
}

/** The caller's portfolio (deleted ones are gone); another user's is "not found", like a missing one. */
export async function ownedPortfolio(db: Database, userId: string, id: string): Promise<PortfolioRow> {
  const row = await db
    .select()
    .from(portfolios)
    .where(and(eq(portfolios.id, id), eq(portfolios.userId, userId), ne(portfolios.status, "deleted")))
    .get();
  if (!row) throw new ApiError("not_found", "No such portfolio.");
  return row;
}

export async function updatePortfolioRow(
  db: Database,
  row: PortfolioRow,
  changes: Partial<PortfolioColumns>,
  now: Date,
): Promise<PortfolioRow> {
  const [updated] = await db
    .update(portfolios)
    .set({ ...changes, updatedAt: now })
    .where(and(eq(portfolios.id, row.id), eq(portfolios.userId, row.userId)))
    .returning();
  if (!updated) throw new ApiError("not_found", "No such portfolio.");
  return updated;
}

export async function activePortfoliosOfKey(db: Database, exchangeKeyId: string): Promise<PortfolioRow[]> {
  return db
    .select()
    .from(portfolios)
    .where(and(eq(portfolios.exchangeKeyId, exchangeKeyId), eq(portfolios.status, "active")));
}

export async function portfoliosInStatus(
  db: Database,
  filter: { userId: string; exchangeKeyId?: string },
  statuses: PortfolioStatus[],
): Promise<PortfolioRow[]> {
  return db
    .select()
    .from(portfolios)
    .where(
      and(
        eq(portfolios.userId, filter.userId),
        filter.exchangeKeyId ? eq(portfolios.exchangeKeyId, filter.exchangeKeyId) : undefined,
        inArray(portfolios.status, statuses),
      ),
    );
}

/** Newest first; the cursor is the last row's (createdAt, id), so pages stay stable while rows are added. */
export async function listPortfolioRows(
  db: Database,
  userId: string,
  query: { limit: number; cursor?: string; status?: PortfolioStatus },
): Promise<{ rows: PortfolioRow[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const rows = await db
    .select()
    .from(portfolios)
    .where(
      and(
        eq(portfolios.userId, userId),
        query.status ? eq(portfolios.status, query.status) : ne(portfolios.status, "deleted"),
        after
          ? or(lt(portfolios.createdAt, after.at), and(eq(portfolios.createdAt, after.at), lt(portfolios.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(desc(portfolios.createdAt), desc(portfolios.id))
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, (r) => ({ at: r.createdAt, id: r.id }));
}

/** Any portfolio by id, for the engine (which acts for the owner, not for a caller). Null when gone. */
export async function portfolioById(db: Database, id: string): Promise<PortfolioRow | null> {
  return (await db.select().from(portfolios).where(eq(portfolios.id, id)).get()) ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Statements for the engine's batches (worker/db/rows.ts): one round trip each batch, however many statements.

const PORTFOLIO_COLUMNS = columnList(portfolios);

/** The whole row of a portfolio (none when it does not exist). */
export function portfolioStatement(d1: D1Database, id: string): D1PreparedStatement {
  return d1.prepare(`SELECT ${PORTFOLIO_COLUMNS} FROM "portfolios" WHERE "id" = ?`).bind(id);
}

export function readPortfolioRow(raw: Record<string, unknown>): PortfolioRow {
  return readRow(portfolios, raw);
}

/**
 * What a review checks between its steps: every control (start, stop, kill, pause, delete) and every settings edit
 * sets `updatedAt`, so an unchanged one means the rest of the row is as read; the ledger only the portfolio's own
 * object writes (its trades, its snapshot), and is taken from here as written.
 */
export type PortfolioVersion = Pick<PortfolioRow, "status" | "updatedAt" | "ledger">;

export function portfolioVersionStatement(d1: D1Database, id: string): D1PreparedStatement {
  return d1
    .prepare(`SELECT ${columnList(portfolios, ["status", "updatedAt", "ledger"])} FROM "portfolios" WHERE "id" = ?`)
    .bind(id);
}

export function readPortfolioVersion(raw: Record<string, unknown>): PortfolioVersion {
  return readRow(portfolios, raw);
}

export function portfolioStatusStatement(d1: D1Database, id: string): D1PreparedStatement {
  return d1.prepare(`SELECT "status" FROM "portfolios" WHERE "id" = ?`).bind(id);
}

/** Whether the portfolio's owner may use Ballast (its `enabled` column: 1 or 0; no row when the user is gone). */
export function ownerEnabledStatement(d1: D1Database, userId: string): D1PreparedStatement {
  return d1.prepare(`SELECT "enabled" FROM "users" WHERE "id" = ?`).bind(userId);
}

/** What the portfolio's object needs to schedule it. */
export type PortfolioSchedule = Pick<PortfolioRow, "id" | "status" | "startedAt" | "reviewInterval" | "nextRunAt">;

const SCHEDULE_COLUMNS = columnList(portfolios, ["id", "status", "startedAt", "reviewInterval", "nextRunAt"]);

export function portfolioScheduleStatement(d1: D1Database, id: string): D1PreparedStatement {
  return d1.prepare(`SELECT ${SCHEDULE_COLUMNS} FROM "portfolios" WHERE "id" = ?`).bind(id);
}

export function readPortfolioSchedule(raw: Record<string, unknown> | undefined | null): PortfolioSchedule | null {
  return raw ? readRow(portfolios, raw) : null;
}

export async function portfolioSchedule(db: Database, id: string): Promise<PortfolioSchedule | null> {
  return readPortfolioSchedule(await portfolioScheduleStatement(db.$client, id).first<Record<string, unknown>>());
}

/** The caller's portfolio's status (deleted ones are gone, as in `ownedPortfolio`). */
export async function ownedPortfolioStatus(db: Database, userId: string, id: string): Promise<PortfolioRow["status"]> {
  const status = await db.$client
    .prepare(`SELECT "status" FROM "portfolios" WHERE "id" = ? AND "user_id" = ? AND "status" <> 'deleted'`)
    .bind(id, userId)
    .first<PortfolioRow["status"]>("status");
  if (!status) throw new ApiError("not_found", "No such portfolio.");
  return status;
}

export function portfolioUpdate(
  d1: D1Database,
  id: string,
  changes: Partial<typeof portfolios.$inferInsert>,
): D1PreparedStatement {
  return updateStatement(d1, portfolios, changes, `"id" = ?`, id);
}
