import { columnList, readRows } from "../db/rows.ts";
import { portfolioFills, portfolioOrders } from "../db/schema.ts";
import type { FillRow, TrackedOrder } from "./order-store.ts";

/**
 * What recording trades reads of a portfolio's history (engine/order-sync.ts), kept short however long that history
 * grows. An order is marked `fills_complete` once it is final and its recorded fills add up to its filled quantity;
 * until then it is "open" here. Per symbol, the window starts at the earliest open order's send time and, for futures,
 * at the last recorded trade (whichever is earlier), less a margin. Recording trades reads:
 * - every order of ours on the symbol that is open, or was updated in the window, or is one it was handed;
 * - every fill recorded in the window.
 * That is all it needs: an open order's trades all lie in the window (none trades before it is sent), every trade it
 * asks the venue for is in the window, and so is the order that made it (an order's last update follows its last
 * trade) and any remainder fill that closed that order.
 */

/** What recording trades needs of an order the venue knows (one with an exchange order id). */
export type BookedOrder = Pick<
  TrackedOrder,
  | "id"
  | "symbol"
  | "side"
  | "type"
  | "paper"
  | "positionSide"
  | "clientOrderId"
  | "exchangeOrderId"
  | "status"
  | "filledQuantity"
  | "averagePrice"
  | "fillsComplete"
  | "createdAt"
  | "sentAt"
  | "updatedAt"
  // The entries' SL/TP tell a venue-triggered close apart (engine/notifications.ts).
  | "stopLoss"
  | "takeProfit"
>;

const BOOKED_COLUMNS = columnList(portfolioOrders, [
  "id",
  "symbol",
  "side",
  "type",
  "paper",
  "positionSide",
  "clientOrderId",
  "exchangeOrderId",
  "status",
  "filledQuantity",
  "averagePrice",
  "fillsComplete",
  "createdAt",
  "sentAt",
  "updatedAt",
  "stopLoss",
  "takeProfit",
]);

/** What recording trades needs of a trade already recorded. */
export type RecordedFill = Pick<FillRow, "orderId" | "exchangeOrderId" | "tradeId" | "symbol" | "quantity" | "time">;

const RECORDED_COLUMNS = columnList(portfolioFills, [
  "orderId",
  "exchangeOrderId",
  "tradeId",
  "symbol",
  "quantity",
  "time",
]);

export type TradeWindow = {
  portfolioId: string;
  symbols: string[];
  /** Futures read the venue's trades from the last recorded one on each symbol: the window reaches back to it. */
  futures: boolean;
  /** How far before its start the window opens: at least the overlap trades are re-read with, plus clock skew. */
  marginMs: number;
};

// Parameters: ?1 the portfolio, ?2 the margin, ?3… the symbols (a portfolio has at most 8), then the statement's own.
const symbolParam = (index: number) => `?${index + 3}`;

/** Each symbol's window start (null when it has neither an open order nor, for futures, a recorded trade). */
function windowsCte(window: TradeWindow): string {
  const rows = window.symbols.map((_, i) => {
    const symbol = symbolParam(i);
    const lastTrade = window.futures
      ? `UNION ALL SELECT MAX("time") FROM "portfolio_fills" WHERE "portfolio_id" = ?1 AND "symbol" = ${symbol}`
      : "";
    return `SELECT ${symbol} AS "symbol", MIN("at") - ?2 AS "at" FROM (
      SELECT MIN(COALESCE("sent_at", "created_at")) AS "at" FROM "portfolio_orders"
       WHERE "portfolio_id" = ?1 AND "symbol" = ${symbol} AND "fills_complete" = 0
         AND ("exchange_order_id" IS NOT NULL OR "status" IN ('sending', 'unknown'))
      ${lastTrade})`;
  });
  return `WITH "windows" AS (${rows.join(" UNION ALL ")})`;
}

const windowStart = (i: number) => `(SELECT "at" FROM "windows" WHERE "symbol" = ${symbolParam(i)})`;

