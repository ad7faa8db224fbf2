import Big from "big.js";
import { enqueueStatement, type NotificationEventInput } from "../../notifications/outbox.ts";
import type { TrackedOrder } from "../order-store.ts";
import type { PortfolioRow } from "../store.ts";
import type { PauseReason } from "./pause.ts";

/**
 * The engine's notification events, as outbox statements for the batch the engine sends anyway (one more statement,
 * no round trip, and nothing to fail apart from the writes it goes with). Keys make each event once per channel.
 */

type Portfolio = Pick<PortfolioRow, "id" | "userId" | "name">;

const about = (row: Portfolio) => ({ portfolioId: row.id, portfolioName: row.name });

export function approvalWaitingStatement(d1: D1Database, row: Portfolio, runId: string, now: Date) {
  return enqueueStatement(
    d1,
    { userId: row.userId, type: "approval_waiting", key: runId, params: { ...about(row), runId } },
    now,
  );
}

/** Sent by pausePortfolio after its pause is saved (outside a batch: enqueueNotification never throws). */
export function portfolioPausedEvent(row: Portfolio, reason: PauseReason, now: Date): NotificationEventInput {
  return {
    userId: row.userId,
    type: "portfolio_paused",
    key: `${row.id}:${now.getTime()}`,
    params: { ...about(row), reasonCode: reason.code, reason: reason.text.text.slice(0, 500) },
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

/**
 * Orders of ours that are filled now and had trades recorded in this batch ("order filled", once per order), and
 * trades no order of ours made on a futures portfolio: the venue triggered a position's SL or TP, and one nearer the
 * stop-loss than the take-profit the portfolio set is a stop-loss hit.
 */
export function fillStatements(
  d1: D1Database,
  row: Portfolio,
  orders: Pick<
    TrackedOrder,
    "id" | "status" | "symbol" | "side" | "filledQuantity" | "averagePrice" | "stopLoss" | "takeProfit"
  >[],
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
  const stops = trades
    .filter((t) => t.orderId === "external" && isStopLoss(t, orders))
    .map((t) =>
      enqueueStatement(
        d1,
        {
          userId: row.userId,
          type: "stop_loss_hit",
          key: `${row.id}:${t.symbol}:${t.tradeId}`,
          params: { ...about(row), symbol: t.symbol, quantity: t.quantity, price: t.price },
        },
        now,
      ),
    );
  return [...filled, ...stops];
}

function isStopLoss(trade: RecordedTrade, orders: Pick<TrackedOrder, "symbol" | "stopLoss" | "takeProfit">[]): boolean {
  const withStops = orders.filter((o) => o.symbol === trade.symbol && (o.stopLoss || o.takeProfit));
  const latest = withStops.at(-1);
  if (!latest?.takeProfit) return true;
  if (!latest.stopLoss) return false;
  const price = Big(trade.price);
  return price.minus(latest.stopLoss).abs().lte(price.minus(latest.takeProfit).abs());
}
