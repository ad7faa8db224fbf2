import Big from "big.js";
import { and, eq, inArray, max } from "drizzle-orm";
import type { RunNote } from "../../../shared/api/portfolio-runs.ts";
import { portfolioFills, portfolioOrders, portfolios } from "../../db/schema.ts";
import type { ExchangeGateway, Fill, Order } from "../../exchanges/contract.ts";
import { isExchangeError } from "../../exchanges/errors.ts";
import { protectEntry } from "../../exchanges/futures.ts";
import { ApiError } from "../../http/api-error.ts";
import { isPortfolioOrder } from "../client-order-ids.ts";
import { applyFill, readLedger } from "../ledger.ts";
import {
  insertFillsStatement,
  liveOrders,
  type OrderRow,
  ordersWithPendingStops,
  updateOrderStatement,
} from "../order-store.ts";
import type { PortfolioRow } from "../store.ts";
import { gatewayMarket, portfolioSymbols } from "../validation.ts";
import { type Brokers, brokers } from "./broker.ts";
import type { EngineServices } from "./engine-services.ts";

/**
 * Keeping Ballast's records in step with the exchange: order statuses from the broker that placed them, every trade
 * recorded once (unique trade id) together with its move of the ledger (one D1 batch, so a fill is never counted
 * twice or lost), pending SL/TP placed once an entry fills, and orders whose outcome was unknown looked up by client
 * order id (never resent). Futures also record trades on the portfolio's contracts that no order of ours made, such
 * as venue-triggered stop-losses, so the ledger follows the position.
 */

/** An order the venue never confirmed and still does not know after this long never reached it. */
export const UNKNOWN_GIVE_UP_MS = 10 * 60_000;
/** Trades are re-read with this overlap; recorded trade ids are skipped. */
const TRADE_OVERLAP_MS = 5 * 60_000;

export type SyncContext = {
  services: EngineServices;
  row: PortfolioRow;
  brokers: Brokers;
  notes: RunNote[];
};

const FINAL = new Set(["filled", "canceled", "expired", "rejected", "failed"]);

/** The order row's new columns from the venue's view of it. */
function fromVenue(order: OrderRow, venue: Order, now: Date): Partial<OrderRow> {
  const status = venue.status === "rejected" ? "failed" : venue.status;
  return {
    status,
    exchangeOrderId: venue.exchangeOrderId,
    filledQuantity: venue.filledQuantity,
    averagePrice: venue.averagePrice,
    reason: status === "failed" && !order.reason ? "The venue rejected the order." : order.reason,
    // A canceled entry with nothing filled has no position to protect.
    stopsStatus:
      order.stopsStatus === "pending" && FINAL.has(status) && Big(venue.filledQuantity).eq(0)
        ? "none"
        : order.stopsStatus,
    updatedAt: now,
  };
}

/**
 * Brings orders up to date from the venue. Returns the updated rows. Orders the venue does not know stay `unknown`
 * until UNKNOWN_GIVE_UP_MS after they were sent, then fail with the reason.
 */
export async function refreshOrders(context: SyncContext, orders: OrderRow[]): Promise<OrderRow[]> {
  const { services } = context;
  const now = services.now();
  const updated: OrderRow[] = [];
  for (const order of orders) {
    const broker = await context.brokers.forOrder(order);
    const venue = await broker.getOrder(order.market, order.symbol, order.clientOrderId);
    let changes: Partial<OrderRow>;
    if (venue) changes = fromVenue(order, venue, now);
    else if (order.status === "sending" || order.status === "unknown") {
      const age = now.getTime() - (order.sentAt ?? order.createdAt).getTime();
      changes =
        age > UNKNOWN_GIVE_UP_MS
          ? {
              status: "failed",
              reason: "The venue never confirmed this order and has no order with its client id: it was not placed.",
              updatedAt: now,
            }
          : {
              status: "unknown",
              reason: "Waiting for the venue to confirm (looked up by client order id).",
              updatedAt: now,
            };
    } else {
      changes = { status: "expired", reason: "The venue no longer has this order.", updatedAt: now };
    }
    await updateOrderStatement(services.db, order.id, changes);
    updated.push({ ...order, ...changes });
  }
  return updated;
}

/** Cancels an order through the broker that placed it; "already gone" answers are resolved with getOrder. */
export async function cancelTracked(context: SyncContext, order: OrderRow, reason: string): Promise<OrderRow> {
  const broker = await context.brokers.forOrder(order);
  const now = context.services.now();
  let venue: Order | null;
  try {
    venue = await broker.cancelOrder(order.market, order.symbol, order.clientOrderId);
  } catch (error) {
    if (!isExchangeError(error, "order_not_found")) throw error;
    // Filled (or canceled) before our cancel arrived: the venue's order tells which, and a fill is recorded.
    venue = await broker.getOrder(order.market, order.symbol, order.clientOrderId);
  }
  const changes = venue
    ? { ...fromVenue(order, venue, now), reason: venue.status === "canceled" ? reason : order.reason }
    : { status: "expired" as const, reason: "The venue no longer has this order.", updatedAt: now };
  await updateOrderStatement(context.services.db, order.id, changes);
  return { ...order, ...changes };
}

