import Big from "big.js";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import { DEFAULT_PAPER_CAPITAL, type Portfolio, type PortfolioActionResult } from "../../../shared/api/portfolios.ts";
import { withExchangeErrors } from "../../accounts/exchange-error-response.ts";
import { saveAll } from "../../db/rows.ts";
import { exchangeKeys, portfolioOrders, portfolioRuns, portfolios } from "../../db/schema.ts";
import { venueName } from "../../exchanges/http.ts";
import { ApiError } from "../../http/api-error.ts";
import { portfolioClientOrderId } from "../client-order-ids.ts";
import { reasonColumns, statusReasonColumns } from "../engine-text-columns.ts";
import { insertEquityStatement } from "../equity-store.ts";
import { insertOrderStatements, type OrderRow, orderById } from "../order-store.ts";
import { transition } from "../status.ts";
import { activePortfoliosOfKey, configOf, ownedPortfolio, type PortfolioRow, toPortfolioView } from "../store.ts";
import { checkExclusive, checkMarkets, checkShape, portfolioSymbols } from "../validation.ts";
import { brokers, ensurePaperAccount } from "./broker.ts";
import { claimLedger } from "./claim.ts";
import type { EngineServices } from "./engine-services.ts";
import {
  cancelLeftovers,
  cancelTracked,
  liveOrdersOf,
  recordTrades,
  type Saves,
  type SyncContext,
} from "./order-sync.ts";
import { sendOrder } from "./placement.ts";

/**
 * The owner's controls, carried out inside the portfolio's Durable Object so they never interleave with a review's
 * orders: start (validate, claim the ledger, record the starting equity), stop (cancel its open orders), the kill
 * switch (also close its futures positions reduce-only, as tracked orders), delete, cancel one order.
 */

function syncContext(services: EngineServices, row: PortfolioRow): SyncContext {
  return { services, row, brokers: brokers(services, row), notes: [] };
}

/** Turns "no such key" into the message an owner can act on. */
function keyProblem(error: unknown): never {
  if (error instanceof ApiError && error.code === "not_found")
    throw new ApiError(
      "not_found",
      "The portfolio's exchange key no longer exists; create a portfolio on another key.",
    );
  throw error;
}

/** A live portfolio needs a key that may trade its market; paper portfolios only read prices. */
async function checkTradingRights(services: EngineServices, row: PortfolioRow): Promise<void> {
  if (row.paper) return;
  const key = await services.db.select().from(exchangeKeys).where(eq(exchangeKeys.id, row.exchangeKeyId)).get();
  if (!key) keyProblem(new ApiError("not_found", "No such exchange key."));
  const allowed = row.market === "spot" ? key.spot : key.futures;
  if (allowed === false || key.canTrade === false)
    throw new ApiError(
      "conflict",
      `The key "${key.label}" cannot trade ${row.market} on ${venueName(row.venue)}. Enable ${row.market === "spot" ? "spot trading" : "futures (Contract) trading"} on the key and replace it, or run this portfolio as paper.`,
    );
}

export async function startPortfolio(services: EngineServices, userId: string, id: string): Promise<Portfolio> {
  const row = await ownedPortfolio(services.db, userId, id);
  const status = transition("start", row.status);
  const config = configOf(row);
  checkShape(config);
  await checkTradingRights(services, row);
  checkExclusive(config, row.id, await activePortfoliosOfKey(services.db, row.exchangeKeyId));
  if (row.paper) await ensurePaperAccount(services, row, row.paperCapital ?? DEFAULT_PAPER_CAPITAL);
  const broker = await brokers(services, row)
    .current()
    .catch((error: unknown) => keyProblem(error));
  // Paper portfolios have their own virtual account; live ones share the key's balances with its other portfolios.
  const others = row.paper ? [] : await claimingPortfolios(services, row);
  const claim = await withExchangeErrors(async () => {
    await checkMarkets(broker, config);
    return claimLedger(broker, row, others);
  });
  const now = services.now();
  // The write itself re-checks exclusivity: two portfolios of a key are two objects, so only the database can
  // arbitrate between starts that race each other (SQLite applies one write at a time).
  const [updated] = await services.db
    .update(portfolios)
    .set({
      status,
      statusReason: null,
      startingEquity: claim.equity,
      startedAt: now,
      ledger: JSON.stringify(claim.ledger),
      equity: claim.equity,
      equityAt: now,
      peakEquity: claim.equity,
      failedRunsInARow: 0,
      updatedAt: now,
    })
    .where(and(eq(portfolios.id, row.id), noRunningPortfolioShares(row)))
    .returning();
  if (!updated) {
    checkExclusive(config, row.id, await activePortfoliosOfKey(services.db, row.exchangeKeyId));
    throw new ApiError("conflict", "Another portfolio of this key started with one of these tokens; try again.");
  }
  await insertEquityStatement(services.db, {
    portfolioId: row.id,
    at: now,
    equity: claim.equity,
    pnl: "0",
    runId: null,
  });
  return toPortfolioView(updated);
}

