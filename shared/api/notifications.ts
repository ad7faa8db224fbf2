import * as z from "./zod.ts";

/** What Ballast tells a user about; each channel subscribes to some of them. */
export const NOTIFICATION_EVENTS = [
  "approval_waiting",
  "order_filled",
  "stop_loss_hit",
  "take_profit_hit",
  "portfolio_paused",
  "key_unverified",
  "daily_summary",
] as const;
export const NotificationEvent = z.enum(NOTIFICATION_EVENTS).openapi("NotificationEvent");
export type NotificationEvent = z.infer<typeof NotificationEvent>;

export const NOTIFICATION_CHANNELS = ["webhook", "telegram", "push"] as const;
export const NotificationChannelKind = z.enum(NOTIFICATION_CHANNELS).openapi("NotificationChannelKind");
export type NotificationChannelKind = z.infer<typeof NotificationChannelKind>;

/** The language a channel's messages are written in. */
export const NOTIFICATION_LANGUAGES = ["en", "ru"] as const;
export const NotificationLanguage = z
  .enum(NOTIFICATION_LANGUAGES)
  .openapi("NotificationLanguage", { description: "The language of the channel's messages" });
export type NotificationLanguage = z.infer<typeof NotificationLanguage>;

export const DELIVERY_STATUSES = ["pending", "sent", "failed"] as const;
export const DeliveryStatus = z.enum(DELIVERY_STATUSES).openapi("NotificationDeliveryStatus");

/** An event's facts, as stored in the outbox and rendered into each channel's message (bounded, flat). */
export const NotificationParams = z.record(
  z.string().max(40),
  z.union([z.string().max(500), z.number(), z.boolean(), z.null()]),
);
export type NotificationParams = z.infer<typeof NotificationParams>;

const events = z
  .array(NotificationEvent)
  .max(NOTIFICATION_EVENTS.length)
  .openapi({ description: "The events this channel receives" });

const language = NotificationLanguage.optional().openapi({
  description: "The language of its messages; when left out, the channel's current one (`en` for a new channel)",
});

export const NotificationChannel = z
  .object({
    channel: NotificationChannelKind,
    enabled: z.boolean(),
    events: z.array(NotificationEvent),
    language: NotificationLanguage,
    target: z.string().openapi({
      description:
        "Where messages go, without secrets: the webhook URL, the Telegram chat id, or the push service's host",
    }),
    secret: z
      .string()
      .openapi({ description: "Only the last 4 characters of the channel's secret", example: "••••7f3a" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("NotificationChannel");
export type NotificationChannel = z.infer<typeof NotificationChannel>;

export const NotificationSettings = z
  .object({
    channels: z.array(NotificationChannel),
    vapidPublicKey: z
      .string()
      .nullable()
      .openapi({ description: "The server's VAPID public key (applicationServerKey), null when Web Push is off" }),
  })
  .openapi("NotificationSettings");

const base64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/);

export const WebhookChannelInput = z
  .object({
    channel: z.literal("webhook"),
    enabled: z.boolean(),
    events,
    language,
    url: z.url().max(500).openapi({ description: "https URL that receives a signed POST per event" }),
    secret: z.string().min(16).max(128).openapi({
      description: "Shared secret for the `Ballast-Signature` HMAC-SHA256 header; stored encrypted, never shown again",
    }),
  })
  .openapi("WebhookChannelInput");

export const TelegramChannelInput = z
  .object({
    channel: z.literal("telegram"),
    enabled: z.boolean(),
    events,
    language,
    botToken: z
      .string()
      .max(100)
      .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,80}$/, "a bot token looks like 123456:ABC-DEF…")
      .openapi({ description: "Your bot's token from @BotFather; stored encrypted, never shown again" }),
    chatId: z
      .string()
      .max(40)
      .regex(/^-?\d{1,20}$|^@[A-Za-z0-9_]{5,32}$/, "a chat id is a number or @channelname")
      .openapi({ description: "The chat the bot writes to" }),
  })
  .openapi("TelegramChannelInput");

export const PushChannelInput = z
  .object({
    channel: z.literal("push"),
    enabled: z.boolean(),
    events,
    language,
    subscription: z.object({
      endpoint: z.url().max(1_000),
      keys: z.object({ p256dh: base64url(80, 100), auth: base64url(16, 32) }),
    }),
  })
  .openapi("PushChannelInput", { description: "A browser's PushSubscription (its toJSON())" });

export const SetNotificationChannel = z
  .discriminatedUnion("channel", [WebhookChannelInput, TelegramChannelInput, PushChannelInput])
  .openapi("SetNotificationChannel");
export type SetNotificationChannel = z.infer<typeof SetNotificationChannel>;

/** Turning a channel on or off, or choosing its events or language, without entering its secret again. */
export const UpdateNotificationChannel = z
  .object({ enabled: z.boolean().optional(), events: events.optional(), language })
  .openapi("UpdateNotificationChannel");

export const NotificationChannelParam = z.object({
  channel: NotificationChannelKind.openapi({ param: { name: "channel", in: "path" } }),
});

export const NotificationTestResult = z
  .object({
    delivered: z.boolean(),
    error: z.string().nullable().openapi({ description: "Why the channel did not accept the test message" }),
  })
  .openapi("NotificationTestResult");
export type NotificationTestResult = z.infer<typeof NotificationTestResult>;

export const NotificationDelivery = z
  .object({
    event: NotificationEvent,
    channel: NotificationChannelKind,
    status: DeliveryStatus,
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    lastError: z.string().nullable(),
    params: NotificationParams,
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
  })
  .openapi("NotificationDelivery");
export type NotificationDelivery = z.infer<typeof NotificationDelivery>;

export const NotificationDeliveryList = z
  .object({ deliveries: z.array(NotificationDelivery) })
  .openapi("NotificationDeliveryList");

/** Telegram's Update, as much of it as an inline button's press carries (core.telegram.org/bots/api#update). */
export const TelegramUpdate = z
  .object({
    update_id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    callback_query: z
      .object({
        id: z.string().max(100),
        data: z.string().max(64).optional(),
        message: z
          .object({
            chat: z.object({ id: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER) }),
          })
          .optional(),
      })
      .optional(),
  })
  .openapi("TelegramUpdate");
export type TelegramUpdate = z.infer<typeof TelegramUpdate>;
