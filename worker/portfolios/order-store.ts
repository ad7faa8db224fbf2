import { and, asc, desc, eq, inArray, lt, or } from "drizzle-orm";
import {
  LIVE_ORDER_STATUSES,
  type OrderListQuery,
  type PortfolioFill,
  type PortfolioOrder,
  type PortfolioOrderStatus,
} from "../../shared/api/portfolio-orders.ts";
import type { Database } from "../db/client.ts";
import { portfolioFills, portfolioOrders } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import { decodeCursor, pageOf } from "./cursor.ts";

/** Reading and writing a portfolio's orders and fills. Only the portfolio's Durable Object writes. */

export type OrderRow = typeof portfolioOrders.$inferSelect;
export type NewOrderRow = typeof portfolioOrders.$inferInsert;
export type FillRow = typeof portfolioFills.$inferSelect;
type OrderColumns = Partial<Omit<NewOrderRow, "id" | "portfolioId" | "clientOrderId">>;

export function insertOrdersStatement(db: Database, rows: NewOrderRow[]) {
  return db.insert(portfolioOrders).values(rows).onConflictDoNothing();
}

export function updateOrderStatement(db: Database, orderId: string, changes: OrderColumns) {
  return db.update(portfolioOrders).set(changes).where(eq(portfolioOrders.id, orderId));
}

export async function updateOrder(db: Database, orderId: string, changes: OrderColumns): Promise<void> {
  await updateOrderStatement(db, orderId, changes);
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

/** Orders that may still change on the exchange (sent and not final), oldest first. */
export async function liveOrders(db: Database, portfolioId: string): Promise<OrderRow[]> {
  return db
    .select()
    .from(portfolioOrders)
    .where(and(eq(portfolioOrders.portfolioId, portfolioId), inArray(portfolioOrders.status, [...LIVE_ORDER_STATUSES])))
    .orderBy(asc(portfolioOrders.createdAt));
}

/** Filled futures entries whose SL/TP are still to be placed. */
export async function ordersWithPendingStops(db: Database, portfolioId: string): Promise<OrderRow[]> {
  return db
    .select()
    .from(portfolioOrders)
    .where(and(eq(portfolioOrders.portfolioId, portfolioId), inArray(portfolioOrders.stopsStatus, ["pending"])));
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
// Fills

export function insertFillsStatement(db: Database, rows: (typeof portfolioFills.$inferInsert)[]) {
  return db.insert(portfolioFills).values(rows).onConflictDoNothing();
}

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