/** True when no other running portfolio of the key and market holds one of this portfolio's tokens. */
function noRunningPortfolioShares(row: PortfolioRow) {
  return sql`NOT EXISTS (
    SELECT 1 FROM portfolios AS other, json_each(other.tokens) AS theirs
    WHERE other.exchange_key_id = ${row.exchangeKeyId} AND other.status = 'active' AND other.id <> ${row.id}
      AND other.market = ${row.market}
      AND json_extract(theirs.value, '$.token') IN (
        SELECT json_extract(mine.value, '$.token') FROM json_each(${row.tokens}) AS mine
      )
  )`;
}

/** Running or paused portfolios of the same key (not paper): what they claimed is not this one's. */
async function claimingPortfolios(services: EngineServices, row: PortfolioRow): Promise<PortfolioRow[]> {
  return services.db
    .select()
    .from(portfolios)
    .where(
      and(
        eq(portfolios.exchangeKeyId, row.exchangeKeyId),
        inArray(portfolios.status, ["active", "paused"]),
        eq(portfolios.paper, false),
        ne(portfolios.id, row.id),
      ),
    );
}

/**
 * Stop is saved before anything else, so a review in progress sends nothing more (it checks before every order);
 * then the open orders are canceled. Repeating it cancels whatever an earlier attempt could not.
 */
export async function markStopped(services: EngineServices, userId: string, id: string, action: "stop" | "kill") {
  const row = await ownedPortfolio(services.db, userId, id);
  const status = transition(action, row.status);
  const now = services.now();
  const [stopped] = await services.db
    .update(portfolios)
    .set({
      status,
      ...(action === "kill"
        ? statusReasonColumns(engineText("kill_switch", {}, "kill switch"))
        : { statusReason: null, statusMessageCode: null, statusMessageParams: null }),
      statusReasonCode: action === "kill" ? "kill_switch" : null,
      nextRunAt: null,
      updatedAt: now,
    })
    .where(eq(portfolios.id, row.id))
    .returning();
  return stopped ?? row;
}

export async function cancelForStop(
  services: EngineServices,
  row: PortfolioRow,
  why: "stopped" | "killed" | "deleted",
): Promise<PortfolioActionResult["canceledOrders"]> {
  await rejectPendingApprovals(
    services,
    row.id,
    engineText("order_not_placed_stop", { stopKind: why }, `Not placed: the portfolio was ${why}.`),
  );
  if (!row.ledger && !(await hasOrders(services, row.id))) return [];
  const context = syncContext(services, row);
  const saves: Saves = [];
  try {
    const live = await liveOrdersOf(services, row.id);
    const canceled = await withExchangeErrors(() =>
      cancelLeftovers(
        context,
        live,
        null,
        engineText("order_canceled_stop", { stopKind: why }, `Canceled: the portfolio was ${why}.`),
        saves,
      ),
    );
    await saveAll(services.db.$client, saves);
    return canceled;
  } catch (error) {
    // No key left to cancel with: nothing of ours can be open on it through Ballast.
    if (error instanceof ApiError && (error.code === "not_found" || error.code === "key_unverified")) return [];
    throw error;
  }
}

async function hasOrders(services: EngineServices, portfolioId: string): Promise<boolean> {
  const row = await services.db
    .select({ id: portfolioOrders.id })
    .from(portfolioOrders)
    .where(eq(portfolioOrders.portfolioId, portfolioId))
    .limit(1)
    .get();
  return Boolean(row);
}

