import { and, eq } from "drizzle-orm";
import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import type { StatusReasonCode } from "../../../shared/api/portfolios.ts";
import { saveAll } from "../../db/rows.ts";
import { portfolios } from "../../db/schema.ts";
import { enqueueNotification } from "../../notifications/outbox.ts";
import { statusReasonColumns } from "../engine-text-columns.ts";
import type { PortfolioRow } from "../store.ts";
import { brokers } from "./broker.ts";
import type { EngineServices } from "./engine-services.ts";
import { portfolioPausedEvent } from "./notifications.ts";
import { cancelLeftovers, liveOrdersOf, type Saves } from "./order-sync.ts";

/**
 * Ballast pausing a portfolio by itself (loss limit, failed reviews, disabled owner, key gone): the reason is saved
 * first, so nothing new is planned, then its open orders are canceled. Futures positions keep their SL/TP; the kill
 * switch is the owner's call. Cancelling is best effort: the pause stands even when the venue cannot be reached, and
 * the next sync or a stop cancels what is left.
 */
export type PauseReason = { code: StatusReasonCode; text: EngineText };

export async function pausePortfolio(services: EngineServices, row: PortfolioRow, reason: PauseReason): Promise<void> {
  const now = services.now();
  const [paused] = await services.db
    .update(portfolios)
    .set({
      status: "paused",
      ...statusReasonColumns(reason.text),
      statusReasonCode: reason.code,
      updatedAt: now,
      nextRunAt: null,
    })
    .where(and(eq(portfolios.id, row.id), eq(portfolios.status, "active")))
    .returning();
  if (!paused) return;
  await enqueueNotification(services.db.$client, portfolioPausedEvent(paused, reason, now), now, services.log);
  services.notificationsQueued(paused.userId);
  const saves: Saves = [];
  try {
    await cancelLeftovers(
      { services, row: paused, brokers: brokers(services, paused), notes: [] },
      await liveOrdersOf(services, paused.id),
      null,
      engineText("order_canceled_paused", {}, `Canceled: the portfolio was paused (${reason.text.text})`),
      saves,
    );
    await saveAll(services.db.$client, saves);
  } catch (error) {
    services.log.warn("pause: open orders not canceled", {
      portfolioId: row.id,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
