import { ApiError } from "../http/api-error.ts";
import type { ChannelDestination } from "./channels.ts";
import { setWebhook, TelegramError, webhookSecretToken } from "./telegram.ts";

/**
 * Saving a Telegram channel points the bot's webhook at this app, with the secret token Telegram will send back, so
 * the approve/reject buttons reach us. A token Telegram refuses is a 400 and the channel is not saved.
 */
export function telegramWebhookRegistrar(baseUrl: string, appOrigin: string, fetcher: typeof fetch) {
  return async (destination: ChannelDestination, channelId: string): Promise<void> => {
    if (destination.channel !== "telegram") return;
    const api = { baseUrl, botToken: destination.botToken, fetch: fetcher, timeoutMs: 10_000 };
    try {
      await setWebhook(
        api,
        `${appOrigin}/api/telegram/webhook`,
        webhookSecretToken(channelId, destination.webhookSecret),
      );
    } catch (error) {
      if (!(error instanceof TelegramError)) throw error;
      throw new ApiError("channel_rejected", `Telegram refused this bot: ${error.message}`, { status: 400 });
    }
  };
}