async function rejectPendingApprovals(services: EngineServices, portfolioId: string, reason: EngineText) {
  const now = services.now();
  await services.db.batch([
    services.db
      .update(portfolioOrders)
      .set({ status: "rejected", ...reasonColumns(reason), updatedAt: now })
      .where(and(eq(portfolioOrders.portfolioId, portfolioId), eq(portfolioOrders.status, "pending_approval"))),
    services.db
      .update(portfolioRuns)
      .set({ status: "completed", step: "done", finishedAt: now })
      .where(and(eq(portfolioRuns.portfolioId, portfolioId), eq(portfolioRuns.status, "awaiting_approval"))),
  ]);
}

/**
 * The kill switch's second half: every position on the portfolio's contracts is closed with a reduce-only market
 * order, saved like any other order of the portfolio (so its fill reaches the ledger) before it is sent.
 */
export async function closePositions(
  services: EngineServices,
  row: PortfolioRow,
): Promise<PortfolioActionResult["closedPositions"]> {
  if (row.market !== "futures") return [];
  const context = syncContext(services, row);
  const broker = await context.brokers.current().catch(() => null);
  if (!broker) return [];
  return withExchangeErrors(async () => {
    const own = new Set(portfolioSymbols(row));
    const positions = (await broker.positions()).filter((p) => own.has(p.symbol) && Big(p.size).gt(0));
    const now = services.now();
    const stamp = now.getTime().toString(36);
    const rows = positions.map((position, leg) => ({
      id: crypto.randomUUID(),
      portfolioId: row.id,
      runId: null,
      leg,
      clientOrderId: portfolioClientOrderId(row.id, `k${stamp}-${leg}`),
      venue: row.venue,
      paper: row.paper,
      market: "linear" as const,
      symbol: position.symbol,
      action: "kill",
      side: position.side === "long" ? ("sell" as const) : ("buy" as const),
      type: "market" as const,
      quantity: position.size,
      reduceOnly: true,
      positionSide: position.positionSide,
      status: "planned" as const,
      createdAt: now,
      updatedAt: now,
    }));
    if (rows.length === 0) return [];
    await services.db.$client.batch(insertOrderStatements(services.db.$client, rows));
    const closed: PortfolioActionResult["closedPositions"] = [];
    const sent: OrderRow[] = [];
    for (const planned of rows) {
      const order = await orderById(services.db, row.id, planned.id);
      await sendOrder(context, broker, order);
      const after = await orderById(services.db, row.id, planned.id);
      sent.push(after);
      closed.push({
        symbol: after.symbol,
        positionSide: after.positionSide,
        quantity: after.quantity,
        clientOrderId: after.clientOrderId,
      });
    }
    const saves: Saves = [];
    await recordTrades(context, sent, saves);
    await saveAll(services.db.$client, saves);
    return closed;
  });
}

/** Soft delete: a running portfolio is stopped (orders canceled) first; its history stays. */
export async function deletePortfolio(services: EngineServices, userId: string, id: string): Promise<void> {
  const row = await ownedPortfolio(services.db, userId, id);
  const status = transition("delete", row.status);
  if (row.status === "active" || row.status === "paused") {
    const stopped = await markStopped(services, userId, id, "stop");
    await cancelForStop(services, stopped, "deleted");
  }
  const now = services.now();
  await services.db
    .update(portfolios)
    .set({ status, deletedAt: now, nextRunAt: null, updatedAt: now })
    .where(eq(portfolios.id, row.id));
}

/** The owner cancels one open order of the portfolio (through the broker that placed it). */
export async function cancelOwnOrder(services: EngineServices, userId: string, id: string, orderId: string) {
  const row = await ownedPortfolio(services.db, userId, id);
  const order = await orderById(services.db, id, orderId);
  if (!["open", "partially_filled"].includes(order.status))
    throw new ApiError(
      "conflict",
      `This order is ${order.status.replace("_", " ")}; only open orders can be canceled.`,
    );
  const context = syncContext(services, row);
  const saves: Saves = [];
  const canceled = await withExchangeErrors(() =>
    cancelTracked(context, order, engineText("order_canceled_by_owner", {}, "Canceled by you."), saves),
  );
  await recordTrades(context, [canceled], saves);
  await saveAll(services.db.$client, saves);
  return orderById(services.db, id, orderId);
}
