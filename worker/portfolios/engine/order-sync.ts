import Big from "big.js";
import { inArray } from "drizzle-orm";
import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import type { RunNote } from "../../../shared/api/portfolio-runs.ts";
import { saveAll } from "../../db/rows.ts";
import { type portfolioFills, portfolioOrders } from "../../db/schema.ts";
import type { Balance, ExchangeGateway, Fill, Order } from "../../exchanges/contract.ts";
import { isExchangeError } from "../../exchanges/errors.ts";
import { protectEntry } from "../../exchanges/futures.ts";
import { ApiError } from "../../http/api-error.ts";
import { isPortfolioOrder } from "../client-order-ids.ts";
import { reasonColumns, runNote } from "../engine-text-columns.ts";
import { applyFill, readLedger } from "../ledger.ts";
import {
  insertFillStatements,
  liveOrdersStatement,
  ordersWithPendingStopsStatement,
  orderUpdate,
  readTrackedOrders,
  type TrackedOrder,
} from "../order-store.ts";
import {
  type PortfolioRow,
  portfolioStatement,
  portfolioUpdate,
  portfolioVersionStatement,
  readPortfolioRow,
  readPortfolioVersion,
  storedTokens,
} from "../store.ts";
import {
  type BookedOrder,
  bookedOrdersStatement,
  fillsCompleteStatement,
  type Handed,
  type RecordedFill,
  readBookedOrders,
  readRecordedFills,
  recordedFillsStatement,
  stopEntriesStatement,
  type TradeWindow,
} from "../trade-window.ts";
import { gatewayMarket, portfolioSymbols, symbolOf } from "../validation.ts";
import { type Brokers, brokers } from "./broker.ts";
import type { EngineServices } from "./engine-services.ts";
import { fillStatements, type StopsOfOrder } from "./notifications.ts";
import { type RiskWatchOutcome, watchRisk } from "./risk-watch.ts";

/**
 * Keeping Ballast's records in step with the exchange: order statuses from the broker that placed them, every trade
 * recorded once (unique trade id) together with its move of the ledger (one D1 batch, so a fill is never counted
 * twice or lost), pending SL/TP placed once an entry fills, and orders whose outcome was unknown looked up by client
 * order id (never resent). Futures also record trades on the portfolio's contracts that no order of ours made, such
 * as venue-triggered stop-losses, so the ledger follows the position.
 *
 * What a venue's answer changes is not written at once: order updates, and the trades and ledger recordTrades
 * derives from them, go into `saves`, which the caller writes in one batch (a review step with its journal, so an
 * order's status, its trades and the ledger they move land together). An update lost before that is only a status
 * read again from the venue; what must be saved before a request leaves (an order's intent) is never deferred, and
 * trades are recorded once by their ids whichever batch records them.
 */

/** Statements waiting for one batch (worker/db/rows.ts). */
export type Saves = D1PreparedStatement[];

/** An order the venue never confirmed and still does not know after this long never reached it. */
export const UNKNOWN_GIVE_UP_MS = 10 * 60_000;
/** Trades are re-read with this overlap; recorded trade ids are skipped. */
const TRADE_OVERLAP_MS = 5 * 60_000;
/**
 * How far before its start the record is read (trade-window.ts): the overlap, and as much again for the venue's clock
 * against ours (a venue refuses signed requests more than a minute off its clock, so that is ample).
 */
const WINDOW_MARGIN_MS = 2 * TRADE_OVERLAP_MS;

export type SyncContext = {
  services: EngineServices;
  row: PortfolioRow;
  brokers: Brokers;
  notes: RunNote[];
};

const VENUE_REJECTED = engineText("order_venue_rejected", {}, "The venue rejected the order.");
const NEVER_CONFIRMED = engineText(
  "order_never_confirmed",
  {},
  "The venue never confirmed this order and has no order with its client id: it was not placed.",
);
const AWAITING_CONFIRMATION = engineText(
  "order_awaiting_confirmation",
  {},
  "Waiting for the venue to confirm (looked up by client order id).",
);
const GONE_FROM_VENUE = engineText("order_gone_from_venue", {}, "The venue no longer has this order.");

