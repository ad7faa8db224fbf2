import { and, asc, desc, eq, getTableColumns, inArray, lt, or } from "drizzle-orm";
import { storedEngineMessage } from "../../shared/api/engine-messages.ts";
import {
  LIVE_ORDER_STATUSES,
  type OrderListQuery,
  type PortfolioFill,
  type PortfolioOrder,
  type PortfolioOrderStatus,
} from "../../shared/api/portfolio-orders.ts";
import type { Database } from "../db/client.ts";
import { columnList, insertStatements, readRows, rowAsSaved, updateStatement } from "../db/rows.ts";
import { portfolioFills, portfolioOrders } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import { decodeCursor, pageOf } from "./cursor.ts";

/** Reading and writing a portfolio's orders and fills. Only the portfolio's Durable Object writes. */

export type OrderRow = typeof portfolioOrders.$inferSelect;
export type NewOrderRow = typeof portfolioOrders.$inferInsert;
export type FillRow = typeof portfolioFills.$inferSelect;
type OrderColumns = Partial<Omit<NewOrderRow, "id" | "portfolioId" | "clientOrderId">>;

export function updateOrderStatement(db: Database, orderId: string, changes: OrderColumns) {
  return db.update(portfolioOrders).set(changes).where(eq(portfolioOrders.id, orderId));
}

export async function ordersOfRun(db: Database, runId: string): Promise<OrderRow[]> {
  return db.select().from(portfolioOrders).where(eq(portfolioOrders.runId, runId)).orderBy(asc(portfolioOrders.leg));
}

export async function ordersOfRuns(db: Database, runIds: string[]): Promise<Map<string, OrderRow[]>> {
  const byRun = new Map<string, OrderRow[]>();
  if (runIds.length === 0) return byRun;
  const rows = await db
    .select()
    .from(portfolioOrders)
    .where(inArray(portfolioOrders.runId, runIds))
    .orderBy(asc(portfolioOrders.leg));
  for (const row of rows) {
    if (!row.runId) continue;
    const list = byRun.get(row.runId) ?? [];
    list.push(row);
    byRun.set(row.runId, list);
  }
  return byRun;
}

export async function orderById(db: Database, portfolioId: string, orderId: string): Promise<OrderRow> {
  const row = await db
    .select()
    .from(portfolioOrders)
    .where(and(eq(portfolioOrders.portfolioId, portfolioId), eq(portfolioOrders.id, orderId)))
    .get();
  if (!row) throw new ApiError("not_found", "No such order in this portfolio.");
  return row;
}

function statusFilter(status: OrderListQuery["status"]) {
  if (status === undefined) return undefined;
  if (status === "live") return inArray(portfolioOrders.status, [...LIVE_ORDER_STATUSES]);
  return eq(portfolioOrders.status, status as PortfolioOrderStatus);
}

