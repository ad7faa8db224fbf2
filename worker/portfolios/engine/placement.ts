import Big from "big.js";
import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import type { DecisionInput } from "../../ai/decision-input.ts";
import type { FuturesStopsIntent, SpotOrderIntent } from "../../ai/intents.ts";
import { saveAll } from "../../db/rows.ts";
import type { ExchangeGateway, MarginMode, Order, OrderRequest } from "../../exchanges/contract.ts";
import { isExchangeError } from "../../exchanges/errors.ts";
import { reasonColumns, runNote } from "../engine-text-columns.ts";
import { markSendingWhileActiveStatement, type OrderRow, orderUpdate } from "../order-store.ts";
import { portfolioStatusStatement } from "../store.ts";
import { protectOrder, refreshOrders, type Saves, type SyncContext, unfilledFinal } from "./order-sync.ts";
import { legClientOrderId, type RunRef } from "./planner.ts";
import { tickersOf } from "./snapshot.ts";

/**
 * Step "place": sends the planned orders one by one. Each order is marked `sending` (saved) before its request
 * leaves, by a write that also reads the portfolio's status, so a stop or pause saved before it keeps the order from
 * being sent; an answer that never came (timeout, 5xx) is looked up by client order id and never resent. Futures
 * entries get margin mode and leverage set only when they differ, and their SL/TP once they fill.
 */

/** How often an unconfirmed order is looked up before it is left `unknown` for the sync. */
const OUTCOME_LOOKUPS = 3;
const OUTCOME_LOOKUP_DELAY_MS = 300;

export type PlaceContext = SyncContext & {
  run: RunRef;
  input: DecisionInput;
};

const STOPPED = engineText(
  "order_not_sent_stopped",
  {},
  "Not sent: the portfolio was stopped or paused during the run.",
);

type Applied = { marginMode?: MarginMode | "unsupported"; leverage?: number };

/**
 * Places the queue. Updates that need not precede a request (a venue's answer, a refusal) wait in `saves` and go with
 * the next order's `sending` mark, or with the caller's batch; when placing fails they are written before the error
 * goes on. Answers the venue's answers that gave the state of the order they answer, by order id.
 */
export async function placeOrders(
  context: PlaceContext,
  orders: OrderRow[],
  saves: Saves,
): Promise<Map<string, Order>> {
  const answered = new Map<string, Order>();
  const queue = orders.filter((o) => o.status === "planned" || o.status === "sending").sort((a, b) => a.leg - b.leg);
  if (queue.length === 0) return answered;
  try {
    const broker = await context.brokers.current();
    const market = queue[0]?.market ?? "spot";
    const tickers = await tickersOf(broker, market, [...new Set(queue.map((o) => o.symbol))]);
    for (const order of queue) {
      const answer = await placeOne(context, broker, order, tickers.get(order.symbol)?.last ?? null, saves);
      if (answer && settledByAnswer(answer)) answered.set(order.id, answer);
    }
    return answered;
  } catch (error) {
    await saveAll(context.services.db.$client, saves.splice(0)).catch(() => undefined);
    throw error;
  }
}

/** Sends one order; answers the venue's view of it when the venue gave one. */
async function placeOne(
  context: PlaceContext,
  broker: ExchangeGateway,
  order: OrderRow,
  last: string | null,
  saves: Saves,
): Promise<Order | null> {
  const { services } = context;
  const d1 = services.db.$client;
  const refuse = (reason: EngineText) =>
    saves.push(orderUpdate(d1, order.id, { status: "rejected", ...reasonColumns(reason), updatedAt: services.now() }));
  // Sent before a restart: its fate is on the venue, found by client order id, never by sending it again.
  if (order.status === "sending") {
    await refreshOrders(context, [order], saves);
    return null;
  }
  const drift = driftReason(order, last);
  if (drift) {
    refuse(drift);
    return null;
  }
  if (order.market === "linear" && !order.reduceOnly) {
    // Margin mode and leverage are changes on the venue too: none for a portfolio that no longer runs.
    if ((await portfolioStatusStatement(d1, order.portfolioId).first("status")) !== "active") {
      refuse(STOPPED);
      return null;
    }
    const ready = await prepareFutures(context, broker, order);
    if (!ready) return null;
  }
  const sentAt = services.now();
  const results = await d1.batch([...saves.splice(0), markSendingWhileActiveStatement(d1, order, sentAt)]);
  if (!results.at(-1)?.meta.changes) {
    refuse(STOPPED);
    return null;
  }
  return sendMarked(context, broker, order, sentAt, saves);
}

