import Big from "big.js";
import { enqueueStatement, type NotificationEventInput } from "../../notifications/outbox.ts";
import { pauseReasonParams } from "../../notifications/pause-reasons.ts";
import type { TrackedOrder } from "../order-store.ts";
import type { PortfolioRow } from "../store.ts";
import type { BookedOrder } from "../trade-window.ts";
import type { PauseReason } from "./pause.ts";

/**
 * The engine's notification events, as outbox statements for the batch the engine sends anyway (one more statement,
 * no round trip, and nothing to fail apart from the writes it goes with). Keys make each event once per channel.
 */

type Portfolio = Pick<PortfolioRow, "id" | "userId" | "name">;

const about = (row: Portfolio) => ({ portfolioId: row.id, portfolioName: row.name });

export function approvalWaitingStatement(
  d1: D1Database,
  row: Portfolio,
  runId: string,
  orders: number | null,
  now: Date,
) {
  return enqueueStatement(
    d1,
    {
      userId: row.userId,
      type: "approval_waiting",
      key: runId,
      params: { ...about(row), runId, ...(orders === null ? {} : { orders }) },
    },
    now,
  );
}

/**
 * Sent by pausePortfolio after its pause is saved (outside a batch: enqueueNotification never throws). The pause's
 * message goes with it as a code and parameters, so each channel words it in its own language.
 */
export function portfolioPausedEvent(row: Portfolio, reason: PauseReason, now: Date): NotificationEventInput {
  return {
    userId: row.userId,
    type: "portfolio_paused",
    key: `${row.id}:${now.getTime()}`,
    params: {
      ...about(row),
      reasonCode: reason.code,
      reason: reason.text.text.slice(0, 500),
      ...pauseReasonParams(reason.text.message),
    },
  };
}

type RecordedTrade = {
  orderId: string;
  symbol: string;
  side: string;
  price: string;
  quantity: string;
  tradeId: string;
};

/** What telling a venue-triggered close apart needs of our orders: the entries' sides, prices and SL/TP. */
export type StopsOfOrder = Pick<
  BookedOrder,
  "symbol" | "side" | "filledQuantity" | "averagePrice" | "createdAt" | "stopLoss" | "takeProfit"
>;

/**
 * Orders of ours that are filled now and had trades recorded in this batch ("order filled", once per order), and
 * trades no order of ours made on a futures portfolio that the recorded stops explain: the venue triggered the
 * position's stop-loss or take-profit (`triggeredStop`). Other such trades (a close by hand on the venue, a
 * liquidation) are recorded, not announced.
 */
export function fillStatements(
  d1: D1Database,
  row: Portfolio,
  orders: Pick<TrackedOrder, "id" | "status" | "symbol" | "side" | "filledQuantity" | "averagePrice">[],
  entries: StopsOfOrder[],
  trades: RecordedTrade[],
  now: Date,
): D1PreparedStatement[] {
  const traded = new Set(trades.map((t) => t.orderId));
  const filled = orders
    .filter((o) => o.status === "filled" && traded.has(o.id))
    .map((o) =>
      enqueueStatement(
        d1,
        {
          userId: row.userId,
          type: "order_filled",
          key: o.id,
          params: {
            ...about(row),
            symbol: o.symbol,
            side: o.side,
            quantity: o.filledQuantity,
            averagePrice: o.averagePrice,
          },
        },
        now,
      ),
    );
  const stops = trades.flatMap((t) => {
    const type = t.orderId === "external" ? triggeredStop(t, entries) : null;
    if (!type) return [];
    const params = { ...about(row), symbol: t.symbol, quantity: t.quantity, price: t.price };
    return [enqueueStatement(d1, { userId: row.userId, type, key: `${row.id}:${t.symbol}:${t.tradeId}`, params }, now)];
  });
  return [...filled, ...stops];
}

/**
 * Which recorded stop a trade no order of ours made is, judged against the latest filled entry on its contract with
 * SL or TP that it closes (the opposite side): a stop-loss when it filled on the loss side of the entry and, when a
 * take-profit is recorded too, nearer the stop-loss; a take-profit the other way round. Null when the stops do not
 * explain it (none recorded, the wrong side, a close by hand between them nearer the other one).
 */
export function triggeredStop(
  trade: Pick<RecordedTrade, "symbol" | "side" | "price">,
  entries: StopsOfOrder[],
): "stop_loss_hit" | "take_profit_hit" | null {
  const entry = entries
    .filter(
      (o) =>
        o.symbol === trade.symbol &&
        o.side !== trade.side &&
        (o.stopLoss || o.takeProfit) &&
        Big(o.filledQuantity).gt(0),
    )
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .at(-1);
  if (!entry) return null;
  const price = Big(trade.price);
  // A long (bought) entry loses below its price, a short one above.
  const gain = entry.averagePrice ? price.minus(entry.averagePrice).times(entry.side === "buy" ? 1 : -1) : null;
  const toStop = entry.stopLoss ? price.minus(entry.stopLoss).abs() : null;
  const toTarget = entry.takeProfit ? price.minus(entry.takeProfit).abs() : null;
  const lossSide = gain === null ? toStop !== null : gain.lt(0);
  const profitSide = gain === null ? toTarget !== null : gain.gt(0);
  if (toStop && lossSide && (!toTarget || toStop.lt(toTarget))) return "stop_loss_hit";
  if (toTarget && profitSide && (!toStop || toTarget.lt(toStop))) return "take_profit_hit";
  return null;
}
