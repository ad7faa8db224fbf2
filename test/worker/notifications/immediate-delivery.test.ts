import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../worker/app.ts";
import type { IdentityDeps } from "../../../worker/auth/context.ts";
import { readConfig } from "../../../worker/config.ts";
import { openDatabase } from "../../../worker/db/client.ts";
import { createLogger } from "../../../worker/http/logger.ts";
import { deliverDueNotifications } from "../../../worker/notifications/delivery.ts";
import { enqueueNotification } from "../../../worker/notifications/outbox.ts";
import { signIn, type TestApp, testApp, userId } from "../identity/support.ts";
import { addWebhook, deliverAt, outboxOf, simHook, WEBHOOK_SECRET } from "./support.ts";

/** The app as the runtime calls it, with an execution context whose waitUntil work is awaited before answering. */
function appWithContext(identity: Partial<IdentityDeps> = {}): TestApp {
  const app = createApp(identity);
  return {
    env,
    fetch: async (request) => {
      const ctx = createExecutionContext();
      const response = await app.fetch(request, env, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    },
  };
}

describe("immediate notification delivery", () => {
  it("sends each row once when the cron's pass and a user's immediate passes run at the same time", async () => {
    const user = await signIn(testApp());
    const owner = await userId(user);
    const hook = await simHook(WEBHOOK_SECRET);
    await addWebhook(user, hook.url, ["key_unverified"]);
    // An hour ahead, so no other test's cron pass finds these rows due (the database is shared).
    const at = new Date(Date.now() + 3_600_000);
    const log = createLogger("error");
    for (const label of ["A", "B", "C"])
      await enqueueNotification(
        env.DB,
        {
          userId: owner,
          type: "key_unverified",
          key: crypto.randomUUID(),
          params: { label, venue: "bybit", reason: "x" },
        },
        at,
        log,
      );
    const deps = { db: openDatabase(env.DB), config: readConfig(env), fetch, log };
    const tallies = await Promise.all([
      deliverAt(at),
      deliverDueNotifications(deps, at, { userId: owner }),
      deliverDueNotifications(deps, at, { userId: owner }),
    ]);
    expect(tallies.reduce((sum, tally) => sum + tally.sent, 0)).toBe(3);
    const received = await hook.received();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.eventId)).size).toBe(3);
    expect((await outboxOf(owner)).map((r) => [r.status, r.attempts])).toEqual([
      ["sent", 1],
      ["sent", 1],
      ["sent", 1],
    ]);
  });

  it("delivers what a route queued once it has answered, in the channel's language, with the machine fields kept", async () => {
    const unavailable = async () => ({ outcome: "unavailable" as const, reason: "The exchange did not answer." });
    const user = await signIn(appWithContext({ verifyExchangeKey: unavailable }));
    const hook = await simHook(WEBHOOK_SECRET);
    await user.put("/api/notifications/channels", {
      channel: "webhook",
      enabled: true,
      events: ["key_unverified"],
      language: "ru",
      url: hook.url,
      secret: WEBHOOK_SECRET,
    });
    const saved = await user.post("/api/keys/exchange", {
      venue: "binance",
      environment: "testnet",
      label: "Main",
      apiKey: `api-key-${crypto.randomUUID()}`,
      apiSecret: `api-secret-${crypto.randomUUID()}`,
    });
    expect(saved.body).toMatchObject({ status: "unverified" });
    // No cron pass ran: the route's waitUntil sent it.
    const [delivery] = await hook.received();
    expect(delivery).toMatchObject({ verified: true, status: 200 });
    expect(delivery?.body).toMatchObject({
      type: "key_unverified",
      language: "ru",
      title: "Биржевой ключ «Main» не проверен",
      text: expect.stringMatching(
        /^Ключ Binance «Main» не удалось проверить, и он не будет торговать: Saved as unverified/,
      ),
      data: { keyId: saved.body.id, label: "Main", venue: "binance" },
    });
    expect((await outboxOf(await userId(user))).map((r) => r.status)).toEqual(["sent"]);
  });
});