function params(window: TradeWindow): unknown[] {
  return [window.portfolioId, window.marginMs, ...window.symbols];
}

/** The fills recorded in the window, on its symbols. */
export function recordedFillsStatement(d1: D1Database, window: TradeWindow): D1PreparedStatement {
  const arms = window.symbols.map(
    (_, i) => `SELECT ${RECORDED_COLUMNS} FROM "portfolio_fills"
      WHERE "portfolio_id" = ?1 AND "symbol" = ${symbolParam(i)} AND "time" >= ${windowStart(i)}`,
  );
  return d1.prepare(`${windowsCte(window)} ${arms.join(" UNION ALL ")}`).bind(...params(window));
}

/**
 * The orders recording is handed, which it must see as they are booked: by id, or every order of one run (a review's
 * reconcile, whose read goes ahead of it with the run's orders).
 */
export type Handed = string[] | { runId: string };

/** Orders of ours on the window's symbols that the venue knows: the open ones, those updated in the window, and `handed`. */
export function bookedOrdersStatement(d1: D1Database, window: TradeWindow, handed: Handed): D1PreparedStatement {
  const symbols = window.symbols.map((_, i) => symbolParam(i)).join(", ");
  const booked = `SELECT ${BOOKED_COLUMNS} FROM "portfolio_orders" WHERE "portfolio_id" = ?1 AND "exchange_order_id" IS NOT NULL`;
  const updated = window.symbols.map(
    (_, i) => `${booked} AND "symbol" = ${symbolParam(i)} AND "updated_at" >= ${windowStart(i)}`,
  );
  const param = `?${window.symbols.length + 3}`;
  const byRun = !Array.isArray(handed);
  const sql = [
    `${booked} AND "symbol" IN (${symbols}) AND "fills_complete" = 0`,
    ...updated,
    `${booked} AND "symbol" IN (${symbols}) AND ${byRun ? `"run_id" = ${param}` : `"id" IN (SELECT "value" FROM json_each(${param}))`}`,
  ].join(" UNION ");
  return d1
    .prepare(`${windowsCte(window)} ${sql}`)
    .bind(...params(window), byRun ? handed.runId : JSON.stringify(handed));
}

/**
 * The latest filled entry with SL or TP on each side of each symbol, however old: a trade no order of ours made is
 * judged against it (engine/notifications.ts `triggeredStop`).
 */
export function stopEntriesStatement(d1: D1Database, portfolioId: string, symbols: string[]): D1PreparedStatement {
  const arms = symbols.flatMap((_, i) =>
    ["buy", "sell"].map(
      (side) => `SELECT * FROM (SELECT ${BOOKED_COLUMNS} FROM "portfolio_orders"
        WHERE "portfolio_id" = ?1 AND "symbol" = ?${i + 2} AND "side" = '${side}' AND "exchange_order_id" IS NOT NULL
          AND (COALESCE("stop_loss", '') <> '' OR COALESCE("take_profit", '') <> '')
          AND CAST("filled_quantity" AS REAL) > 0
        ORDER BY "created_at" DESC LIMIT 1)`,
    ),
  );
  return d1.prepare(arms.join(" UNION ALL ")).bind(portfolioId, ...symbols);
}

/** Marks orders whose trades are all recorded (in the batch that records the last of them). */
export function fillsCompleteStatement(d1: D1Database, orderIds: string[]): D1PreparedStatement {
  return d1
    .prepare(`UPDATE "portfolio_orders" SET "fills_complete" = 1 WHERE "id" IN (SELECT "value" FROM json_each(?))`)
    .bind(JSON.stringify(orderIds));
}

export function readBookedOrders(result: D1Result<unknown> | undefined): BookedOrder[] {
  return readRows(portfolioOrders, result);
}

export function readRecordedFills(result: D1Result<unknown> | undefined): RecordedFill[] {
  return readRows(portfolioFills, result);
}