const FINAL = new Set(["filled", "canceled", "expired", "rejected", "failed"]);

/** A final order with nothing filled has no trade to record: marked so at once, it never holds the window back. */
export function unfilledFinal(status: string, filledQuantity: string): { fillsComplete?: true } {
  return FINAL.has(status) && Big(filledQuantity).eq(0) ? { fillsComplete: true } : {};
}

/** The order row's new columns from the venue's view of it. */
function fromVenue(order: TrackedOrder, venue: Order, now: Date): Partial<TrackedOrder> {
  const status = venue.status === "rejected" ? "failed" : venue.status;
  return {
    status,
    exchangeOrderId: venue.exchangeOrderId,
    filledQuantity: venue.filledQuantity,
    averagePrice: venue.averagePrice,
    ...(status === "failed" && !order.reason ? reasonColumns(VENUE_REJECTED) : {}),
    // A canceled entry with nothing filled has no position to protect. Otherwise SL/TP are left as saved: this
    // update may be written after protectOrder saved them placed.
    ...(order.stopsStatus === "pending" && FINAL.has(status) && Big(venue.filledQuantity).eq(0)
      ? { stopsStatus: "none" as const }
      : {}),
    ...unfilledFinal(status, venue.filledQuantity),
    updatedAt: now,
  };
}

/**
 * Brings orders up to date from the venue. Returns the updated rows, whose updates go into `saves`. Orders the venue
 * does not know stay `unknown` until UNKNOWN_GIVE_UP_MS after they were sent, then fail with the reason.
 */
export async function refreshOrders<T extends TrackedOrder>(
  context: SyncContext,
  orders: T[],
  saves: Saves,
): Promise<T[]> {
  const { services } = context;
  const now = services.now();
  const updated: T[] = [];
  for (const order of orders) {
    const broker = await context.brokers.forOrder(order);
    const venue = await broker.getOrder(order.market, order.symbol, order.clientOrderId);
    let changes: Partial<TrackedOrder>;
    if (venue) changes = fromVenue(order, venue, now);
    else if (order.status === "sending" || order.status === "unknown") {
      const age = now.getTime() - (order.sentAt ?? order.createdAt).getTime();
      changes =
        age > UNKNOWN_GIVE_UP_MS
          ? { status: "failed", ...reasonColumns(NEVER_CONFIRMED), updatedAt: now }
          : { status: "unknown", ...reasonColumns(AWAITING_CONFIRMATION), updatedAt: now };
    } else {
      changes = { status: "expired", ...reasonColumns(GONE_FROM_VENUE), updatedAt: now };
    }
    saves.push(orderUpdate(services.db.$client, order.id, changes));
    updated.push({ ...order, ...changes });
  }
  return updated;
}

/**
 * Cancels an order through the broker that placed it; "already gone" answers are resolved with getOrder. The update
 * goes into `saves`.
 */
export async function cancelTracked<T extends TrackedOrder>(
  context: SyncContext,
  order: T,
  reason: EngineText,
  saves: Saves,
): Promise<T> {
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
    ? { ...fromVenue(order, venue, now), ...(venue.status === "canceled" ? reasonColumns(reason) : {}) }
    : { status: "expired" as const, ...reasonColumns(GONE_FROM_VENUE), updatedAt: now };
  saves.push(orderUpdate(context.services.db.$client, order.id, changes));
  return { ...order, ...changes };
}

/** The portfolio's orders the venue may still change (for cancelLeftovers). */
export async function liveOrdersOf(services: EngineServices, portfolioId: string): Promise<TrackedOrder[]> {
  return readTrackedOrders(await liveOrdersStatement(services.db.$client, portfolioId).all());
}

/**
 * Which of the portfolio's symbols may hold an order of its own that it has no record of: all of them unless the
 * caller knows better (`strayCandidates`), read once its tracked orders are canceled.
 */
export type StraySweep = (broker: ExchangeGateway) => Promise<string[]>;

