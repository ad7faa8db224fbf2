import type { FillListQuery, OrderListQuery } from "../../shared/api/portfolio-orders.ts";
import type { RunDetail } from "../../shared/api/portfolio-runs.ts";
import type { Database } from "../db/client.ts";
import { listFillRows, listOrderRows, ordersOfRun, toFillView, toOrderView } from "./order-store.ts";
import { listRunRows, runById, runSummaries, toRunDetail } from "./run-store.ts";
import { ownedPortfolio } from "./store.ts";

/** What a portfolio did, read for its owner: runs with their orders, one run in full, orders and fills. */

export async function listRuns(db: Database, userId: string, id: string, query: { limit: number; cursor?: string }) {
  await ownedPortfolio(db, userId, id);
  const { rows, nextCursor } = await listRunRows(db, id, query);
  return { runs: await runSummaries(db, rows), nextCursor };
}

export async function getRun(db: Database, userId: string, id: string, runId: string): Promise<RunDetail> {
  await ownedPortfolio(db, userId, id);
  const run = await runById(db, id, runId);
  return toRunDetail(run, await ordersOfRun(db, run.id));
}

export async function listOrders(db: Database, userId: string, id: string, query: OrderListQuery) {
  await ownedPortfolio(db, userId, id);
  const { rows, nextCursor } = await listOrderRows(db, id, query);
  return { orders: rows.map(toOrderView), nextCursor };
}

export async function listFills(db: Database, userId: string, id: string, query: FillListQuery) {
  await ownedPortfolio(db, userId, id);
  const { rows, nextCursor } = await listFillRows(db, id, query);
  return { fills: rows.map(toFillView), nextCursor };
}
