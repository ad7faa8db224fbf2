import { describe, expect, it } from "vitest";
import { engineText } from "../../../shared/api/engine-messages.ts";
import {
  NOTIFICATION_EVENTS,
  NOTIFICATION_LANGUAGES,
  type NotificationEvent,
  type NotificationParams,
} from "../../../shared/api/notifications.ts";
import { renderMessage } from "../../../worker/notifications/messages.ts";
import { formatDecimal, formatPercent, formatSigned } from "../../../worker/notifications/number-format.ts";
import { portfolioPausedEvent, triggeredStop } from "../../../worker/portfolios/engine/notifications.ts";
import { failedRunsReason } from "../../../worker/portfolios/engine/risk-rules.ts";

const portfolio = { id: "p-1", userId: "u-1", name: "Core" };
const paused = (reason: Parameters<typeof portfolioPausedEvent>[1]) =>
  portfolioPausedEvent(portfolio, reason, new Date(Date.UTC(2031, 0, 5))).params;

/** Each event as its producer queues it (worker/portfolios/engine/notifications.ts, daily-summary.ts, keys). */
const SAMPLES: Record<NotificationEvent, NotificationParams> = {
  approval_waiting: { portfolioId: "p-1", portfolioName: "Core", runId: "r-1", orders: 3 },
  order_filled: {
    portfolioId: "p-1",
    portfolioName: "Core",
    symbol: "ETHUSDT",
    side: "buy",
    quantity: "0.5",
    averagePrice: "2500.25",
  },
  stop_loss_hit: { portfolioId: "p-1", portfolioName: "Core", symbol: "DOGEUSDT", quantity: "1000", price: "0.196" },
  take_profit_hit: { portfolioId: "p-1", portfolioName: "Core", symbol: "DOGEUSDT", quantity: "1000", price: "0.21" },
  portfolio_paused: paused({
    code: "loss_limit",
    text: engineText(
      "loss_drawdown",
      { drawdownPct: "12.5", peakAmount: "10250.5", cash: "USDT", limitPct: "10" },
      "Drawdown of 12.5% from the peak of 10250.5 USDT reached the 10% limit.",
    ),
  }),
  key_unverified: { keyId: "k-1", label: "Main", venue: "binance", reason: "The exchange did not answer." },
  daily_summary: {
    date: "2031-01-05",
    active: 2,
    paused: 1,
    fills: 7,
    awaitingApproval: 0,
    equityChangeUSDT: "-1234.5",
    portfolio1Name: "Core",
    portfolio1Cash: "USDT",
    portfolio1Change: "-1234.5",
    portfolio1ChangePct: "-1.23",
  },
};

const CYRILLIC = /[а-яё]/i;