/**
 * Cancels what earlier runs left open (not filled within the interval), and any open order on the venue that carries
 * the portfolio's prefix but is not among its live records (left by a crash or a restore), on the symbols `sweep`
 * names. `all` are the portfolio's live orders as just read; `keepRunId` spares the current run's; null cancels all.
 * Answers what was canceled, strays last; what it learned goes into `saves`.
 */
export async function cancelLeftovers(
  context: SyncContext,
  all: TrackedOrder[],
  keepRunId: string | null,
  reason: EngineText,
  saves: Saves,
  sweep: StraySweep = async () => portfolioSymbols(context.row),
): Promise<{ symbol: string; clientOrderId: string }[]> {
  const { row } = context;
  const live = all.filter((o) => keepRunId === null || o.runId !== keepRunId);
  const touched: TrackedOrder[] = [];
  const canceled: { symbol: string; clientOrderId: string }[] = [];
  for (const order of live) {
    let current: TrackedOrder | undefined = order;
    if (order.status === "sending" || order.status === "unknown")
      [current] = await refreshOrders(context, [order], saves);
    if (!current) continue;
    if (current.status === "open" || current.status === "partially_filled") {
      current = await cancelTracked(context, current, reason, saves);
      if (current.status === "canceled") {
        canceled.push({ symbol: current.symbol, clientOrderId: current.clientOrderId });
        context.notes.push({
          ...runNote("cancel", current.symbol, reason),
          message: `${current.clientOrderId}: ${reason.text}`,
        });
      }
    }
    touched.push(current);
  }
  // The current run's orders are known too: only orders nobody tracks are strays.
  const known = new Set(all.map((o) => o.clientOrderId));
  const broker = await context.brokers.current();
  const market = gatewayMarket(row.market);
  for (const symbol of await sweep(broker)) {
    for (const stray of await broker.openOrders(market, symbol)) {
      if (!isPortfolioOrder(row.id, stray.clientOrderId) || known.has(stray.clientOrderId)) continue;
      try {
        await broker.cancelOrder(market, symbol, stray.clientOrderId);
        canceled.push({ symbol, clientOrderId: stray.clientOrderId });
        context.notes.push(
          runNote(
            "cancel",
            symbol,
            engineText(
              "note_stray_canceled",
              { clientOrderId: stray.clientOrderId },
              `${stray.clientOrderId}: open on the venue with this portfolio's prefix but not in its records; canceled.`,
            ),
          ),
        );
      } catch (error) {
        if (!isExchangeError(error, "order_not_found")) throw error;
      }
    }
  }
  await recordTrades(context, touched, saves);
  return canceled;
}

/**
 * A spot portfolio's symbols that may hold an open order of its own, by the account's balances: a resting spot order
 * that borrows nothing (Ballast's never do) locks what it may spend, the base asset for a sell and the quote for a
 * buy, so a symbol whose base and quote show nothing locked holds none, strays included.
 */
export function strayCandidates(row: PortfolioRow, balances: Balance[]): string[] {
  const locked = new Set(balances.filter((b) => Big(b.locked).gt(0)).map((b) => b.asset));
  if (locked.has(row.cashToken)) return portfolioSymbols(row);
  return storedTokens(row)
    .filter((t) => locked.has(t.token))
    .map((t) => symbolOf(t.token, row.cashToken));
}

/**
 * Places SL/TP of filled entries that still wait for them (`pending`, as read, with any newer row of the same order
 * in `latest`); a failure keeps them pending with the reason.
 */
export async function protectFilledEntries(
  context: SyncContext,
  pending: TrackedOrder[],
  latest: TrackedOrder[],
): Promise<void> {
  const newer = new Map(latest.map((o) => [o.id, o]));
  for (const read of pending) {
    const order = newer.get(read.id) ?? read;
    if (order.stopsStatus !== "pending") continue;
    if (Big(order.filledQuantity).lte(0) || !order.exchangeOrderId) continue;
    await protectOrder(context, await context.brokers.forOrder(order), order, venueOrderOf(order));
  }
}

