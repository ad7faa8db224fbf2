import type {
  NotificationChannelKind,
  NotificationEvent,
  NotificationParams,
  NotificationTestResult,
} from "../../shared/api/notifications.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../http/logger.ts";
import {
  type ChannelDestination,
  type ChannelRow,
  checkedOutboundUrl,
  openDestination,
  ownedChannel,
} from "./channels.ts";
import { approvalButtonLabels, messageOf } from "./messages.ts";
import { approvalButtons, sendMessage } from "./telegram.ts";
import { pushRequest } from "./web-push.ts";
import { webhookRequest } from "./webhook.ts";

/**
 * Delivering the outbox: the cron, and right after a user's events are queued a pass over that user's rows, takes
 * due rows and claims each (attempts + 1 and the next retry time, conditional on the status and attempts it read, so
 * two passes never send the same try), sends it, then marks it sent, or keeps the error and leaves the retry time the
 * claim set: 1, 2, 4, 8, 16 minutes after each failed try, then failed for good. A delivery is at-least-once (a pass
 * that dies after sending retries it): webhooks carry a stable event id for that.
 */
export const MAX_ATTEMPTS = 6;
const BATCH = 25;
const SEND_TIMEOUT_MS = 10_000;

export type DeliveryDeps = {
  db: Database;
  config: Pick<Config, "keyring" | "exchangeExtraHosts" | "notifications">;
  fetch: typeof fetch;
  log: Logger;
};

export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

type DueRow = {
  event_key: string;
  channel: NotificationChannelKind;
  user_id: string;
  type: NotificationEvent;
  params: string;
  attempts: number;
  created_at: number;
};

export type DeliveryTally = { sent: number; retrying: number; failed: number };

/**
 * Sends the due rows: every user's from the cron, one user's right after their events were queued (`userId`, from
 * the portfolio's object or a route, in the background). Both may run at once: the claim lets one of them send a row.
 */
export async function deliverDueNotifications(
  deps: DeliveryDeps,
  now: Date,
  scope: { userId?: string } = {},
): Promise<DeliveryTally> {
  const d1 = deps.db.$client;
  const columns = `"event_key", "channel", "user_id", "type", "params", "attempts", "created_at"`;
  const due = await (scope.userId === undefined
    ? d1
        .prepare(
          `SELECT ${columns} FROM "notification_outbox"
              WHERE "status" = 'pending' AND "next_attempt_at" <= ? ORDER BY "next_attempt_at" LIMIT ?`,
        )
        .bind(now.getTime(), BATCH)
    : d1
        .prepare(
          `SELECT ${columns} FROM "notification_outbox"
              WHERE "user_id" = ? AND "status" = 'pending' AND "next_attempt_at" <= ? ORDER BY "next_attempt_at" LIMIT ?`,
        )
        .bind(scope.userId, now.getTime(), BATCH)
  ).all<DueRow>();
  const outcomes = await Promise.all(due.results.map((row) => deliverOne(deps, row, now)));
  return {
    sent: outcomes.filter((o) => o === "sent").length,
    retrying: outcomes.filter((o) => o === "retrying").length,
    failed: outcomes.filter((o) => o === "failed").length,
  };
}

/**
 * Right after a user's events were queued (and saved): their due rows go out in the background, kept alive by the
 * caller's `waitUntil`, so the review, sync or request that queued them never waits for a channel or fails with it.
 * What does not go out now (an error, a receiver down) is retried by the cron as usual.
 */
export function deliverInBackground(
  waitUntil: (promise: Promise<unknown>) => void,
  deps: DeliveryDeps,
  userId: string,
): void {
  const delivering = deliverDueNotifications(deps, new Date(), { userId }).catch((error: unknown) => {
    deps.log.warn("notifications not delivered now", {
      error: error instanceof Error ? error.message : String(error),
    });
  });
  waitUntil(delivering);
}

async function deliverOne(deps: DeliveryDeps, row: DueRow, now: Date): Promise<keyof DeliveryTally | "skipped"> {
  const d1 = deps.db.$client;
  const attempts = row.attempts + 1;
  const claimed = await d1
    .prepare(
      `UPDATE "notification_outbox" SET "attempts" = ?, "next_attempt_at" = ?
        WHERE "event_key" = ? AND "channel" = ? AND "status" = 'pending' AND "attempts" = ?`,
    )
    .bind(attempts, now.getTime() + retryDelayMs(attempts), row.event_key, row.channel, row.attempts)
    .run();
  if (claimed.meta.changes !== 1) return "skipped";
  const error = await sendEvent(deps, row, now).then(
    () => null,
    (failure: unknown) => (failure instanceof Error ? failure.message : String(failure)).slice(0, 500),
  );
  const where = `WHERE "event_key" = ? AND "channel" = ?`;
  if (error === null) {
    await d1
      .prepare(`UPDATE "notification_outbox" SET "status" = 'sent', "sent_at" = ?, "next_attempt_at" = NULL ${where}`)
      .bind(now.getTime(), row.event_key, row.channel)
      .run();
    return "sent";
  }
  const final = attempts >= MAX_ATTEMPTS;
  deps.log.warn("notification not delivered", { channel: row.channel, type: row.type, attempts, error });
  await d1
    .prepare(
      `UPDATE "notification_outbox" SET "last_error" = ?${final ? `, "status" = 'failed', "next_attempt_at" = NULL` : ""} ${where}`,
    )
    .bind(error, row.event_key, row.channel)
    .run();
  return final ? "failed" : "retrying";
}

