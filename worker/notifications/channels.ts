import { and, asc, eq } from "drizzle-orm";
import {
  NOTIFICATION_EVENTS,
  type NotificationChannel,
  type NotificationChannelKind,
  type NotificationEvent,
  type NotificationLanguage,
  type SetNotificationChannel,
} from "../../shared/api/notifications.ts";
import { randomToken } from "../auth/encoding.ts";
import type { Database } from "../db/client.ts";
import { notificationChannels } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import { aiBaseUrlProblem, baseUrlIssue } from "../keys/ai-base-url.ts";
import type { Keyring } from "../keys/keyring.ts";
import { last4, maskLast4 } from "../keys/masking.ts";
import { openSecret, SecretUnreadableError, sealSecret } from "../keys/sealed-secret.ts";

export type ChannelRow = typeof notificationChannels.$inferSelect;

/** What a channel needs to deliver, sealed as one JSON value: never returned, never logged. */
export type ChannelDestination =
  | { channel: "webhook"; url: string; secret: string }
  | { channel: "telegram"; botToken: string; chatId: string; webhookSecret: string }
  | { channel: "push"; endpoint: string; p256dh: string; auth: string };

export type ChannelServices = { db: Database; keyring: Keyring; extraHosts: string[]; now: Date };

export async function listChannels(db: Database, userId: string): Promise<NotificationChannel[]> {
  const rows = await db
    .select()
    .from(notificationChannels)
    .where(eq(notificationChannels.userId, userId))
    .orderBy(asc(notificationChannels.channel))
    .all();
  return rows.map(toChannelView);
}

/**
 * Adds or replaces a channel. `prepare` runs before saving with the destination about to be stored (Telegram
 * registers its webhook there), so a destination the service refuses is never saved.
 */
export async function setChannel(
  services: ChannelServices,
  userId: string,
  input: SetNotificationChannel,
  prepare: (destination: ChannelDestination, channelId: string) => Promise<void> = async () => {},
): Promise<NotificationChannel> {
  const existing = await findChannel(services.db, userId, input.channel);
  const id = existing?.id ?? crypto.randomUUID();
  const { destination, target, secret } = destinationOf(input, services.extraHosts);
  await prepare(destination, id);
  const sealed = await sealSecret(
    services.keyring,
    { userId, kind: "notification_channel", recordId: id },
    JSON.stringify(destination),
  );
  const columns = {
    enabled: input.enabled,
    events: JSON.stringify(uniqueEvents(input.events)),
    language: input.language ?? existing?.language ?? "en",
    target,
    sealed: sealed.sealed,
    keyVersion: sealed.keyVersion,
    secretLast4: last4(secret),
    updatedAt: services.now,
  };
  const [row] = await services.db
    .insert(notificationChannels)
    .values({ id, userId, channel: input.channel, ...columns, createdAt: services.now })
    .onConflictDoUpdate({ target: [notificationChannels.userId, notificationChannels.channel], set: columns })
    .returning();
  if (!row) throw new Error("notification channel upsert returned nothing");
  return toChannelView(row);
}

export async function updateChannel(
  db: Database,
  userId: string,
  channel: NotificationChannelKind,
  patch: {
    enabled?: boolean | undefined;
    events?: NotificationEvent[] | undefined;
    language?: NotificationLanguage | undefined;
  },
  now: Date,
): Promise<NotificationChannel> {
  const [row] = await db
    .update(notificationChannels)
    .set({
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
      ...(patch.events === undefined ? {} : { events: JSON.stringify(uniqueEvents(patch.events)) }),
      ...(patch.language === undefined ? {} : { language: patch.language }),
      updatedAt: now,
    })
    .where(and(eq(notificationChannels.userId, userId), eq(notificationChannels.channel, channel)))
    .returning();
  if (!row) throw notSetUp(channel);
  return toChannelView(row);
}