/**
 * SL/TP for one filled (or partly filled) entry, saved on the order: placed, or still pending with the venue's
 * reason (retried by every sync). Only opening orders carry them: a buy opens a long, a sell a short.
 */
export async function protectOrder(context: SyncContext, broker: ExchangeGateway, order: TrackedOrder, venue: Order) {
  const result = await protectEntry(broker, venue, {
    symbol: order.symbol,
    side: order.side === "buy" ? "long" : "short",
    positionSide: order.positionSide,
    stopLoss: order.stopLoss,
    takeProfit: order.takeProfit,
    clientIdPrefix: order.clientOrderId.slice(0, 28),
  });
  // Saved at once: SL/TP on the venue that the record does not show would be placed a second time.
  await orderUpdate(context.services.db.$client, order.id, {
    stopsStatus: result.stopsPending ? "pending" : "placed",
    stopsError: result.stopsError,
    updatedAt: context.services.now(),
  }).run();
  if (result.stopsError)
    context.notes.push(
      runNote(
        "stops",
        order.symbol,
        engineText(
          "note_stops_pending",
          { detail: result.stopsError },
          `The entry filled but its SL/TP could not be placed yet (retried at every sync): ${result.stopsError}`,
        ),
      ),
    );
}

function venueOrderOf(order: TrackedOrder): Order {
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
 * contracts) and the ledger they move: the fills and the new ledger go into `saves` together, for the caller's one
 * batch, which must run before the object's lock is let go (the ledger was read under it). `orders` are the latest
 * rows of the orders they name (their updates may still be in `saves`). A trade is recorded once per symbol and trade
 * id, whichever way it was first seen. A final order whose trades the venue does not list in full gets one remainder
 * fill at its average price, after which its later trades are ignored (never counted twice). A final order whose
 * trades are all recorded is marked so, in the same batch: from then on only a recent window of the record is read.
 * `ahead`: what it reads of D1, read with the caller's own reads (recordReadStatements), used when it covers them.
 */
export async function recordTrades(
  context: SyncContext,
  orders: TrackedOrder[],
  saves: Saves,
  ahead?: RecordRead,
): Promise<void> {
  const { row, services } = context;
  const d1 = services.db.$client;
  const futures = row.market === "futures";
  const symbols = new Set(orders.filter((o) => Big(o.filledQuantity).gt(0)).map((o) => o.symbol));
  if (futures) for (const symbol of portfolioSymbols(row)) symbols.add(symbol);
  if (symbols.size === 0) return;

  const list = [...symbols];
  const covered = ahead && list.every((s) => ahead.symbols.includes(s)) && orders.every((o) => o.runId === ahead.runId);
  let read: { ledger: string | null; results: D1Result[] };
  if (covered) read = ahead;
  else {
    // The ledger is read here, under the object's lock, since it is moved by what is read: never from a copy.
    const [portfolioResult, ...results] = await d1.batch([
      portfolioVersionStatement(d1, row.id),
      ...recordReadStatements(
        d1,
        row,
        list,
        orders.map((o) => o.id),
      ),
    ]);
    const raw = portfolioResult?.results?.[0] as Record<string, unknown> | undefined;
    read = { ledger: raw ? readPortfolioVersion(raw).ledger : null, results };
  }
  const [fillsResult, oursResult] = read.results;
  let ledger = readLedger(read.ledger);
  if (!ledger) return;
  const latest = new Map<string, BookedOrder>(orders.map((o) => [o.id, o]));
  // An order the venue has just answered for the first time is not booked in D1 yet: its latest row counts. A mark
  // saved since the caller read its row stands (marks are only ever set). Rows of symbols not recorded here (a read
  // ahead covers them all) are left alone.
  const booked = readBookedOrders(oursResult).filter((o) => symbols.has(o.symbol));
  const known = new Set(booked.map((o) => o.id));
  const allOurs: BookedOrder[] = [
    ...booked.map((o) => {
      const mine = latest.get(o.id);
      return mine ? { ...mine, fillsComplete: mine.fillsComplete || o.fillsComplete } : o;
    }),
    ...orders.filter((o) => !known.has(o.id) && o.exchangeOrderId && symbols.has(o.symbol)),
  ];
  const allRecorded = readRecordedFills(fillsResult).filter((f) => symbols.has(f.symbol));
  const fills: FillInsert[] = [];
  for (const symbol of list) {
    const recorded = allRecorded.filter((f) => f.symbol === symbol);
    const ours = allOurs.filter((o) => o.symbol === symbol);
    // A marked order's fills may lie before the window: it is never counted again.
    const needing = ours.filter(
      (o) => !o.fillsComplete && o.exchangeOrderId && Big(o.filledQuantity).gt(counted(o, recorded)),
    );
    if (needing.length === 0 && !futures) continue;
    const since = tradesSince(row, needing, recorded);
    // Trades come from the broker that made them: paper and live orders never share a trade list.
    const flags = new Set(needing.map((o) => o.paper));
    if (futures) flags.add(row.paper);
    const trades: Fill[] = [];
    for (const paper of flags) {
      const broker = await context.brokers.forOrder({ paper });
      trades.push(...(await readTrades(broker, gatewayMarket(row.market), symbol, since)));
    }
    for (const fill of pickTrades({ row, trades, since, ours, needing, recorded, futures })) {
      fills.push(fill);
      ledger = applyFill(ledger, ledgerFillOf(row, fill, ours));
    }
  }
  const recordedNow = [...allRecorded, ...fills];
  const complete = allOurs.filter(
    (o) => !o.fillsComplete && FINAL.has(o.status) && counted(o, recordedNow).gte(o.filledQuantity),
  );
  if (complete.length > 0)
    saves.push(
      fillsCompleteStatement(
        d1,
        complete.map((o) => o.id),
      ),
    );
  if (fills.length === 0) return;
  const entries = await stopEntries(d1, row.id, fills, allOurs);
  const notify = fillStatements(d1, row, orders, entries, fills, services.now());
  saves.push(
    ...insertFillStatements(d1, fills),
    portfolioUpdate(d1, row.id, { ledger: JSON.stringify(ledger) }),
    ...notify,
  );
  // Delivered once the caller has saved them, when the object's work is done.
  if (notify.length > 0) services.notificationsQueued(row.userId);
}