/**
 * Cancels what earlier runs left open (not filled within the interval), and any open order on the venue that carries
 * the portfolio's prefix but is not among its live records (left by a crash or a restore). `keepRunId` spares the
 * current run's orders; null cancels all. Answers what was canceled.
 */
export async function cancelLeftovers(
  context: SyncContext,
  keepRunId: string | null,
  reason: string,
): Promise<{ symbol: string; clientOrderId: string }[]> {
  const { row } = context;
  const all = await liveOrders(context.services.db, row.id);
  const live = all.filter((o) => keepRunId === null || o.runId !== keepRunId);
  const touched: OrderRow[] = [];
  const canceled: { symbol: string; clientOrderId: string }[] = [];
  for (const order of live) {
    let current: OrderRow | undefined = order;
    if (order.status === "sending" || order.status === "unknown") [current] = await refreshOrders(context, [order]);
    if (!current) continue;
    if (current.status === "open" || current.status === "partially_filled") {
      current = await cancelTracked(context, current, reason);
      if (current.status === "canceled") {
        canceled.push({ symbol: current.symbol, clientOrderId: current.clientOrderId });
        context.notes.push({ kind: "cancel", symbol: current.symbol, message: `${current.clientOrderId}: ${reason}` });
      }
    }
    touched.push(current);
  }
  // The current run's orders are known too: only orders nobody tracks are strays.
  const known = new Set(all.map((o) => o.clientOrderId));
  const broker = await context.brokers.current();
  const market = gatewayMarket(row.market);
  for (const symbol of portfolioSymbols(row)) {
    for (const stray of await broker.openOrders(market, symbol)) {
      if (!isPortfolioOrder(row.id, stray.clientOrderId) || known.has(stray.clientOrderId)) continue;
      try {
        await broker.cancelOrder(market, symbol, stray.clientOrderId);
        canceled.push({ symbol, clientOrderId: stray.clientOrderId });
        context.notes.push({
          kind: "cancel",
          symbol,
          message: `${stray.clientOrderId}: open on the venue with this portfolio's prefix but not in its records; canceled.`,
        });
      } catch (error) {
        if (!isExchangeError(error, "order_not_found")) throw error;
      }
    }
  }
  await recordTrades(context, touched);
  return canceled;
}

/** Places SL/TP of filled entries that still wait for them; a failure keeps them pending with the reason. */
export async function protectFilledEntries(context: SyncContext): Promise<void> {
  const pending = await ordersWithPendingStops(context.services.db, context.row.id);
  for (const order of pending) {
    if (Big(order.filledQuantity).lte(0) || !order.exchangeOrderId) continue;
    await protectOrder(context, await context.brokers.forOrder(order), order, venueOrderOf(order));
  }
}

/**
 * SL/TP for one filled (or partly filled) entry, saved on the order: placed, or still pending with the venue's
 * reason (retried by every sync). Only opening orders carry them: a buy opens a long, a sell a short.
 */
export async function protectOrder(context: SyncContext, broker: ExchangeGateway, order: OrderRow, venue: Order) {
  const result = await protectEntry(broker, venue, {
    symbol: order.symbol,
    side: order.side === "buy" ? "long" : "short",
    positionSide: order.positionSide,
    stopLoss: order.stopLoss,
    takeProfit: order.takeProfit,
    clientIdPrefix: order.clientOrderId.slice(0, 28),
  });
  await updateOrderStatement(context.services.db, order.id, {
    stopsStatus: result.stopsPending ? "pending" : "placed",
    stopsError: result.stopsError,
    updatedAt: context.services.now(),
  });
  if (result.stopsError)
    context.notes.push({
      kind: "stops",
      symbol: order.symbol,
      message: `The entry filled but its SL/TP could not be placed yet (retried at every sync): ${result.stopsError}`,
    });
}

