import { deriveHmacKey, hmacHex } from "../exchanges/hmac-sha256.ts";

/**
 * Telegram's Bot API (core.telegram.org/bots/api): messages with approve/reject buttons for a waiting review, the
 * webhook that brings the presses back, and the buttons' callback data. The data is `<a|r>:<runId>:<mac>`, the MAC
 * an HMAC-SHA256 under the channel's own webhook secret of (action, run, channel), cut to 96 bits so the whole fits
 * Telegram's 64 bytes: a press names only a run its own user's channel signed, and cannot be made up.
 */

export type TelegramButton = { text: string; callback_data: string };
export type ApprovalAction = "approve" | "reject";

export class TelegramError extends Error {
  override readonly name = "TelegramError";
}

type BotApi = { baseUrl: string; botToken: string; fetch: typeof fetch; timeoutMs: number };

async function callBotApi(api: BotApi, method: string, body: Record<string, unknown>): Promise<unknown> {
  // Called unbound: workerd's fetch refuses to run as a method of another object ("Illegal invocation").
  const send = api.fetch;
  let response: Response;
  try {
    response = await send(`${api.baseUrl}/bot${api.botToken}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(api.timeoutMs),
    });
  } catch (error) {
    // The URL holds the bot token: never let a fetch error message carry it into a log.
    throw new TelegramError(
      `Telegram ${method} could not be reached (${error instanceof Error ? error.name : "error"})`,
    );
  }
  const answer = (await response.json().catch(() => null)) as { ok?: boolean; description?: string; result?: unknown };
  if (!response.ok || !answer?.ok)
    throw new TelegramError(
      `Telegram ${method} answered ${response.status}: ${answer?.description ?? "no description"}`,
    );
  return answer.result;
}

export function sendMessage(
  api: BotApi,
  chatId: string,
  text: string,
  buttons: TelegramButton[] = [],
): Promise<unknown> {
  return callBotApi(api, "sendMessage", {
    chat_id: chatId,
    text: text.slice(0, 4000),
    ...(buttons.length ? { reply_markup: { inline_keyboard: [buttons] } } : {}),
  });
}

export function setWebhook(api: BotApi, url: string, secretToken: string): Promise<unknown> {
  return callBotApi(api, "setWebhook", { url, secret_token: secretToken, allowed_updates: ["callback_query"] });
}

export function answerCallbackQuery(api: BotApi, callbackQueryId: string, text: string): Promise<unknown> {
  return callBotApi(api, "answerCallbackQuery", { callback_query_id: callbackQueryId, text: text.slice(0, 190) });
}

/** The secret token Telegram echoes in X-Telegram-Bot-Api-Secret-Token: it names the channel and proves the sender. */
export function webhookSecretToken(channelId: string, webhookSecret: string): string {
  return `${channelId}_${webhookSecret}`;
}

export function parseSecretToken(token: string): { channelId: string; secret: string } | null {
  const match = /^([0-9a-f-]{36})_([A-Za-z0-9_-]{20,200})$/.exec(token);
  return match?.[1] && match[2] ? { channelId: match[1], secret: match[2] } : null;
}

export function approvalButtons(
  webhookSecret: string,
  channelId: string,
  runId: string,
  labels: { approve: string; reject: string },
): TelegramButton[] {
  return [
    { text: labels.approve, callback_data: callbackData(webhookSecret, channelId, "approve", runId) },
    { text: labels.reject, callback_data: callbackData(webhookSecret, channelId, "reject", runId) },
  ];
}

export function callbackData(webhookSecret: string, channelId: string, action: ApprovalAction, runId: string): string {
  const code = action === "approve" ? "a" : "r";
  return `${code}:${runId}:${callbackMac(webhookSecret, channelId, code, runId)}`;
}

/** The action and run a button names, or null when its MAC is not the channel's (forged or from another channel). */
export function verifyCallbackData(
  webhookSecret: string,
  channelId: string,
  data: string,
): { action: ApprovalAction; runId: string } | null {
  const match = /^([ar]):([0-9a-f-]{36}):([0-9a-f]{24})$/.exec(data);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  const expected = callbackMac(webhookSecret, channelId, match[1], match[2]);
  if (!constantTimeEqual(expected, match[3])) return null;
  return { action: match[1] === "a" ? "approve" : "reject", runId: match[2] };
}

function callbackMac(webhookSecret: string, channelId: string, code: string, runId: string): string {
  return hmacHex(deriveHmacKey(webhookSecret), `ballast/telegram-callback|${channelId}|${code}|${runId}`).slice(0, 24);
}

/** Compares two secrets without an early exit, so the time taken says nothing about where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  // Different lengths still compare a full buffer, so the answer's timing depends on nothing secret.
  if (left.byteLength !== right.byteLength) {
    crypto.subtle.timingSafeEqual(left, left);
    return false;
  }
  return crypto.subtle.timingSafeEqual(left, right);
}