type FillInsert = typeof portfolioFills.$inferInsert;

/**
 * Recording's reads of D1 sent ahead of it (recordReadStatements), for `symbols` and every order of the run `runId`,
 * with the ledger as it stood then, under the object's lock: used only when nothing has run in between that could
 * have moved either (a review's step, engine/review-run.ts).
 */
export type RecordRead = { symbols: string[]; runId: string; ledger: string | null; results: D1Result[] };

/** What recording trades reads of the record for `symbols`, `handed` among the orders (trade-window.ts). */
export function recordReadStatements(
  d1: D1Database,
  row: PortfolioRow,
  symbols: string[],
  handed: Handed,
): D1PreparedStatement[] {
  const window: TradeWindow = {
    portfolioId: row.id,
    symbols,
    futures: row.market === "futures",
    marginMs: WINDOW_MARGIN_MS,
  };
  return [recordedFillsStatement(d1, window), bookedOrdersStatement(d1, window, handed)];
}

/**
 * The entries a trade no order of ours made is judged against (notifications.ts `triggeredStop`): the latest filled
 * entry with SL/TP on each side of its symbol may be older than the window, so it is read when there is such a trade.
 */
async function stopEntries(
  d1: D1Database,
  portfolioId: string,
  fills: FillInsert[],
  ours: BookedOrder[],
): Promise<StopsOfOrder[]> {
  const symbols = [...new Set(fills.filter((f) => f.orderId === "external").map((f) => f.symbol))];
  if (symbols.length === 0) return ours;
  const known = new Set(ours.map((o) => o.id));
  const older = readBookedOrders(await stopEntriesStatement(d1, portfolioId, symbols).all());
  return [...ours, ...older.filter((o) => !known.has(o.id))];
}