export async function listOrderRows(
  db: Database,
  portfolioId: string,
  query: { status?: OrderListQuery["status"]; limit: number; cursor?: string },
): Promise<{ rows: OrderRow[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const rows = await db
    .select()
    .from(portfolioOrders)
    .where(
      and(
        eq(portfolioOrders.portfolioId, portfolioId),
        statusFilter(query.status),
        after
          ? or(
              lt(portfolioOrders.createdAt, after.at),
              and(eq(portfolioOrders.createdAt, after.at), lt(portfolioOrders.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(portfolioOrders.createdAt), desc(portfolioOrders.id))
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, (r) => ({ at: r.createdAt, id: r.id }));
}

export function toOrderView(row: OrderRow): PortfolioOrder {
  return {
    id: row.id,
    runId: row.runId,
    leg: row.leg,
    clientOrderId: row.clientOrderId,
    venue: row.venue,
    paper: row.paper,
    market: row.market,
    symbol: row.symbol,
    action: row.action,
    side: row.side,
    type: row.type,
    quantity: row.quantity,
    price: row.price,
    reduceOnly: row.reduceOnly,
    positionSide: row.positionSide,
    leverage: row.leverage,
    stopLoss: row.stopLoss,
    takeProfit: row.takeProfit,
    stopsStatus: row.stopsStatus,
    stopsError: row.stopsError,
    status: row.status,
    reason: row.reason,
    reasonMessage: storedEngineMessage(row.reasonCode, row.reasonParams),
    exchangeOrderId: row.exchangeOrderId,
    filledQuantity: row.filledQuantity,
    averagePrice: row.averagePrice,
    notionalUsd: row.notionalUsd,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Statements for the engine's batches (worker/db/rows.ts): one round trip each batch, however many statements.

/**
 * An order as keeping it in step with the venue needs it: all but the planned intent and the model's item, the
 * bulk of the row (read only where orders are placed or shown).
 */
export type TrackedOrder = Omit<OrderRow, "intent">;

const ORDER_COLUMNS = columnList(portfolioOrders);
const TRACKED_COLUMNS = columnList(
  portfolioOrders,
  Object.keys(getTableColumns(portfolioOrders)).filter((key): key is keyof TrackedOrder & string => key !== "intent"),
);
const LIVE = LIVE_ORDER_STATUSES.map((status) => `'${status}'`).join(", ");

export function ordersOfRunStatement(d1: D1Database, runId: string): D1PreparedStatement {
  return d1.prepare(`SELECT ${ORDER_COLUMNS} FROM "portfolio_orders" WHERE "run_id" = ? ORDER BY "leg"`).bind(runId);
}

export function trackedOrdersOfRunStatement(d1: D1Database, runId: string): D1PreparedStatement {
  return d1.prepare(`SELECT ${TRACKED_COLUMNS} FROM "portfolio_orders" WHERE "run_id" = ? ORDER BY "leg"`).bind(runId);
}

/** Orders that may still change on the exchange (sent and not final), oldest first. */
export function liveOrdersStatement(d1: D1Database, portfolioId: string): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${TRACKED_COLUMNS} FROM "portfolio_orders" WHERE "portfolio_id" = ? AND "status" IN (${LIVE}) ORDER BY "created_at"`,
    )
    .bind(portfolioId);
}

/** Filled futures entries whose SL/TP are still to be placed. */
export function ordersWithPendingStopsStatement(d1: D1Database, portfolioId: string): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${TRACKED_COLUMNS} FROM "portfolio_orders" WHERE "portfolio_id" = ? AND "stops_status" = 'pending'`,
    )
    .bind(portfolioId);
}

export function readOrderRows(result: D1Result<unknown> | undefined): OrderRow[] {
  return readRows(portfolioOrders, result);
}

export function readTrackedOrders(result: D1Result<unknown> | undefined): TrackedOrder[] {
  return readRows(portfolioOrders, result);
}

/** A new order's row as it is saved: the columns it leaves out at their defaults. */
export function savedOrderRow(row: NewOrderRow): OrderRow {
  return rowAsSaved(portfolioOrders, row);
}

export function orderUpdate(d1: D1Database, orderId: string, changes: OrderColumns): D1PreparedStatement {
  return updateStatement(d1, portfolioOrders, changes, `"id" = ?`, orderId);
}

/** New orders, each saved once: a retried insert of the same client order id changes nothing. */
export function insertOrderStatements(d1: D1Database, rows: NewOrderRow[]): D1PreparedStatement[] {
  return insertStatements(d1, portfolioOrders, rows, "ON CONFLICT DO NOTHING");
}

export function insertFillStatements(
  d1: D1Database,
  rows: (typeof portfolioFills.$inferInsert)[],
): D1PreparedStatement[] {
  return insertStatements(d1, portfolioFills, rows, "ON CONFLICT DO NOTHING");
}

/**
 * A planned order of a running portfolio becomes `sending`, in one statement: the portfolio's status is read by the
 * same write, so a stop or pause saved before it always keeps the order from being sent (`meta.changes` is 0).
 */
export function markSendingWhileActiveStatement(
  d1: D1Database,
  order: Pick<OrderRow, "id" | "portfolioId">,
  sentAt: Date,
): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE "portfolio_orders" SET "status" = 'sending', "sent_at" = ?, "updated_at" = ?
       WHERE "id" = ? AND "status" = 'planned'
         AND EXISTS (SELECT 1 FROM "portfolios" WHERE "id" = ? AND "status" = 'active')`,
    )
    .bind(sentAt.getTime(), sentAt.getTime(), order.id, order.portfolioId);
}

// ---------------------------------------------------------------------------------------------------------------
// Fills

export async function listFillRows(
  db: Database,
  portfolioId: string,
  query: { limit: number; cursor?: string },
): Promise<{ rows: FillRow[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const rows = await db
    .select()
    .from(portfolioFills)
    .where(
      and(
        eq(portfolioFills.portfolioId, portfolioId),
        after
          ? or(
              lt(portfolioFills.time, after.at),
              and(eq(portfolioFills.time, after.at), lt(portfolioFills.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(portfolioFills.time), desc(portfolioFills.id))
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, (r) => ({ at: r.time, id: r.id }));
}

export function toFillView(row: FillRow): PortfolioFill {
  return {
    id: row.id,
    orderId: row.orderId,
    clientOrderId: row.clientOrderId,
    tradeId: row.tradeId,
    symbol: row.symbol,
    side: row.side,
    price: row.price,
    quantity: row.quantity,
    fee: row.fee,
    feeAsset: row.feeAsset,
    maker: row.maker,
    time: row.time.toISOString(),
  };
}