describe("notification messages in the channel's language", () => {
  it("renders every event in every language from the parameters its producer queues, none missing", () => {
    for (const type of NOTIFICATION_EVENTS) {
      for (const language of NOTIFICATION_LANGUAGES) {
        const { message, missing } = renderMessage(type, SAMPLES[type], language);
        expect(missing, `${type} in ${language}`).toEqual([]);
        expect(message.title, `${type} in ${language}`).not.toMatch(/undefined|null|NaN|\{/);
        expect(message.text, `${type} in ${language}`).not.toMatch(/undefined|null|NaN|\{/);
      }
      // A Russian text of its own, not the English one: an event added without one fails here.
      const ru = renderMessage(type, SAMPLES[type], "ru").message;
      expect(`${ru.title} ${ru.text}`, type).toMatch(CYRILLIC);
      expect(ru).not.toEqual(renderMessage(type, SAMPLES[type], "en").message);
    }
  });

  it("notes a parameter an event lacks instead of writing a blank", () => {
    const { missing } = renderMessage("stop_loss_hit", { portfolioName: "Core", symbol: "DOGEUSDT" }, "ru");
    expect(missing).toEqual(["quantity", "price"]);
  });

  it("writes figures the way each language does", () => {
    expect(renderMessage("order_filled", SAMPLES.order_filled, "en").message).toEqual({
      title: "Core: order filled",
      text: "Buy 0.5 ETHUSDT filled at 2,500.25.",
    });
    expect(renderMessage("order_filled", SAMPLES.order_filled, "ru").message).toEqual({
      title: "Core: ордер исполнен",
      text: "Покупка 0,5 ETHUSDT исполнена по цене 2500,25.",
    });
    expect(renderMessage("stop_loss_hit", SAMPLES.stop_loss_hit, "ru").message.text).toBe(
      "Стоп-лосс по DOGEUSDT закрыл 1000 по цене 0,196.",
    );
    expect(formatDecimal("12345678.9", "ru")).toBe("12\u00a0345\u00a0678,9");
    expect(formatDecimal("12345678.9", "en")).toBe("12,345,678.9");
    expect(formatSigned("-0.004", "en", 2)).toBe("0.00");
    expect(formatSigned("150.255", "ru", 2)).toBe("+150,26");
    expect(formatPercent("12.5", "ru")).toBe("12,5\u00a0%");
    expect(formatDecimal("not a number", "ru")).toBe("not a number");
  });

  it("counts orders with Russian plural forms", () => {
    const text = (orders: number) =>
      renderMessage("approval_waiting", { ...SAMPLES.approval_waiting, orders }, "ru").message.text;
    expect(text(1)).toBe("Обзор портфеля «Core» запланировал 1 ордер; он ждёт вашего одобрения.");
    expect(text(3)).toBe("Обзор портфеля «Core» запланировал 3 ордера; они ждут вашего одобрения.");
    expect(text(11)).toBe("Обзор портфеля «Core» запланировал 11 ордеров; они ждут вашего одобрения.");
    expect(text(21)).toContain("21 ордер;");
    expect(renderMessage("approval_waiting", { portfolioName: "Core" }, "en").message.text).toBe(
      "A review of Core has orders that wait for your approval.",
    );
  });

  it("words a pause reason from its code in Russian, and keeps the engine's English for English channels", () => {
    expect(renderMessage("portfolio_paused", SAMPLES.portfolio_paused, "ru").message).toEqual({
      title: "Портфель «Core» приостановлен",
      text: "Ballast приостановил портфель «Core»: Просадка 12,5\u00a0% от пика 10\u00a0250,5 USDT достигла лимита 10\u00a0%.",
    });
    expect(renderMessage("portfolio_paused", SAMPLES.portfolio_paused, "en").message.text).toBe(
      "Ballast paused Core: Drawdown of 12.5% from the peak of 10250.5 USDT reached the 10% limit.",
    );
    const failed = failedRunsReason(3, "The exchange did not answer.");
    if (!failed) throw new Error("three failed reviews pause");
    expect(renderMessage("portfolio_paused", paused({ code: "failed_reviews", text: failed }), "ru").message.text).toBe(
      "Ballast приостановил портфель «Core»: 3 обзора подряд не удались; ошибки видны в истории обзоров.",
    );
    const depeg = paused({
      code: "stablecoin_depeg",
      text: engineText(
        "stablecoin_depeg",
        {
          asset: "USDC",
          price: "0.9712",
          quote: "USDT",
          venue: "bybit",
          pair: "USDCUSDT",
          offPct: "2.88",
          thresholdPct: "2",
        },
        "USDC trades at 0.9712 USDT…",
      ),
    });
    expect(renderMessage("portfolio_paused", depeg, "ru").message.text).toContain(
      "USDC торгуется по 0,9712 USDT в стакане USDCUSDT на Bybit, на 2,88\u00a0% от привязки 1:1 (порог — 2\u00a0%)",
    );
  });

  it("words an event queued with only the status reason code, and shows an unknown code's English as it is", () => {
    const old = { portfolioName: "Core", reasonCode: "key_unavailable", reason: "exchange key deleted" };
    expect(renderMessage("portfolio_paused", old, "ru").message.text).toBe(
      "Ballast приостановил портфель «Core»: Биржевой ключ нельзя использовать: замените или проверьте его.",
    );
    expect(renderMessage("portfolio_paused", old, "en").message.text).toBe("Ballast paused Core: exchange key deleted");
    const unknown = { portfolioName: "Core", reasonCode: "maintenance_window", reason: "Venue maintenance." };
    expect(renderMessage("portfolio_paused", unknown, "ru").message.text).toBe(
      "Ballast приостановил портфель «Core»: Venue maintenance.",
    );
    // Parameters that no longer fit the code (a newer or damaged event) are not worded: the code's sentence is.
    const damaged = { ...SAMPLES.portfolio_paused, reasonParams: '{"drawdownPct":1}' };
    expect(renderMessage("portfolio_paused", damaged, "ru").message.text).toBe(
      "Ballast приостановил портфель «Core»: Достигнут лимит убытка.",
    );
  });

  it("writes the daily summary's date and equity change per language", () => {
    expect(renderMessage("daily_summary", SAMPLES.daily_summary, "ru").message).toEqual({
      title: "Сводка Ballast за 05.01.2031",
      text: [
        "Портфели: работают — 2, приостановлены — 1.",
        "Сделок за 24 ч: 7. Обзоров ждут одобрения: 0.",
        "Изменение стоимости за 24 ч: -1234,50 USDT.",
        "• Core: -1234,50 USDT (-1,23\u00a0%)",
      ].join("\n"),
    });
  });
});

describe("telling a venue-triggered close apart", () => {
  const long = {
    symbol: "DOGEUSDT",
    side: "buy" as const,
    filledQuantity: "1000",
    averagePrice: "0.2",
    createdAt: new Date(1_000),
    stopLoss: "0.196",
    takeProfit: "0.21",
  };
  const close = (price: string, side = "sell") => ({ symbol: "DOGEUSDT", side, price });

  it("reports a take-profit fill as a take-profit and a stop-loss fill as a stop-loss", () => {
    expect(triggeredStop(close("0.2101"), [long])).toBe("take_profit_hit");
    expect(triggeredStop(close("0.1958"), [long])).toBe("stop_loss_hit");
    const short = { ...long, side: "sell" as const, stopLoss: "0.204", takeProfit: "0.19" };
    expect(triggeredStop(close("0.1899", "buy"), [short])).toBe("take_profit_hit");
    expect(triggeredStop(close("0.2042", "buy"), [short])).toBe("stop_loss_hit");
  });

  it("announces nothing the recorded stops do not explain", () => {
    // No entry with stops on record (the bug: this was called a stop-loss hit).
    expect(triggeredStop(close("0.21"), [])).toBeNull();
    expect(triggeredStop(close("0.21"), [{ ...long, stopLoss: null, takeProfit: null }])).toBeNull();
    // A close by hand in profit that happens to lie nearer the stop-loss than the take-profit.
    expect(triggeredStop(close("0.202"), [{ ...long, takeProfit: "0.22" }])).toBeNull();
    // Only a stop-loss recorded: a fill on the profit side is not it.
    expect(triggeredStop(close("0.205"), [{ ...long, takeProfit: null }])).toBeNull();
    expect(triggeredStop(close("0.195"), [{ ...long, takeProfit: null }])).toBe("stop_loss_hit");
    // A trade on the entry's own side adds to the position: it closes nothing.
    expect(triggeredStop(close("0.195", "buy"), [long])).toBeNull();
  });

  it("judges by the latest entry on the contract", () => {
    const older = { ...long, createdAt: new Date(0), stopLoss: "0.3", takeProfit: "0.1" };
    expect(triggeredStop(close("0.2101"), [long, older])).toBe("take_profit_hit");
  });
});