/** Spot orders carry the price the decision was based on and how far it may move before the order is dropped. */
function driftReason(order: OrderRow, last: string | null): EngineText | null {
  if (order.market !== "spot" || !order.intent || last === null) return null;
  const { intent } = JSON.parse(order.intent) as { intent?: SpotOrderIntent };
  if (!intent) return null;
  const drift = Big(last).minus(intent.referencePrice).abs().div(intent.referencePrice).times(100);
  if (drift.lte(intent.maxDriftPct)) return null;
  return engineText(
    "order_not_sent_drift",
    {
      symbol: order.symbol,
      movePct: drift.toFixed(2),
      referencePrice: intent.referencePrice,
      lastPrice: last,
      allowedPct: String(intent.maxDriftPct),
    },
    `Not sent: ${order.symbol} moved ${drift.toFixed(2)}% from the decision's ${intent.referencePrice} to ${last} (allowed ${intent.maxDriftPct}%).`,
  );
}

/**
 * Margin mode and leverage are changed only when they differ from what the position has or what was last applied,
 * because venues answer "no change" as an error and every call costs rate limit. Leverage that cannot be set stops
 * the order (it would trade at an unknown leverage); a margin mode the account cannot change is noted once.
 */
async function prepareFutures(context: PlaceContext, broker: ExchangeGateway, order: OrderRow): Promise<boolean> {
  const { row, services } = context;
  const key = `applied:${order.symbol}`;
  const applied = ((await services.storage.get(key)) as Applied | undefined) ?? {};
  const position =
    context.input.kind === "futures"
      ? context.input.positions.find((p) => p.symbol === order.symbol && p.positionSide === order.positionSide)
      : undefined;
  const wantedMode = row.marginMode;
  const currentMode = position?.marginMode ?? applied.marginMode;
  if (wantedMode && currentMode !== wantedMode && currentMode !== "unsupported") {
    try {
      await broker.setMarginMode(order.symbol, wantedMode);
      applied.marginMode = wantedMode;
    } catch (error) {
      if (!isExchangeError(error)) throw error;
      if (error.kind === "not_supported") applied.marginMode = "unsupported";
      context.notes.push(
        runNote(
          "settings",
          order.symbol,
          engineText(
            "note_margin_mode_kept",
            { detail: error.message },
            `Margin mode stays as the account has it: ${error.message}`,
          ),
        ),
      );
    }
  }
  const currentLeverage = position?.leverage ?? applied.leverage;
  if (order.leverage !== null && order.leverage !== currentLeverage) {
    try {
      await broker.setLeverage(order.symbol, order.leverage);
      applied.leverage = order.leverage;
    } catch (error) {
      if (!isExchangeError(error)) throw error;
      await services.storage.put(key, applied);
      await orderUpdate(services.db.$client, order.id, {
        status: "failed",
        ...reasonColumns(
          engineText(
            "order_leverage_not_set",
            { leverage: order.leverage, detail: error.message },
            `Not sent: leverage ${order.leverage}× could not be set. ${error.message}`,
          ),
        ),
        updatedAt: services.now(),
      }).run();
      return false;
    }
  }
  await services.storage.put(key, applied);
  return true;
}

function requestOf(order: OrderRow): OrderRequest {
  return {
    market: order.market,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: order.quantity,
    ...(order.price !== null && order.type === "limit" ? { price: order.price, timeInForce: "gtc" as const } : {}),
    clientOrderId: order.clientOrderId,
    ...(order.market === "linear" ? { reduceOnly: order.reduceOnly, positionSide: order.positionSide } : {}),
  };
}

/**
 * Marks the order `sending` (saved), sends it once and records the venue's answer: for orders the owner's own
 * controls make (the kill switch's closes), which are sent whatever the portfolio's status.
 */
export async function sendOrder(context: SyncContext, broker: ExchangeGateway, order: OrderRow): Promise<void> {
  const d1 = context.services.db.$client;
  const sentAt = context.services.now();
  await orderUpdate(d1, order.id, { status: "sending", sentAt, updatedAt: sentAt }).run();
  const saves: Saves = [];
  await sendMarked(context, broker, order, sentAt, saves);
  await saveAll(d1, saves);
}

/**
 * Sends an order saved as `sending` once, and records the venue's answer (or looks it up when none came). The
 * answer of a placed order goes into `saves` (until then the order reads `sending`, which is looked up, never resent);
 * the rest is written at once. Answers the venue's view of the order, or null when it gave none.
 */
