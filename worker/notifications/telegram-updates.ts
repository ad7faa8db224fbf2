import { and, eq } from "drizzle-orm";
import type { TelegramUpdate } from "../../shared/api/notifications.ts";
import type { ApprovalItem } from "../../shared/api/portfolio-runs.ts";
import type { Database } from "../db/client.ts";
import { portfolioOrders, portfolioRuns, users } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import type { Keyring } from "../keys/keyring.ts";
import { channelById, openDestination } from "./channels.ts";
import { type ButtonOutcome, buttonAnswer } from "./messages.ts";
import { answerCallbackQuery, constantTimeEqual, parseSecretToken, verifyCallbackData } from "./telegram.ts";

export type TelegramUpdateDeps = {
  db: Database;
  keyring: Keyring | null;
  telegramBaseUrl: string;
  fetch: typeof fetch;
  /** The same service the approval route calls (the portfolio's Durable Object). */
  approve: (portfolioId: string, userId: string, runId: string, decisions: ApprovalItem[]) => Promise<unknown>;
};

/**
 * A press on a review's approve/reject button, as Telegram posts it to /api/telegram/webhook. The secret token names
 * the channel and must match its stored secret (else 401); the button's data must carry that channel's MAC (else
 * 403). Everything after that is answered to the user through answerCallbackQuery, and the webhook answers 200, so
 * Telegram does not send the update again.
 */
export async function handleTelegramUpdate(
  deps: TelegramUpdateDeps,
  secretToken: string | undefined,
  update: TelegramUpdate,
): Promise<{ handled: boolean; answer: string | null }> {
  const parsed = secretToken ? parseSecretToken(secretToken) : null;
  const channel = parsed ? await channelById(deps.db, parsed.channelId) : undefined;
  if (!parsed || !channel || channel.channel !== "telegram" || !deps.keyring) throw unauthorized();
  const destination = await openDestination(deps.keyring, channel).catch(() => null);
  if (destination?.channel !== "telegram" || !constantTimeEqual(destination.webhookSecret, parsed.secret))
    throw unauthorized();
  const query = update.callback_query;
  if (!query?.data) return { handled: false, answer: null };
  const pressed = verifyCallbackData(destination.webhookSecret, channel.id, query.data);
  const chatId = query.message?.chat.id;
  if (!pressed || (chatId !== undefined && /^-?\d+$/.test(destination.chatId) && String(chatId) !== destination.chatId))
    throw new ApiError("forbidden", "This button was not sent by Ballast to this chat.", { status: 403 });
  // Answered in the channel's language, like the message the button came with.
  const answer = buttonAnswer(await decide(deps, channel.userId, pressed.action, pressed.runId), channel.language);
  const api = { baseUrl: deps.telegramBaseUrl, botToken: destination.botToken, fetch: deps.fetch, timeoutMs: 10_000 };
  await answerCallbackQuery(api, query.id, answer).catch(() => {});
  return { handled: true, answer };
}

async function decide(
  deps: TelegramUpdateDeps,
  userId: string,
  action: "approve" | "reject",
  runId: string,
): Promise<ButtonOutcome> {
  const run = await deps.db
    .select({ portfolioId: portfolioRuns.portfolioId, status: portfolioRuns.status })
    .from(portfolioRuns)
    .where(eq(portfolioRuns.id, runId))
    .get();
  if (run?.status !== "awaiting_approval") return { kind: "not_waiting" };
  const user = await deps.db
    .select({ twoFactorForTrading: users.twoFactorForTrading, totpEnabled: users.totpEnabled, enabled: users.enabled })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!user?.enabled) return { kind: "account_disabled" };
  // A button press carries no second factor: where trading needs one, approving happens in the app.
  if (action === "approve" && user.totpEnabled && user.twoFactorForTrading) return { kind: "needs_two_factor" };
  const waiting = await deps.db
    .select({ id: portfolioOrders.id })
    .from(portfolioOrders)
    .where(and(eq(portfolioOrders.runId, runId), eq(portfolioOrders.status, "pending_approval")))
    .all();
  if (waiting.length === 0) return { kind: "nothing_waiting" };
  try {
    await deps.approve(
      run.portfolioId,
      userId,
      runId,
      waiting.slice(0, 20).map((order) => ({ orderId: order.id, action })),
    );
  } catch (error) {
    if (error instanceof ApiError) return { kind: "refused", detail: error.message };
    throw error;
  }
  return { kind: action === "approve" ? "approved" : "rejected", count: waiting.length };
}

function unauthorized(): ApiError {
  return new ApiError("unauthorized", "The Telegram secret token is missing or wrong.", { status: 401 });
}
