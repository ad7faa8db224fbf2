import { env } from "cloudflare:workers";
import Big from "big.js";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../worker/db/client.ts";
import { createLogger } from "../../../worker/http/logger.ts";
import { enqueueDailySummaries } from "../../../worker/notifications/daily-summary.ts";
import { dumpAccount, holdPrice } from "../accounts/support.ts";
import {
  cronTick,
  eventually,
  futuresAction,
  futuresPlan,
  newPortfolio,
  OPENAI,
  scriptedTrader,
  settleVenue,
  spotBuy,
  spotPlan,
} from "../engine/support.ts";
import { Caller, signIn, testApp, userId } from "../identity/support.ts";
import { futuresPortfolio, settledRun, spotPortfolio, startSettled } from "../portfolios/support.ts";
import { deliverAt, outboxOf, simBot, simHook } from "./support.ts";

type Order = { id: string; status: string };

async function telegramChannel(user: Caller, events: string[], language: "en" | "ru" = "en") {
  const bot = await simBot();
  const saved = await user.put("/api/notifications/channels", {
    channel: "telegram",
    enabled: true,
    events,
    language,
    botToken: bot.token,
    chatId: "777",
  });
  if (saved.status !== 200) throw new Error(`telegram not saved: ${saved.text}`);
  return bot;
}

/** Telegram's side of a button press: the update the simulator built, posted to the app's webhook route. */
function postUpdate(user: Caller, update: unknown, secretToken: string | null) {
  const anonymous = new Caller(user.app);
  return anonymous.post("/api/telegram/webhook", update, {
    origin: null,
    headers: secretToken === null ? {} : { "x-telegram-bot-api-secret-token": secretToken },
  });
}

type Trader = Awaited<ReturnType<typeof scriptedTrader>>;

/** A Binance futures portfolio whose start opened a 1 000 DOGE long at 0.2 with these stops, placed on the venue. */
async function dogeLong(events: string[], stops: { stopLoss: string; takeProfit?: string }) {
  await holdPrice("binance", "linear", "DOGEUSDT", "0.2");
  const t = await scriptedTrader("binance", { spot: {}, futuresWallet: "10000" });
  await telegramChannel(t.user, events);
  await t.decide(
    futuresPlan([
      futuresAction({ symbol: "DOGEUSDT", action: "OPEN", side: "LONG", quantity: "1000", leverage: 2, ...stops }),
    ]),
  );
  const id = await newPortfolio(
    t.user,
    futuresPortfolio(t.keyId, { decisionSource: OPENAI, tokens: [{ token: "DOGE", minAllocation: 0 }] }),
  );
  const { run } = await startSettled(t.user, id);
  expect((run.orders as unknown as { stopsStatus: string }[])[0]).toMatchObject({ stopsStatus: "placed" });
  return { t, id };
}

/** Moves DOGE to `price` and waits until the venue's `stop` has closed the position. */
async function closedByVenue(t: Trader, price: string, stop: string) {
  await holdPrice("binance", "linear", "DOGEUSDT", price);
  await settleVenue("binance");
  await eventually(
    async () => ((await dumpAccount(t.account.apiKey)).positions.some((p) => Big(p.size).gt(0)) ? undefined : true),
    `the venue's ${stop} to close the position`,
  );
}

