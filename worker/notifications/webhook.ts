import type { NotificationLanguage, NotificationParams } from "../../shared/api/notifications.ts";
import { deriveHmacKey, hmacHex } from "../exchanges/hmac-sha256.ts";

/**
 * The generic webhook: a JSON POST signed like Stripe's webhooks. `Ballast-Signature: t=<unix seconds>,v1=<hex>`
 * where v1 is HMAC-SHA256 under the channel's secret of `<t>.<raw body>`. A receiver recomputes it over the exact
 * bytes it received, compares in constant time, and refuses old timestamps (replays); `Ballast-Event-Id` is stable
 * across retries, so a receiver can drop duplicates.
 */
export const SIGNATURE_HEADER = "Ballast-Signature";
export const EVENT_ID_HEADER = "Ballast-Event-Id";

export type WebhookPayload = {
  id: string;
  type: string;
  createdAt: string;
  /** The language of `title` and `text` (the channel's); `type` and `data` are the same in every language. */
  language: NotificationLanguage;
  title: string;
  text: string;
  data: NotificationParams;
};

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmacHex(deriveHmacKey(secret), `${timestamp}.${body}`)}`;
}

export function webhookRequest(url: string, secret: string, payload: WebhookPayload, now: Date): Request {
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(now.getTime() / 1000);
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "Ballast-Webhook/1",
      [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
      [EVENT_ID_HEADER]: payload.id,
    },
    body,
    redirect: "manual",
  });
}
