import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { Deleted } from "../../shared/api/keys.ts";
import {
  NotificationChannel,
  NotificationChannelParam,
  NotificationDeliveryList,
  NotificationSettings,
  NotificationTestResult,
  SetNotificationChannel,
  TelegramUpdate,
  UpdateNotificationChannel,
} from "../../shared/api/notifications.ts";
import * as z from "../../shared/api/zod.ts";
import { requireRecentTwoFactor, requireSession } from "../auth/guards.ts";
import { SESSION_ONLY } from "../auth/openapi-security.ts";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { requireKeyring } from "../keys/sealed-secret.ts";
import { deleteChannel, listChannels, setChannel, updateChannel } from "../notifications/channels.ts";
import { recentDeliveries } from "../notifications/deliveries.ts";
import { sendTestNotification } from "../notifications/delivery.ts";
import { telegramWebhookRegistrar } from "../notifications/telegram-registration.ts";
import { handleTelegramUpdate } from "../notifications/telegram-updates.ts";
import { portfolioEngine } from "../portfolios/engine-client.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const TAGS = ["Notifications"];

const settings = createRoute({
  method: "get",
  path: "/notifications",
  tags: TAGS,
  summary: "Your notification channels (secrets masked) and the server's VAPID public key",
  security: SESSION_ONLY,
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "Channels", content: jsonContent(NotificationSettings) },
    ...errorResponses(401, 403, 429),
  },
});

const put = createRoute({
  method: "put",
  path: "/notifications/channels",
  tags: TAGS,
  summary: "Set up or replace a channel: a signed webhook, a Telegram bot and chat, or this browser's Web Push",
  description:
    "Secrets (webhook secret, bot token, push keys) are stored encrypted and never shown again. A Telegram channel " +
    "registers the app's /api/telegram/webhook with the bot (400 `channel_rejected` when Telegram refuses the token). " +
    "URLs follow the AI base URL host policy (400 `validation_failed`). Needs a recent 2FA confirmation when 2FA is on.",
  security: SESSION_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  request: { body: { content: jsonContent(SetNotificationChannel), required: true } },
  responses: {
    200: { description: "The channel", content: jsonContent(NotificationChannel) },
    ...errorResponses(400, 401, 403, 429),
  },
});

const patch = createRoute({
  method: "patch",
  path: "/notifications/channels/{channel}",
  tags: TAGS,
  summary: "Turn a channel on or off, or choose its events",
  security: SESSION_ONLY,
  middleware: [rateLimit("write")] as const,
  request: {
    params: NotificationChannelParam,
    body: { content: jsonContent(UpdateNotificationChannel), required: true },
  },
  responses: {
    200: { description: "The channel", content: jsonContent(NotificationChannel) },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/notifications/channels/{channel}",
  tags: TAGS,
  summary: "Remove a channel and its secrets",
  security: SESSION_ONLY,
  middleware: [rateLimit("write")] as const,
  request: { params: NotificationChannelParam },
  responses: { 200: { description: "Deleted", content: jsonContent(Deleted) }, ...errorResponses(401, 403, 404, 429) },
});

const test = createRoute({
  method: "post",
  path: "/notifications/channels/{channel}/test",
  tags: TAGS,
  summary: "Send a test message on a channel now; answers whether the far side accepted it",
  security: SESSION_ONLY,
  middleware: [rateLimit("sensitive")] as const,
  request: { params: NotificationChannelParam },
  responses: {
    200: { description: "What happened", content: jsonContent(NotificationTestResult) },
    ...errorResponses(401, 403, 404, 429),
  },
});

const deliveries = createRoute({
  method: "get",
  path: "/notifications/deliveries",
  tags: TAGS,
  summary: "Your 50 latest notification deliveries: sent, retrying (with the next try) and failed (with the error)",
  security: SESSION_ONLY,
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "Deliveries", content: jsonContent(NotificationDeliveryList) },
    ...errorResponses(401, 403, 429),
  },
});

const telegramWebhook = createRoute({
  method: "post",
  path: "/telegram/webhook",
  tags: TAGS,
  summary: "Telegram's webhook: approve/reject button presses from notification messages",
  description:
    "Called by Telegram with `X-Telegram-Bot-Api-Secret-Token` (401 when missing or wrong). A button whose data " +
    "the channel did not sign is 403. The outcome is shown to the user with answerCallbackQuery.",
  request: {
    headers: z.object({ "x-telegram-bot-api-secret-token": z.string().max(300).optional() }),
    body: { content: jsonContent(TelegramUpdate), required: true },
  },
  responses: {
    200: {
      description: "Taken",
      content: jsonContent(z.object({ ok: z.literal(true) }).openapi("TelegramWebhookAnswer")),
    },
    ...errorResponses(400, 401, 403),
  },
});

export const notificationRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(settings, async (c) => {
    const principal = requireSession(c);
    const channels = await listChannels(openDatabase(c.env.DB), principal.user.id);
    return c.json({ channels, vapidPublicKey: c.var.config.notifications.vapid?.publicKey ?? null }, 200);
  })
  .openapi(put, async (c) => {
    const principal = requireRecentTwoFactor(c);
    const services = {
      db: openDatabase(c.env.DB),
      keyring: requireKeyring(c.var.config.keyring),
      extraHosts: c.var.config.exchangeExtraHosts,
      now: c.var.identity.now(),
    };
    const origin = c.var.config.appOrigin ?? new URL(c.req.url).origin;
    const register = telegramWebhookRegistrar(c.var.config.notifications.telegramBaseUrl, origin, fetch);
    return c.json(await setChannel(services, principal.user.id, c.req.valid("json"), register), 200);
  })
  .openapi(patch, async (c) => {
    const principal = requireSession(c);
    const db = openDatabase(c.env.DB);
    const { channel } = c.req.valid("param");
    return c.json(await updateChannel(db, principal.user.id, channel, c.req.valid("json"), c.var.identity.now()), 200);
  })
  .openapi(remove, async (c) => {
    const principal = requireSession(c);
    await deleteChannel(openDatabase(c.env.DB), principal.user.id, c.req.valid("param").channel);
    return c.json({ deleted: true as const }, 200);
  })
  .openapi(test, async (c) => {
    const principal = requireSession(c);
    const deps = { db: openDatabase(c.env.DB), config: c.var.config, fetch, log: c.var.log };
    const result = await sendTestNotification(
      deps,
      principal.user.id,
      c.req.valid("param").channel,
      c.var.identity.now(),
    );
    return c.json(result, 200);
  })
  .openapi(deliveries, async (c) => {
    const principal = requireSession(c);
    return c.json({ deliveries: await recentDeliveries(openDatabase(c.env.DB), principal.user.id) }, 200);
  })
  .openapi(telegramWebhook, async (c) => {
    const deps = {
      db: openDatabase(c.env.DB),
      keyring: c.var.config.keyring,
      telegramBaseUrl: c.var.config.notifications.telegramBaseUrl,
      fetch,
      approve: (
        portfolioId: string,
        userId: string,
        runId: string,
        decisions: Parameters<ReturnType<typeof portfolioEngine>["approve"]>[2],
      ) => portfolioEngine(c.env, portfolioId).approve(userId, runId, decisions),
    };
    await handleTelegramUpdate(deps, c.req.valid("header")["x-telegram-bot-api-secret-token"], c.req.valid("json"));
    return c.json({ ok: true as const }, 200);
  });