describe("notifications from the engine", () => {
  it("asks for approval on Telegram; only the signed button of the owner's chat approves, through the approval service", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const bot = await telegramChannel(t.user, ["approval_waiting", "order_filled", "portfolio_paused"]);
    // A second channel whose receiver is down: its failures must not touch the review.
    const hook = await simHook("whsec-0123456789abcdef-test", 20);
    await t.user.put("/api/notifications/channels", {
      channel: "webhook",
      enabled: true,
      events: ["approval_waiting"],
      url: hook.url,
      secret: "whsec-0123456789abcdef-test",
    });
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, {
        tokens: [{ token: "ETH", minAllocation: 0 }],
        decisionSource: OPENAI,
        executionMode: "manual_approval",
      }),
    );
    await t.decide(spotPlan([spotBuy("ETHUSDT", "0.5", "2500")]));
    const { run } = await startSettled(t.user, id);
    expect(run).toMatchObject({ status: "awaiting_approval" });
    const owner = await userId(t.user);
    // Sent by the portfolio's object as soon as the wait was saved, with no cron tick; the receiver that is down
    // keeps its row for the cron's retries, and the review waits for approval all the same.
    const byChannel = await eventually(async () => {
      const rows = Object.fromEntries((await outboxOf(owner)).map((r) => [r.channel, r]));
      return rows.telegram?.status === "sent" && rows.webhook?.last_error ? rows : undefined;
    }, "the approval request delivered without the cron");
    expect(byChannel.telegram).toMatchObject({ type: "approval_waiting", status: "sent", attempts: 1 });
    expect(byChannel.webhook).toMatchObject({ type: "approval_waiting", status: "pending", attempts: 1 });
    expect(byChannel.webhook?.last_error).toContain("answered 500");
    expect((await settledRun(t.user, id, run.id)).status).toBe("awaiting_approval");
    // The failed try backs off like any other: not due again before its retry time, taken again at it.
    await deliverAt(new Date());
    expect((await hook.received()).map((r) => r.status)).toEqual([500]);
    await deliverAt(new Date(byChannel.webhook?.next_attempt_at ?? 0));
    expect((await hook.received()).map((r) => r.status)).toEqual([500, 500]);
    expect((await outboxOf(owner)).find((r) => r.channel === "webhook")).toMatchObject({ attempts: 2 });

    const [message] = (await bot.record()).messages;
    expect(message?.text).toBe(
      "Majors: orders waiting for approval\nA review of Majors planned 1 order that waits for your approval.",
    );
    expect(message?.reply_markup?.inline_keyboard[0]?.map((b) => b.text)).toEqual(["✅ Approve", "❌ Reject"]);
    const press = await (
      await fetch(`${env.SIM_URL}/control/telegram/press`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: bot.token, button: 0, post: false }),
      })
    ).json<{ update: { callback_query: { data: string } }; secretToken: string }>();

    // Not from Telegram: no or a wrong secret token.
    expect((await postUpdate(t.user, press.update, null)).status).toBe(401);
    const wrongToken = press.secretToken.replace(/_.*/, "_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect((await postUpdate(t.user, press.update, wrongToken)).status).toBe(401);
    // From Telegram, but a button nobody signed: "reject" turned into "approve" by hand, another run, another MAC.
    const data = press.update.callback_query.data;
    for (const forged of [`r${data.slice(1)}`, data.replace(run.id, crypto.randomUUID()), `${data.slice(0, -4)}0000`]) {
      const update = { ...press.update, callback_query: { ...press.update.callback_query, data: forged } };
      const refused = await postUpdate(t.user, update, press.secretToken);
      expect(refused.status, forged).toBe(403);
    }
    expect((await settledRun(t.user, id, run.id)).status).toBe("awaiting_approval");

    const pressed = await postUpdate(t.user, press.update, press.secretToken);
    expect(pressed.status, pressed.text).toBe(200);
    const done = await settledRun(t.user, id, run.id);
    expect(done.status).toBe("completed");
    expect((done.orders as unknown as Order[])[0]).toMatchObject({ status: "filled" });
    expect((await bot.record()).answers.at(-1)?.text).toBe("Approved 1 order(s).");
    // The fill is an event of its own.
    await eventually(
      async () => ((await outboxOf(owner)).some((r) => r.type === "order_filled") ? true : undefined),
      "the order_filled event",
    );
    // A second press finds nothing waiting and says so.
    expect((await postUpdate(t.user, press.update, press.secretToken)).status).toBe(200);
    expect((await bot.record()).answers.at(-1)?.text).toBe("This review is no longer waiting for approval.");

    // Deleting the key pauses the portfolio: the owner hears why.
    expect((await t.user.delete(`/api/keys/exchange/${t.keyId}`)).status).toBe(200);
    const paused = (await outboxOf(owner)).find((r) => r.type === "portfolio_paused");
    // With the pause's message as a code and parameters, for channels in other languages to word it.
    expect(JSON.parse(paused?.params ?? "{}")).toMatchObject({
      portfolioId: id,
      reason: expect.any(String),
      reasonCode: "key_unavailable",
      reasonMessage: "key_deleted",
      reasonParams: "{}",
    });
  });

  it("tells the owner when the venue's stop-loss closes a futures position", async () => {
    const { t, id } = await dogeLong(["stop_loss_hit"], { stopLoss: "0.196" });
    await closedByVenue(t, "0.19", "stop-loss");
    await cronTick(Date.UTC(2026, 11, 1, 12, 3, 0));
    const owner = await userId(t.user);
    const hit = (await outboxOf(owner)).find((r) => r.type === "stop_loss_hit");
    expect(JSON.parse(hit?.params ?? "{}")).toMatchObject({ portfolioId: id, symbol: "DOGEUSDT", quantity: "1000" });
  });

  it("tells a stop-loss hit against an entry older than what recording trades reads again", async () => {
    const { t, id } = await dogeLong(["stop_loss_hit"], { stopLoss: "0.196" });
    // The entry's row made two days old: marked complete, it falls outside the window recording trades reads again
    // (back to the last recorded trade). Its trade keeps the venue's time, so the venue's list and the record agree.
    const twoDaysAgo = Date.now() - 2 * 86_400_000;
    const aged = await env.DB.prepare(
      `UPDATE "portfolio_orders" SET "created_at" = ?1, "sent_at" = ?1, "updated_at" = ?1
       WHERE "portfolio_id" = ?2 AND "fills_complete" = 1`,
    )
      .bind(twoDaysAgo, id)
      .run();
    expect(aged.meta.changes).toBe(1);

    await closedByVenue(t, "0.19", "stop-loss");
    await cronTick(Date.UTC(2026, 11, 1, 12, 3, 0));
    const { results: fills } = await env.DB.prepare(
      `SELECT "order_id", "side" FROM "portfolio_fills" WHERE "portfolio_id" = ? ORDER BY "time"`,
    )
      .bind(id)
      .all<{ order_id: string; side: string }>();
    expect(fills.map((f) => [f.order_id === "external", f.side])).toEqual([
      [false, "buy"],
      [true, "sell"],
    ]);
    const hit = (await outboxOf(await userId(t.user))).find((r) => r.type === "stop_loss_hit");
    expect(JSON.parse(hit?.params ?? "{}")).toMatchObject({ portfolioId: id, symbol: "DOGEUSDT", quantity: "1000" });
    await holdPrice("binance", "linear", "DOGEUSDT", "0.2");
  });

  it("tells a take-profit close apart from a stop-loss hit", async () => {
    const { t, id } = await dogeLong(["stop_loss_hit", "take_profit_hit"], { stopLoss: "0.196", takeProfit: "0.21" });
    await closedByVenue(t, "0.215", "take-profit");
    await cronTick(Date.UTC(2026, 11, 1, 12, 3, 0));
    const owner = await userId(t.user);
    const closes = (await outboxOf(owner)).filter((r) => r.type.endsWith("_hit"));
    expect(closes.map((r) => r.type)).toEqual(["take_profit_hit"]);
    expect(JSON.parse(closes[0]?.params ?? "{}")).toMatchObject({
      portfolioId: id,
      symbol: "DOGEUSDT",
      quantity: "1000",
    });
    await holdPrice("binance", "linear", "DOGEUSDT", "0.2");
  });

  it("writes to a Russian channel in Russian, plural forms and buttons included", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const bot = await telegramChannel(t.user, ["approval_waiting"], "ru");
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, {
        name: "Основной",
        tokens: [{ token: "ETH", minAllocation: 0 }],
        decisionSource: OPENAI,
        executionMode: "manual_approval",
      }),
    );
    await t.decide(spotPlan([spotBuy("ETHUSDT", "0.5", "2500"), spotBuy("ETHUSDT", "0.25", "2490.5")]));
    const { run } = await startSettled(t.user, id);
    expect(run).toMatchObject({ status: "awaiting_approval" });
    const messages = await eventually(async () => {
      const { messages } = await bot.record();
      return messages.length > 0 ? messages : undefined;
    }, "the Russian approval request");
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe(
      "Основной: ордера ждут одобрения\nОбзор портфеля «Основной» запланировал 2 ордера; они ждут вашего одобрения.",
    );
    expect(messages[0]?.reply_markup?.inline_keyboard[0]?.map((b) => b.text)).toEqual(["✅ Одобрить", "❌ Отклонить"]);
    // The press is answered in the channel's language too.
    const press = await (
      await fetch(`${env.SIM_URL}/control/telegram/press`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: bot.token, button: 1, post: false }),
      })
    ).json<{ update: unknown; secretToken: string }>();
    expect((await postUpdate(t.user, press.update, press.secretToken)).status).toBe(200);
    expect((await bot.record()).answers.at(-1)?.text).toBe("Отклонено ордеров: 2.");
    expect((await settledRun(t.user, id, run.id)).status).toBe("completed");
  });

  it("queues one daily summary per user and day, however many ticks run", async () => {
    const t = await scriptedTrader("bybit");
    await telegramChannel(t.user, ["daily_summary"]);
    const owner = await userId(t.user);
    const db = openDatabase(env.DB);
    const log = createLogger("error");
    const day = Date.UTC(2031, 0, 5);
    await enqueueDailySummaries(db, log, new Date(day + 7 * 3_600_000));
    expect((await outboxOf(owner)).filter((r) => r.type === "daily_summary")).toEqual([]);
    await enqueueDailySummaries(db, log, new Date(day + 8 * 3_600_000));
    await enqueueDailySummaries(db, log, new Date(day + 9 * 3_600_000));
    const summaries = (await outboxOf(owner)).filter((r) => r.type === "daily_summary");
    expect(summaries.map((r) => [r.event_key, r.channel])).toEqual([[`daily_summary:2031-01-05:${owner}`, "telegram"]]);
    expect(JSON.parse(summaries[0]?.params ?? "{}")).toMatchObject({ date: "2031-01-05", active: 0, paused: 0 });
  });

  it("tells the owner an exchange key was saved unverified (it will not trade)", async () => {
    const unavailable = async () => ({ outcome: "unavailable" as const, reason: "The exchange did not answer." });
    const user = await signIn(testApp({ verifyExchangeKey: unavailable }));
    await telegramChannel(user, ["key_unverified"]);
    const key = {
      venue: "binance",
      environment: "testnet",
      label: "Main",
      apiKey: `api-key-${crypto.randomUUID()}`,
      apiSecret: `api-secret-${crypto.randomUUID()}`,
    };
    const saved = await user.post("/api/keys/exchange", key);
    expect(saved.body).toMatchObject({ status: "unverified" });
    const [event] = (await outboxOf(await userId(user))).filter((r) => r.type === "key_unverified");
    expect(JSON.parse(event?.params ?? "{}")).toMatchObject({ keyId: saved.body.id, label: "Main", venue: "binance" });
    expect(event?.params).not.toContain(key.apiSecret);
  });
});