export async function deleteChannel(db: Database, userId: string, channel: NotificationChannelKind): Promise<void> {
  const deleted = await db
    .delete(notificationChannels)
    .where(and(eq(notificationChannels.userId, userId), eq(notificationChannels.channel, channel)))
    .returning({ id: notificationChannels.id });
  if (deleted.length === 0) throw notSetUp(channel);
}

export async function ownedChannel(
  db: Database,
  userId: string,
  channel: NotificationChannelKind,
): Promise<ChannelRow> {
  const row = await findChannel(db, userId, channel);
  if (!row) throw notSetUp(channel);
  return row;
}

export function channelById(db: Database, id: string): Promise<ChannelRow | undefined> {
  return db.select().from(notificationChannels).where(eq(notificationChannels.id, id)).get();
}

/** Decrypts a channel's destination for a delivery. Throws SecretUnreadableError when it no longer opens. */
export async function openDestination(keyring: Keyring, row: ChannelRow): Promise<ChannelDestination> {
  const binding = { userId: row.userId, kind: "notification_channel" as const, recordId: row.id };
  const plain = await openSecret(keyring, binding, { sealed: row.sealed, keyVersion: row.keyVersion });
  const destination = JSON.parse(plain) as ChannelDestination;
  if (destination.channel !== row.channel) throw new SecretUnreadableError("channel kind mismatch");
  return destination;
}

export function eventsOf(row: Pick<ChannelRow, "events">): NotificationEvent[] {
  const parsed = JSON.parse(row.events) as string[];
  return NOTIFICATION_EVENTS.filter((event) => parsed.includes(event));
}

/** The URL policy of AI base URLs: https on the default port, no local or private host unless operator-listed. */
export function checkedOutboundUrl(raw: string, extraHosts: string[], field: string): string {
  const checked = aiBaseUrlProblem(raw, extraHosts);
  if ("url" in checked) return new URL(raw).href;
  throw baseUrlIssue(`json.${field}`, checked, `${field}: ${checked.problem}`);
}

function destinationOf(
  input: SetNotificationChannel,
  extraHosts: string[],
): { destination: ChannelDestination; target: string; secret: string } {
  switch (input.channel) {
    case "webhook": {
      const url = checkedOutboundUrl(input.url, extraHosts, "url");
      return { destination: { channel: "webhook", url, secret: input.secret }, target: url, secret: input.secret };
    }
    case "telegram":
      return {
        destination: {
          channel: "telegram",
          botToken: input.botToken,
          chatId: input.chatId,
          // Telegram sends it back with every update (X-Telegram-Bot-Api-Secret-Token) and it keys the buttons' MACs.
          webhookSecret: randomToken(32),
        },
        target: input.chatId,
        secret: input.botToken,
      };
    case "push": {
      const endpoint = checkedOutboundUrl(input.subscription.endpoint, extraHosts, "subscription.endpoint");
      const { p256dh, auth } = input.subscription.keys;
      // The endpoint itself is a capability: only its host is shown.
      return { destination: { channel: "push", endpoint, p256dh, auth }, target: new URL(endpoint).host, secret: auth };
    }
  }
}

function uniqueEvents(events: NotificationEvent[]): NotificationEvent[] {
  return NOTIFICATION_EVENTS.filter((event) => events.includes(event));
}

function findChannel(db: Database, userId: string, channel: NotificationChannelKind): Promise<ChannelRow | undefined> {
  return db
    .select()
    .from(notificationChannels)
    .where(and(eq(notificationChannels.userId, userId), eq(notificationChannels.channel, channel)))
    .get();
}

function notSetUp(channel: NotificationChannelKind): ApiError {
  return new ApiError("not_found", `You have no ${channel} notification channel set up.`);
}

function toChannelView(row: ChannelRow): NotificationChannel {
  return {
    channel: row.channel,
    enabled: row.enabled,
    events: eventsOf(row),
    language: row.language,
    target: row.target,
    secret: maskLast4(row.secretLast4),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
