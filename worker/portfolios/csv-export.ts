import type { OrderListQuery } from "../../shared/api/portfolio-orders.ts";
import type { Database } from "../db/client.ts";
import { listFillRows, listOrderRows } from "./order-store.ts";
import { ownedPortfolio } from "./store.ts";

/**
 * CSV exports of a portfolio's orders and fills (RFC 4180, newest first, at most EXPORT_MAX_ROWS rows). Text that a
 * spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a quote mark; numbers are decimal strings.
 */

export const EXPORT_MAX_ROWS = 20_000;
const PAGE = 500;

function cell(value: string | number | boolean | null, text = false): string {
  if (value === null) return "";
  let out = String(value);
  if (text && /^[=+\-@\t\r]/.test(out)) out = `'${out}`;
  return /[",\r\n]/.test(out) ? `"${out.replaceAll('"', '""')}"` : out;
}

function csv(header: string[], rows: string[][]): string {
  return [header.join(","), ...rows.map((r) => r.join(","))].join("\r\n").concat("\r\n");
}

async function collect<T>(page: (cursor: string | undefined) => Promise<{ rows: T[]; nextCursor: string | null }>) {
  const all: T[] = [];
  let cursor: string | undefined;
  while (all.length < EXPORT_MAX_ROWS) {
    const { rows, nextCursor } = await page(cursor);
    all.push(...rows);
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return all.slice(0, EXPORT_MAX_ROWS);
}

export async function ordersCsv(db: Database, userId: string, id: string, status?: OrderListQuery["status"]) {
  await ownedPortfolio(db, userId, id);
  const rows = await collect((cursor) => listOrderRows(db, id, { status, limit: PAGE, cursor }));
  const header = [
    "created_at",
    "client_order_id",
    "run_id",
    "venue",
    "paper",
    "market",
    "symbol",
    "action",
    "side",
    "type",
    "quantity",
    "price",
    "status",
    "filled_quantity",
    "average_price",
    "notional_usd",
    "reduce_only",
    "reason",
  ];
  return csv(
    header,
    rows.map((o) => [
      cell(o.createdAt.toISOString()),
      cell(o.clientOrderId, true),
      cell(o.runId),
      cell(o.venue),
      cell(o.paper),
      cell(o.market),
      cell(o.symbol, true),
      cell(o.action, true),
      cell(o.side),
      cell(o.type),
      cell(o.quantity),
      cell(o.price),
      cell(o.status),
      cell(o.filledQuantity),
      cell(o.averagePrice),
      cell(o.notionalUsd),
      cell(o.reduceOnly),
      cell(o.reason, true),
    ]),
  );
}

export async function fillsCsv(db: Database, userId: string, id: string) {
  await ownedPortfolio(db, userId, id);
  const rows = await collect((cursor) => listFillRows(db, id, { limit: PAGE, cursor }));
  const header = [
    "time",
    "symbol",
    "side",
    "price",
    "quantity",
    "fee",
    "fee_asset",
    "maker",
    "client_order_id",
    "trade_id",
  ];
  return csv(
    header,
    rows.map((f) => [
      cell(f.time.toISOString()),
      cell(f.symbol, true),
      cell(f.side),
      cell(f.price),
      cell(f.quantity),
      cell(f.fee),
      cell(f.feeAsset, true),
      cell(f.maker),
      cell(f.clientOrderId, true),
      cell(f.tradeId, true),
    ]),
  );
}
