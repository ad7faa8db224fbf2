import { env } from "cloudflare:workers";
import { readConfig } from "../../../worker/config.ts";
import { openDatabase } from "../../../worker/db/client.ts";
import { createLogger } from "../../../worker/http/logger.ts";
import { type DeliveryTally, deliverDueNotifications } from "../../../worker/notifications/delivery.ts";
import { control } from "../accounts/support.ts";
import type { Caller } from "../identity/support.ts";

/**
 * Notification tests reach the simulator's stand-ins over HTTP: signed webhook receivers, Telegram's Bot API and a
 * Web Push service that decrypts what it gets (sim/notifications/routes.ts).
 */

/** The signing secret the tests' webhook channels share with their simulator receivers. */
export const WEBHOOK_SECRET = "whsec-0123456789abcdef-test";

/** Sets up the user's webhook channel, on, for these events, signed with WEBHOOK_SECRET. */
export async function addWebhook(user: Caller, url: string, events: string[]): Promise<void> {
  const reply = await user.put("/api/notifications/channels", {
    channel: "webhook",
    enabled: true,
    events,
    url,
    secret: WEBHOOK_SECRET,
  });
  if (reply.status !== 200) throw new Error(`webhook channel not set up: ${reply.status} ${reply.text}`);
}

export type HookDelivery = { verified: boolean; eventId: string | null; body: Record<string, unknown>; status: number };

export async function simHook(
  secret: string,
  failures = 0,
): Promise<{ id: string; url: string; received(): Promise<HookDelivery[]> }> {
  const hook = await control<{ id: string; url: string }>("POST", "/hooks", { secret, failures });
  return {
    ...hook,
    received: async () => (await control<{ received: HookDelivery[] }>("GET", `/hooks/${hook.id}`)).received,
  };
}

export type BotRecord = {
  messages: {
    chat_id: string;
    text: string;
    reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
  }[];
  answers: { callback_query_id: string; text?: string }[];
  webhook: { url: string; secretToken: string } | null;
};

export async function simBot(): Promise<{ token: string; record(): Promise<BotRecord> }> {
  const { token } = await control<{ token: string }>("POST", "/telegram/bots");
  return { token, record: () => control<BotRecord>("GET", `/telegram/bots/${encodeURIComponent(token)}`) };
}

export type PushRecord = {
  received: { payload: Record<string, unknown> | null; vapidVerified: boolean; status: number }[];
};

export async function simPushSubscription(failures = 0) {
  const subscription = await control<{ endpoint: string; keys: { p256dh: string; auth: string } }>(
    "POST",
    "/push/subscriptions",
    { failures },
  );
  const id = subscription.endpoint.split("/").at(-1) ?? "";
  return { subscription, record: () => control<PushRecord>("GET", `/push/subscriptions/${id}`) };
}

/** The cron's delivery pass at a chosen time (retries are due by their stored time, not by waiting). */
export function deliverAt(now: Date): Promise<DeliveryTally> {
  const config = readConfig(env);
  return deliverDueNotifications({ db: openDatabase(env.DB), config, fetch, log: createLogger("error") }, now);
}

export type OutboxRow = {
  event_key: string;
  channel: string;
  type: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  params: string;
};

export async function outboxOf(userId: string): Promise<OutboxRow[]> {
  const { results } = await env.DB.prepare(
    `SELECT * FROM "notification_outbox" WHERE "user_id" = ? ORDER BY "created_at", "event_key", "channel"`,
  )
    .bind(userId)
    .all<OutboxRow>();
  return results;
}