/** Quantity already recorded for an order: its own fills and trades first seen before the order was identified. */
function counted(order: BookedOrder, recorded: Pick<RecordedFill, "orderId" | "exchangeOrderId" | "quantity">[]): Big {
  return recorded
    .filter((f) => f.orderId === order.id || (order.exchangeOrderId && f.exchangeOrderId === order.exchangeOrderId))
    .reduce((sum, f) => sum.plus(f.quantity), Big(0));
}

/**
 * From where trades are read: back to the earliest order still missing trades, or for futures from the last
 * recorded trade on the symbol (the venue may have triggered a stop since), never before the portfolio started.
 */
function tradesSince(row: PortfolioRow, needing: BookedOrder[], recorded: RecordedFill[]): number {
  const started = row.startedAt?.getTime() ?? 0;
  const sent = needing.map((o) => (o.sentAt ?? o.createdAt).getTime() - TRADE_OVERLAP_MS);
  if (row.market !== "futures") return Math.max(started, Math.min(...sent));
  const last = recorded.reduce((latest, fill) => Math.max(latest, fill.time.getTime()), Number.NEGATIVE_INFINITY);
  const watermark = Number.isFinite(last) ? last - TRADE_OVERLAP_MS : started;
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
  since: number;
  ours: BookedOrder[];
  needing: BookedOrder[];
  recorded: RecordedFill[];
  futures: boolean;
};

function pickTrades(input: TradePick): FillInsert[] {
  const { row, trades, ours, recorded } = input;
  const seen = new Set(recorded.map((f) => f.tradeId));
  const byExchangeId = new Map(ours.filter((o) => o.exchangeOrderId).map((o) => [o.exchangeOrderId as string, o]));
  const closedOut = new Set(recorded.filter((f) => f.tradeId.endsWith(":rest")).map((f) => f.orderId));
  const out: FillInsert[] = [];
  for (const trade of trades) {
    // Trades before `since` (never before the portfolio started) were not asked for, and the record before it was
    // not read: one there could not be told from a recorded one, so it is not taken.
    if (trade.time < input.since || seen.has(trade.tradeId)) continue;
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

function ledgerFillOf(row: PortfolioRow, fill: FillInsert, ours: BookedOrder[]) {
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
 * SL/TP), pending SL/TP placed, open orders of a portfolio that no longer runs canceled, and a running one's risk
 * checked between reviews (risk-watch.ts). A key that is gone leaves nothing to sync.
 */
export async function syncPortfolio(
  services: EngineServices,
  portfolioId: string,
): Promise<{ refreshed: number; risk: RiskWatchOutcome | null }> {
  const d1 = services.db.$client;
  const [portfolioResult, liveResult, pendingResult] = await d1.batch([
    portfolioStatement(d1, portfolioId),
    liveOrdersStatement(d1, portfolioId),
    ordersWithPendingStopsStatement(d1, portfolioId),
  ]);
  const raw = portfolioResult?.results?.[0] as Record<string, unknown> | undefined;
  const row = raw ? readPortfolioRow(raw) : null;
  if (!row?.ledger) return { refreshed: 0, risk: null };
  const context: SyncContext = { services, row, brokers: brokers(services, row), notes: [] };
  try {
    const live = readTrackedOrders(liveResult);
    const saves: Saves = [];
    const refreshed = await refreshOrders(context, live, saves);
    const latest: TrackedOrder[] = [];
    for (const order of refreshed) {
      const open = order.status === "open" || order.status === "partially_filled";
      latest.push(
        row.status !== "active" && open
          ? await cancelTracked(
              context,
              order,
              engineText("order_canceled_not_running", {}, "Canceled: the portfolio is not running."),
              saves,
            )
          : order,
      );
    }
    await recordTrades(context, latest, saves);
    await saveAll(d1, saves);
    if (row.status !== "active") return { refreshed: live.length, risk: null };
    await protectFilledEntries(context, readTrackedOrders(pendingResult), latest);
    return { refreshed: live.length, risk: await watchRisk(services, portfolioId, context.brokers) };
  } catch (error) {
    if (error instanceof ApiError && (error.code === "not_found" || error.code === "key_unverified"))
      return { refreshed: 0, risk: null };
    throw error;
  }
}