function venueOrderOf(order: OrderRow): Order {
  return {
    venue: order.venue,
    market: order.market,
    symbol: order.symbol,
    clientOrderId: order.clientOrderId,
    exchangeOrderId: order.exchangeOrderId ?? "",
    side: order.side,
    type: order.type,
    status: order.status === "partially_filled" ? "partially_filled" : order.status === "filled" ? "filled" : "open",
    price: order.price,
    quantity: order.quantity,
    filledQuantity: order.filledQuantity,
    averagePrice: order.averagePrice,
    fees: [],
    reduceOnly: order.reduceOnly,
    positionSide: order.positionSide,
    createdAt: order.createdAt.getTime(),
    updatedAt: order.updatedAt.getTime(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Trades and the ledger

/**
 * Records the trades of `orders` not recorded yet (and, for futures, every other trade on the portfolio's
 * contracts) and moves the ledger, all in one batch. A trade is recorded once per symbol and trade id, whichever way
 * it was first seen. A final order whose trades the venue does not list in full gets one remainder fill at its average
 * price, after which its later trades are ignored (never counted twice).
 */
export async function recordTrades(context: SyncContext, orders: OrderRow[]): Promise<void> {
  const { row, services } = context;
  const futures = row.market === "futures";
  const symbols = new Set(orders.filter((o) => Big(o.filledQuantity).gt(0)).map((o) => o.symbol));
  if (futures) for (const symbol of portfolioSymbols(row)) symbols.add(symbol);
  if (symbols.size === 0) return;

  const db = services.db;
  const portfolio = await db.select().from(portfolios).where(eq(portfolios.id, row.id)).get();
  let ledger = readLedger(portfolio?.ledger ?? null);
  if (!portfolio || !ledger) return;
  const fills: FillInsert[] = [];
  for (const symbol of symbols) {
    const recorded = await db
      .select()
      .from(portfolioFills)
      .where(and(eq(portfolioFills.portfolioId, row.id), eq(portfolioFills.symbol, symbol)));
    const ours = await db
      .select()
      .from(portfolioOrders)
      .where(and(eq(portfolioOrders.portfolioId, row.id), eq(portfolioOrders.symbol, symbol)));
    const needing = ours.filter((o) => o.exchangeOrderId && Big(o.filledQuantity).gt(counted(o, recorded)));
    if (needing.length === 0 && !futures) continue;
    const since = await tradesSince(context, symbol, needing);
    // Trades come from the broker that made them: paper and live orders never share a trade list.
    const flags = new Set(needing.map((o) => o.paper));
    if (futures) flags.add(row.paper);
    const trades: Fill[] = [];
    for (const paper of flags) {
      const broker = await context.brokers.forOrder({ paper });
      trades.push(...(await readTrades(broker, gatewayMarket(row.market), symbol, since)));
    }
    for (const fill of pickTrades({ row, trades, ours, needing, recorded, futures })) {
      fills.push(fill);
      ledger = applyFill(ledger, ledgerFillOf(row, fill, ours));
    }
  }
  if (fills.length === 0) return;
  await db.batch([
    insertFillsStatement(db, fills),
    db
      .update(portfolios)
      .set({ ledger: JSON.stringify(ledger) })
      .where(eq(portfolios.id, row.id)),
  ]);
}

type FillInsert = typeof portfolioFills.$inferInsert;

/** Quantity already recorded for an order: its own fills and trades first seen before the order was identified. */
function counted(order: OrderRow, recorded: FillInsert[]): Big {
  return recorded
    .filter((f) => f.orderId === order.id || (order.exchangeOrderId && f.exchangeOrderId === order.exchangeOrderId))
    .reduce((sum, f) => sum.plus(f.quantity), Big(0));
}

/**
 * From where trades are read: back to the earliest order still missing trades, or for futures from the last
 * recorded trade (the venue may have triggered a stop since), never before the portfolio started.
 */
async function tradesSince(context: SyncContext, symbol: string, needing: OrderRow[]): Promise<number> {
  const { row, services } = context;
  const started = row.startedAt?.getTime() ?? 0;
  const sent = needing.map((o) => (o.sentAt ?? o.createdAt).getTime() - TRADE_OVERLAP_MS);
  if (row.market !== "futures") return Math.max(started, Math.min(...sent));
  const [last] = await services.db
    .select({ at: max(portfolioFills.time) })
    .from(portfolioFills)
    .where(and(eq(portfolioFills.portfolioId, row.id), eq(portfolioFills.symbol, symbol)));
  const watermark = last?.at ? last.at.getTime() - TRADE_OVERLAP_MS : started;
  return Math.max(started, Math.min(watermark, ...sent));
}

async function readTrades(broker: ExchangeGateway, market: "spot" | "linear", symbol: string, since: number) {
  try {
    return await broker.fills(market, symbol, since);
  } catch (error) {
    // No trade list right now: the orders' own fill totals are used once they are final (remainder fills).
    if (isExchangeError(error) && error.retryable) return [];
    throw error;
  }
}

type TradePick = {
  row: PortfolioRow;
  trades: Fill[];
  ours: OrderRow[];
  needing: OrderRow[];
  recorded: FillInsert[];
  futures: boolean;
};

function pickTrades(input: TradePick): FillInsert[] {
  const { row, trades, ours, recorded } = input;
  const seen = new Set(recorded.map((f) => f.tradeId));
  const byExchangeId = new Map(ours.filter((o) => o.exchangeOrderId).map((o) => [o.exchangeOrderId as string, o]));
  const closedOut = new Set(recorded.filter((f) => f.tradeId.endsWith(":rest")).map((f) => f.orderId));
  const out: FillInsert[] = [];
  const startedAt = row.startedAt?.getTime() ?? 0;
  for (const trade of trades) {
    if (trade.time < startedAt || seen.has(trade.tradeId)) continue;
    const order = byExchangeId.get(trade.exchangeOrderId);
    // Spot trades that no order of ours made are the owner's own, not the portfolio's.
    if (!order && !input.futures) continue;
    if (order && closedOut.has(order.id)) continue;
    seen.add(trade.tradeId);
    out.push({
      id: crypto.randomUUID(),
      portfolioId: row.id,
      orderId: order?.id ?? "external",
      clientOrderId: order?.clientOrderId ?? trade.clientOrderId ?? "",
      exchangeOrderId: trade.exchangeOrderId,
      tradeId: trade.tradeId,
      symbol: trade.symbol,
      side: trade.side,
      price: trade.price,
      quantity: trade.quantity,
      fee: trade.fee,
      feeAsset: trade.feeAsset,
      maker: trade.maker,
      time: new Date(trade.time),
    });
  }
  // Final orders whose listed trades fall short of their filled quantity: one remainder at the average price.
  for (const order of input.needing) {
    if (!FINAL.has(order.status) || closedOut.has(order.id) || !order.averagePrice) continue;
    const missing = Big(order.filledQuantity).minus(counted(order, [...recorded, ...out]));
    if (missing.lte(0)) continue;
    out.push({
      id: crypto.randomUUID(),
      portfolioId: row.id,
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      exchangeOrderId: order.exchangeOrderId ?? "",
      tradeId: `${order.exchangeOrderId ?? order.id}:rest`,
      symbol: order.symbol,
      side: order.side,
      price: order.averagePrice,
      quantity: missing.toFixed(),
      fee: "0",
      feeAsset: row.market === "futures" ? "USDT" : row.cashToken,
      maker: order.type === "limit",
      time: order.updatedAt,
    });
  }
  return out;
}

function ledgerFillOf(row: PortfolioRow, fill: FillInsert, ours: OrderRow[]) {
  const order = ours.find((o) => o.id === fill.orderId);
  const base = fill.symbol.slice(0, fill.symbol.length - (row.market === "futures" ? 4 : row.cashToken.length));
  return {
    symbol: fill.symbol,
    base,
    quote: row.market === "futures" ? "USDT" : row.cashToken,
    side: fill.side,
    positionSide: order?.positionSide ?? externalPositionSide(row, fill),
    price: fill.price,
    quantity: fill.quantity,
    fee: fill.fee,
    feeAsset: fill.feeAsset,
  };
}

/** A trade no order of ours made (a venue-triggered SL/TP): in hedge mode a sell closes the long, a buy the short. */
function externalPositionSide(row: PortfolioRow, fill: FillInsert): "both" | "long" | "short" {
  if (row.positionMode !== "hedge") return "both";
  return fill.side === "sell" ? "long" : "short";
}

/** Every portfolio that has orders the venue may still change, for the cron sync. */
export async function portfoliosWithLiveOrders(services: Pick<EngineServices, "db">): Promise<string[]> {
  const rows = await services.db
    .selectDistinct({ id: portfolioOrders.portfolioId })
    .from(portfolioOrders)
    .where(inArray(portfolioOrders.status, ["sending", "open", "partially_filled", "unknown"]));
  return rows.map((r) => r.id);
}

/**
 * The cron's sync of one portfolio: live orders refreshed, new trades recorded (for futures also venue-triggered
 * SL/TP), pending SL/TP placed, and open orders of a portfolio that no longer runs canceled. A key that is gone
 * leaves nothing to sync.
 */
export async function syncPortfolio(services: EngineServices, portfolioId: string): Promise<{ refreshed: number }> {
  const row = (await services.db.select().from(portfolios).where(eq(portfolios.id, portfolioId)).get()) ?? null;
  if (!row?.ledger) return { refreshed: 0 };
  const context: SyncContext = { services, row, brokers: brokers(services, row), notes: [] };
  try {
    const live = await liveOrders(services.db, row.id);
    const refreshed = await refreshOrders(context, live);
    if (row.status !== "active") {
      for (const order of refreshed)
        if (order.status === "open" || order.status === "partially_filled")
          await cancelTracked(context, order, "Canceled: the portfolio is not running.");
    }
    await recordTrades(context, refreshed);
    if (row.status === "active") await protectFilledEntries(context);
    return { refreshed: live.length };
  } catch (error) {
    if (error instanceof ApiError && (error.code === "not_found" || error.code === "key_unverified"))
      return { refreshed: 0 };
    throw error;
  }
}