async function sendMarked(
  context: SyncContext,
  broker: ExchangeGateway,
  order: OrderRow,
  sentAt: Date,
  saves: Saves,
): Promise<Order | null> {
  const { services } = context;
  const write = (changes: Parameters<typeof orderUpdate>[2]) =>
    orderUpdate(services.db.$client, order.id, changes).run();
  let placed: Order | null;
  try {
    placed = await broker.placeOrder(requestOf(order));
  } catch (error) {
    if (!isExchangeError(error)) throw error;
    if (error.kind === "rate_limited") {
      // Refused before it was placed; the whole review is tried again once the limit lifts (review-run.ts).
      await write({
        status: "rejected",
        ...reasonColumns(engineText("order_not_sent_venue", { detail: error.message }, `Not sent: ${error.message}`)),
        updatedAt: services.now(),
      });
      throw error;
    }
    if (error.kind !== "unknown_outcome") {
      await write({
        status: "failed",
        ...reasonColumns(engineText("order_venue_failed", { detail: error.message }, error.message)),
        updatedAt: services.now(),
      });
      return null;
    }
    placed = await lookUp(broker, order);
    if (!placed) {
      await write({
        status: "unknown",
        ...reasonColumns(
          engineText(
            "order_unknown_outcome",
            { detail: error.message },
            `${error.message} Not resent; it is looked up by its client order id until the venue answers.`,
          ),
        ),
        updatedAt: services.now(),
      });
      return null;
    }
  }
  await afterFill(context, broker, answered(context, order, placed, sentAt, saves), placed);
  return placed;
}

/**
 * Whether the venue's answer to an order is its state for now: final, or a limit order resting on the book, which
 * only the market changes later (the order sync reads it then). A market order not yet filled is read again, which
 * covers one Bybit could only report as accepted (its read-back failed); a limit one reported so is left to the sync.
 */
function settledByAnswer(answer: Order): boolean {
  return answer.type === "limit" || !(answer.status === "open" || answer.status === "partially_filled");
}

async function lookUp(broker: ExchangeGateway, order: OrderRow): Promise<Order | null> {
  for (let attempt = 0; attempt < OUTCOME_LOOKUPS; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, OUTCOME_LOOKUP_DELAY_MS * attempt));
    try {
      const found = await broker.getOrder(order.market, order.symbol, order.clientOrderId);
      if (found) return found;
    } catch (error) {
      if (!isExchangeError(error) || !error.retryable) throw error;
    }
  }
  return null;
}

/** The order as the venue answered it; its update goes into `saves`. */
function answered(context: SyncContext, order: OrderRow, venue: Order, sentAt: Date, saves: Saves): OrderRow {
  const status = venue.status === "rejected" ? "failed" : venue.status;
  const changes = {
    status,
    exchangeOrderId: venue.exchangeOrderId,
    filledQuantity: venue.filledQuantity,
    averagePrice: venue.averagePrice,
    ...unfilledFinal(status, venue.filledQuantity),
    sentAt,
    updatedAt: context.services.now(),
  } as const;
  saves.push(orderUpdate(context.services.db.$client, order.id, changes));
  return { ...order, ...changes };
}

/** Entries get their SL/TP once filled; a full close removes the position's protective orders. */
async function afterFill(context: SyncContext, broker: ExchangeGateway, order: OrderRow, venue: Order) {
  if (order.market !== "linear" || Big(venue.filledQuantity).lte(0)) return;
  if (order.stopsStatus === "pending") {
    await protectOrder(context, broker, order, venue);
    return;
  }
  if ((order.action === "CLOSE" || order.action === "kill") && venue.status === "filled") {
    try {
      await broker.cancelStops(order.symbol, order.positionSide);
    } catch (error) {
      if (!isExchangeError(error)) throw error;
      context.notes.push(
        runNote(
          "stops",
          order.symbol,
          engineText("note_stops_not_removed", { detail: error.message }, `SL/TP not removed: ${error.message}`),
        ),
      );
    }
  }
}

/** HOLD decisions that move SL/TP; the side not mentioned keeps its current trigger. */
export async function applyStops(context: PlaceContext, stops: FuturesStopsIntent[]): Promise<void> {
  if (stops.length === 0 || context.input.kind !== "futures") return;
  const current = context.input.stops;
  const broker = await context.brokers.current();
  for (const intent of stops) {
    const existing = (kind: "stop_loss" | "take_profit") =>
      current.find((s) => s.symbol === intent.symbol && s.positionSide === intent.positionSide && s.kind === kind)
        ?.triggerPrice ?? null;
    const stopLoss = intent.stopLoss ?? existing("stop_loss");
    const takeProfit = intent.takeProfit ?? existing("take_profit");
    try {
      await broker.setStops({
        symbol: intent.symbol,
        positionSide: intent.positionSide,
        side: intent.direction,
        stopLoss,
        takeProfit,
        clientIdPrefix: `${legClientOrderId(context.row.id, context.run, intent.leg)}s`.slice(0, 28),
      });
      context.notes.push(
        runNote(
          "stops",
          intent.symbol,
          engineText(
            "note_stops_moved",
            { stopLossPrice: stopLoss, takeProfitPrice: takeProfit, direction: intent.direction },
            `SL ${stopLoss ?? "none"}, TP ${takeProfit ?? "none"} on the ${intent.direction} position.`,
          ),
        ),
      );
    } catch (error) {
      if (!isExchangeError(error)) throw error;
      context.notes.push(
        runNote(
          "stops",
          intent.symbol,
          engineText("note_stops_not_moved", { detail: error.message }, `SL/TP not moved: ${error.message}`),
        ),
      );
    }
  }
}
