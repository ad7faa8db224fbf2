import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../worker/http/logger.ts";
import { enqueueNotification, OUTBOX_RETENTION_MS, pruneOutbox } from "../../../worker/notifications/outbox.ts";
import { encryptPayload } from "../../../worker/notifications/web-push.ts";
import { signIn, testApp, userId } from "../identity/support.ts";
import { addWebhook, deliverAt, outboxOf, simBot, simHook, simPushSubscription, WEBHOOK_SECRET } from "./support.ts";

const ALL = [
  "approval_waiting",
  "order_filled",
  "stop_loss_hit",
  "take_profit_hit",
  "portfolio_paused",
  "key_unverified",
  "daily_summary",
];

describe("RFC 8291 Web Push encryption", () => {
  it("produces the RFC's Appendix A message from its keys and salt", async () => {
    const body = await encryptPayload(
      new TextEncoder().encode("When I grow up, I want to be a watermelon"),
      {
        p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        auth: "BTBZMqHH6r4Tts7J_aSIgg",
      },
      {
        senderPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
        senderPublic: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
        salt: "DGv6ra1nlYgDCS1FRnbzlw",
      },
    );
    const encoded = btoa(String.fromCharCode(...body))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    expect(encoded).toBe(
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
    );
  });
});

describe("notification channels", () => {
  it("sends a signed webhook test the receiver verifies, and never shows the secret again", async () => {
    const user = await signIn(testApp());
    const hook = await simHook(WEBHOOK_SECRET);
    const saved = await user.put("/api/notifications/channels", {
      channel: "webhook",
      enabled: true,
      events: ALL,
      url: hook.url,
      secret: WEBHOOK_SECRET,
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ channel: "webhook", enabled: true, target: hook.url, secret: "••••test" });
    const listed = await user.get("/api/notifications");
    expect(listed.text).not.toContain(WEBHOOK_SECRET);
    expect(listed.body.vapidPublicKey).toBe(env.VAPID_PUBLIC_KEY);

    const test = await user.post("/api/notifications/channels/webhook/test");
    expect(test.body).toEqual({ delivered: true, error: null });
    const [received] = await hook.received();
    expect(received).toMatchObject({
      verified: true,
      status: 200,
      body: { type: "test", title: "Ballast test notification" },
    });

    // A receiver holding another secret refuses the signature: the test says so instead of pretending.
    const other = await simHook("another-secret-0123456789");
    await addWebhook(user, other.url, []);
    const refused = await user.post("/api/notifications/channels/webhook/test");
    expect(refused.body).toMatchObject({ delivered: false, error: expect.stringContaining("answered 401") });
    expect((await other.received())[0]).toMatchObject({ verified: false, status: 401 });
  });

  it("refuses private or plain-http webhook hosts like AI base URLs", async () => {
    const user = await signIn(testApp());
    for (const url of [
      "http://example.com/hook",
      "https://10.0.0.7/hook",
      "https://localhost/hook",
      "https://a.internal/x",
    ]) {
      const reply = await user.put("/api/notifications/channels", {
        channel: "webhook",
        enabled: true,
        events: [],
        url,
        secret: WEBHOOK_SECRET,
      });
      expect(reply.status, url).toBe(400);
      expect(reply.body.error).toMatchObject({ code: "validation_failed" });
    }
  });

  it("retries a failed delivery with exponential backoff until the receiver takes it, once per (event, channel)", async () => {
    const user = await signIn(testApp());
    const id = await userId(user);
    const hook = await simHook(WEBHOOK_SECRET, 2);
    await addWebhook(user, hook.url, ["key_unverified"]);
    const start = new Date(Date.now() + 3_600_000);
    const event = {
      userId: id,
      type: "key_unverified" as const,
      key: crypto.randomUUID(),
      params: { label: "Main", venue: "binance", reason: "x" },
    };
    await enqueueNotification(env.DB, event, start, createLogger("error"));
    await enqueueNotification(env.DB, event, start, createLogger("error"));
    // An event the channel did not choose is not queued for it.
    await enqueueNotification(env.DB, { ...event, type: "order_filled", key: "other" }, start, createLogger("error"));
    expect((await outboxOf(id)).map((r) => [r.type, r.status])).toEqual([["key_unverified", "pending"]]);

    await deliverAt(start);
    let [row] = await outboxOf(id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, next_attempt_at: start.getTime() + 60_000 });
    expect(row?.last_error).toContain("answered 500");
    await deliverAt(new Date(start.getTime() + 59_000));
    expect((await outboxOf(id))[0]?.attempts).toBe(1);
    await deliverAt(new Date(start.getTime() + 60_000));
    [row] = await outboxOf(id);
    expect(row).toMatchObject({ status: "pending", attempts: 2, next_attempt_at: start.getTime() + 60_000 + 120_000 });
    await deliverAt(new Date(start.getTime() + 180_000));
    [row] = await outboxOf(id);
    expect(row).toMatchObject({ status: "sent", attempts: 3, next_attempt_at: null });
    const received = await hook.received();
    expect(received.map((r) => [r.verified, r.status])).toEqual([
      [true, 500],
      [true, 500],
      [true, 200],
    ]);
    // The same event id on every try, so a receiver can drop duplicates.
    expect(new Set(received.map((r) => r.eventId))).toEqual(new Set([`key_unverified:${event.key}`]));
    const listed = await user.get("/api/notifications/deliveries");
    expect(listed.body.deliveries).toMatchObject([
      { event: "key_unverified", channel: "webhook", status: "sent", attempts: 3 },
    ]);
  });

  it("sends Web Push a push service accepts: VAPID-signed and encrypted so only the subscription reads it", async () => {
    const user = await signIn(testApp());
    const push = await simPushSubscription();
    const saved = await user.put("/api/notifications/channels", {
      channel: "push",
      enabled: true,
      events: ["portfolio_paused"],
      subscription: push.subscription,
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.text).not.toContain(push.subscription.keys.auth);
    expect(saved.text).not.toContain(push.subscription.endpoint);
    const test = await user.post("/api/notifications/channels/push/test");
    expect(test.body).toEqual({ delivered: true, error: null });
    const { received } = await push.record();
    expect(received).toEqual([
      {
        vapidVerified: true,
        status: 201,
        payload: { title: "Ballast test notification", text: expect.any(String), type: "test", url: "/notifications" },
      },
    ]);
  });

  it("registers a Telegram bot's webhook with a secret token, and refuses a token Telegram does not know", async () => {
    const user = await signIn(testApp());
    const bot = await simBot();
    const saved = await user.put("/api/notifications/channels", {
      channel: "telegram",
      enabled: true,
      events: ["approval_waiting"],
      botToken: bot.token,
      chatId: "4242",
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.text).not.toContain(bot.token);
    const record = await bot.record();
    expect(record.webhook?.url).toBe("http://localhost/api/telegram/webhook");
    expect(record.webhook?.secretToken).toMatch(/^[0-9a-f-]{36}_[\w-]{40,}$/);
    expect((await user.post("/api/notifications/channels/telegram/test")).body).toEqual({
      delivered: true,
      error: null,
    });
    expect((await bot.record()).messages).toMatchObject([{ chat_id: "4242", text: expect.stringContaining("test") }]);

    const unknown = await user.put("/api/notifications/channels", {
      channel: "telegram",
      enabled: true,
      events: [],
      botToken: "999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      chatId: "4242",
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: "channel_rejected" });
    expect(unknown.text).not.toContain("999999:AAAA");
  });

  it("turns a channel off, changes its events and removes it", async () => {
    const user = await signIn(testApp());
    const hook = await simHook(WEBHOOK_SECRET);
    await user.put("/api/notifications/channels", {
      channel: "webhook",
      enabled: true,
      events: ALL,
      url: hook.url,
      secret: WEBHOOK_SECRET,
    });
    const off = await user.call("PATCH", "/api/notifications/channels/webhook", {
      body: { enabled: false, events: ["daily_summary", "daily_summary"] },
    });
    expect(off.body).toMatchObject({ enabled: false, events: ["daily_summary"] });
    expect((await user.delete("/api/notifications/channels/webhook")).status).toBe(200);
    expect((await user.delete("/api/notifications/channels/webhook")).status).toBe(404);
    expect((await user.post("/api/notifications/channels/webhook/test")).status).toBe(404);
  });

  it("keeps a channel's language: English unless chosen, changed without the secret, kept when replaced", async () => {
    const user = await signIn(testApp());
    const hook = await simHook(WEBHOOK_SECRET);
    const channel = {
      channel: "webhook",
      enabled: true,
      events: ["daily_summary"],
      url: hook.url,
      secret: WEBHOOK_SECRET,
    };
    expect((await user.put("/api/notifications/channels", channel)).body).toMatchObject({ language: "en" });
    const changed = await user.call("PATCH", "/api/notifications/channels/webhook", { body: { language: "ru" } });
    expect(changed.body).toMatchObject({ language: "ru", events: ["daily_summary"] });
    expect((await user.put("/api/notifications/channels", channel)).body).toMatchObject({ language: "ru" });
    const refused = await user.put("/api/notifications/channels", { ...channel, language: "de" });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "validation_failed" });
    const test = await user.post("/api/notifications/channels/webhook/test");
    expect(test.body).toEqual({ delivered: true, error: null });
    expect((await hook.received())[0]?.body).toMatchObject({
      type: "test",
      language: "ru",
      title: "Тестовое уведомление Ballast",
      data: {},
    });
  });

  it("keeps delivered rows for the deliveries list for 30 days, then prunes them", async () => {
    const user = await signIn(testApp());
    const id = await userId(user);
    const hook = await simHook(WEBHOOK_SECRET);
    await addWebhook(user, hook.url, ["key_unverified"]);
    // Forty days ago, so pruning at that time + 30 days touches no other test's rows (the database is shared).
    const old = new Date(Date.now() - 40 * 86_400_000);
    const event = { userId: id, type: "key_unverified" as const, key: crypto.randomUUID(), params: {} };
    await enqueueNotification(env.DB, event, old, createLogger("error"));
    await deliverAt(old);
    expect((await outboxOf(id)).map((r) => r.status)).toEqual(["sent"]);
    await pruneOutbox(env.DB, new Date(old.getTime() + OUTBOX_RETENTION_MS - 1_000));
    expect(await outboxOf(id)).toHaveLength(1);
    await pruneOutbox(env.DB, new Date(old.getTime() + OUTBOX_RETENTION_MS + 1_000));
    expect(await outboxOf(id)).toEqual([]);
  });
});
