import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../../worker/config.ts";
import { openDatabase } from "../../../worker/db/client.ts";
import { createLogger } from "../../../worker/http/logger.ts";
import { enqueueDailySummaries } from "../../../worker/notifications/daily-summary.ts";
import { deliverDueNotifications } from "../../../worker/notifications/delivery.ts";
import { messageOf } from "../../../worker/notifications/messages.ts";
import { newPortfolio, scriptedTrader } from "../engine/support.ts";
import { userId } from "../identity/support.ts";
import { spotPortfolio } from "../portfolios/support.ts";
import { outboxOf, simBot } from "./support.ts";

const HOUR = 3_600_000;

/** Points of a portfolio's equity curve, `hoursAgo` before `now`, as reviews record them. */
async function equityPoints(portfolioId: string, now: number, points: [hoursAgo: number, equity: string][]) {
  await env.DB.batch(
    points.map(([hoursAgo, equity]) =>
      env.DB.prepare(
        `INSERT INTO "equity_snapshots" ("portfolio_id", "at", "equity", "pnl") VALUES (?, ?, ?, '0')`,
      ).bind(portfolioId, now - hoursAgo * HOUR, equity),
    ),
  );
}

describe("the daily summary's equity change", () => {
  it("sums the last 24 hours per cash token from the equity curve, with a line per portfolio, in the channel's language", async () => {
    const t = await scriptedTrader("bybit");
    const bot = await simBot();
    const saved = await t.user.put("/api/notifications/channels", {
      channel: "telegram",
      enabled: true,
      events: ["daily_summary"],
      language: "ru",
      botToken: bot.token,
      chatId: "555",
    });
    expect(saved.status, saved.text).toBe(200);
    const portfolio = (name: string, cashToken = "USDT") =>
      newPortfolio(t.user, spotPortfolio(t.keyId, { name, cashToken }));
    const [alpha, beta, gamma, delta] = [
      await portfolio("Alpha"),
      await portfolio("Beta", "USDC"),
      await portfolio("Gamma"),
      await portfolio("Delta"),
    ];
    const now = Date.UTC(2031, 0, 6, 9, 30);
    // Alpha: 10 000 a day ago (the last point before the window), 10 150.25 now; a point after `now` does not count.
    await equityPoints(alpha, now, [
      [30, "10000"],
      [20, "10100"],
      [1, "10150.25"],
      [-1, "99999"],
    ]);
    // Beta started 10 hours ago: its first point is where it started from.
    await equityPoints(beta, now, [
      [10, "2000"],
      [2, "1990.5"],
    ]);
    // Gamma was not valued in the last 24 hours: not in the summary.
    await equityPoints(gamma, now, [[30, "7000"]]);
    await equityPoints(delta, now, [
      [25, "5000"],
      [3, "4900"],
    ]);

    await enqueueDailySummaries(openDatabase(env.DB), createLogger("error"), new Date(now));
    const owner = await userId(t.user);
    const [summary] = (await outboxOf(owner)).filter((r) => r.type === "daily_summary");
    const params = JSON.parse(summary?.params ?? "{}");
    expect(params).toEqual({
      date: "2031-01-06",
      active: 0,
      paused: 0,
      fills: 0,
      awaitingApproval: 0,
      equityChangeUSDT: "50.25",
      equityChangeUSDC: "-9.50",
      portfolio1Name: "Alpha",
      portfolio1Cash: "USDT",
      portfolio1Change: "150.25",
      portfolio1ChangePct: "1.50",
      portfolio2Name: "Delta",
      portfolio2Cash: "USDT",
      portfolio2Change: "-100.00",
      portfolio2ChangePct: "-2.00",
      portfolio3Name: "Beta",
      portfolio3Cash: "USDC",
      portfolio3Change: "-9.50",
      portfolio3ChangePct: "-0.48",
    });

    const deps = { db: openDatabase(env.DB), config: readConfig(env), fetch, log: createLogger("error") };
    await deliverDueNotifications(deps, new Date(now), { userId: owner });
    expect((await bot.record()).messages.map((m) => m.text)).toEqual([
      [
        "Сводка Ballast за 06.01.2031",
        "Портфели: работают — 0, приостановлены — 0.",
        "Сделок за 24 ч: 0. Обзоров ждут одобрения: 0.",
        "Изменение стоимости за 24 ч: +50,25 USDT, -9,50 USDC.",
        "• Alpha: +150,25 USDT (+1,50\u00a0%)",
        "• Delta: -100,00 USDT (-2,00\u00a0%)",
        "• Beta: -9,50 USDC (-0,48\u00a0%)",
      ].join("\n"),
    ]);
    expect(messageOf("daily_summary", params, "en")).toEqual({
      title: "Ballast daily summary 2031-01-06",
      text: [
        "Portfolios: 0 running, 0 paused.",
        "Fills in the last 24 h: 0. Reviews waiting for approval: 0.",
        "Equity change over 24 h: +50.25 USDT, -9.50 USDC.",
        "• Alpha: +150.25 USDT (+1.50%)",
        "• Delta: -100.00 USDT (-2.00%)",
        "• Beta: -9.50 USDC (-0.48%)",
      ].join("\n"),
    });
  });
});