async function sendEvent(deps: DeliveryDeps, row: DueRow, now: Date): Promise<void> {
  const channel = await deps.db.query.notificationChannels.findFirst({
    where: (c, { and, eq }) => and(eq(c.userId, row.user_id), eq(c.channel, row.channel)),
  });
  if (!channel) throw new Error("The channel was removed.");
  const params = JSON.parse(row.params) as NotificationParams;
  await sendToChannel(
    deps,
    channel,
    { id: row.event_key, type: row.type, params, createdAt: new Date(row.created_at) },
    now,
  );
}

type Outgoing = { id: string; type: NotificationEvent | "test"; params: NotificationParams; createdAt: Date };

/** Sends one message on one channel; throws an Error whose message says why it was not accepted. */
async function sendToChannel(deps: DeliveryDeps, row: ChannelRow, event: Outgoing, now: Date): Promise<void> {
  if (!deps.config.keyring) throw new Error("Secret storage is not configured (MASTER_KEY).");
  const destination = await openDestination(deps.config.keyring, row).catch(() => {
    throw new Error("The channel's stored secret no longer decrypts; set the channel up again.");
  });
  const message = messageOf(event.type, event.params, row.language);
  const send = (request: Request) => expectAccepted(deps.fetch, request);
  switch (destination.channel) {
    case "webhook": {
      // Checked again at each use, like AI base URLs: the operator's host list may have changed since it was saved.
      const url = checkedOutboundUrl(destination.url, deps.config.exchangeExtraHosts, "url");
      const payload = {
        id: event.id,
        type: event.type,
        createdAt: event.createdAt.toISOString(),
        language: row.language,
        ...message,
        data: event.params,
      };
      return send(webhookRequest(url, destination.secret, payload, now));
    }
    case "telegram": {
      const api = {
        baseUrl: deps.config.notifications.telegramBaseUrl,
        botToken: destination.botToken,
        fetch: deps.fetch,
        timeoutMs: SEND_TIMEOUT_MS,
      };
      const runId = event.type === "approval_waiting" ? event.params.runId : null;
      const labels = approvalButtonLabels(row.language);
      const buttons =
        typeof runId === "string" ? approvalButtons(destination.webhookSecret, row.id, runId, labels) : [];
      await sendMessage(api, destination.chatId, `${message.title}\n${message.text}`, buttons);
      return;
    }
    case "push": {
      const vapid = deps.config.notifications.vapid;
      if (!vapid) throw new Error("Web Push is not configured on this server (VAPID keys).");
      checkedOutboundUrl(destination.endpoint, deps.config.exchangeExtraHosts, "subscription.endpoint");
      const payload = { ...message, type: event.type, url: urlOf(event) };
      return send(await pushRequest(destination, vapid, payload, now));
    }
  }
}

/** Where a notification's click leads in the app. */
function urlOf(event: Outgoing): string {
  const portfolioId = event.params.portfolioId;
  return typeof portfolioId === "string" ? `/portfolios/${portfolioId}` : "/notifications";
}

async function expectAccepted(fetcher: typeof fetch, request: Request): Promise<void> {
  let response: Response;
  try {
    response = await fetcher(request, { signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(
      `${new URL(request.url).host} could not be reached (${error instanceof Error ? error.name : "error"}).`,
    );
  }
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 300)
    throw new Error(`${new URL(request.url).host} answered ${response.status}.`);
}

/** "Send test": the channel's test message at once, outside the outbox, with what the far side answered. */
export async function sendTestNotification(
  deps: DeliveryDeps,
  userId: string,
  channel: NotificationChannelKind,
  now: Date,
): Promise<NotificationTestResult> {
  const row = await ownedChannel(deps.db, userId, channel);
  const event: Outgoing = { id: `test:${crypto.randomUUID()}`, type: "test", params: {}, createdAt: now };
  try {
    await sendToChannel(deps, row, event, now);
    return { delivered: true, error: null };
  } catch (error) {
    return { delivered: false, error: (error instanceof Error ? error.message : String(error)).slice(0, 500) };
  }
}

export type { ChannelDestination };
