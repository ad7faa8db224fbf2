import type { NotificationEvent, NotificationLanguage, NotificationParams } from "../../shared/api/notifications.ts";
import { formatDecimal, formatPercent, formatSigned, russianPlural } from "./number-format.ts";
import { pauseReasonText } from "./pause-reasons.ts";

/**
 * What every channel says about an event, in the channel's language: a title and a text (Telegram and push show them
 * as they are; the webhook sends them next to the event's parameters). Written at delivery from the parameters the
 * event was queued with, so a channel's language applies to what is still waiting. Figures are formatted for the
 * language; names (portfolios, symbols, key labels) and words from outside Ballast (a venue's note) stay as they came.
 */
export type NotificationMessage = { title: string; text: string };

type Kind = NotificationEvent | "test";

/** The event's parameters as a template reads them; each one it needs and does not find is noted in `missing`. */
class Facts {
  readonly missing: string[] = [];
  readonly params: NotificationParams;
  readonly language: NotificationLanguage;

  constructor(params: NotificationParams, language: NotificationLanguage) {
    this.params = params;
    this.language = language;
  }

  has(name: string): boolean {
    const value = this.params[name];
    return value !== null && value !== undefined && value !== "";
  }

  /** A name or words shown as they are. */
  text(name: string): string {
    if (!this.has(name)) {
      this.missing.push(name);
      return "";
    }
    return String(this.params[name]);
  }

  /** A quantity or a price, with the decimals it was stored with. */
  decimal(name: string): string {
    const value = this.text(name);
    return value === "" ? "" : formatDecimal(value, this.language);
  }

  /** A cash amount as a change: cents, "+" on gains. */
  signedCash(name: string): string {
    const value = this.text(name);
    return value === "" ? "" : formatSigned(value, this.language, 2);
  }

  count(name: string): number {
    const value = Number(this.text(name));
    return Number.isFinite(value) ? value : 0;
  }

  /** The event's day ("2031-01-05"): ISO in English, "05.01.2031" in Russian. */
  date(name: string): string {
    const value = this.text(name);
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (this.language === "en" || !match) return value;
    return `${match[3]}.${match[2]}.${match[1]}`;
  }
}

type Template = (facts: Facts) => NotificationMessage;

const VENUE_NAMES: Record<string, string> = { binance: "Binance", bybit: "Bybit" };
const venue = (f: Facts) => {
  const name = f.text("venue");
  return VENUE_NAMES[name] ?? name;
};
/** At most this many portfolios get a line of their own in the daily summary (the event holds no more). */
export const SUMMARY_PORTFOLIO_LINES = 5;

const ENGLISH: Record<Kind, Template> = {
  approval_waiting: (f) => {
    const portfolio = f.text("portfolioName");
    const orders = f.has("orders") ? f.count("orders") : null;
    return {
      title: `${portfolio}: orders waiting for approval`,
      text:
        orders === null
          ? `A review of ${portfolio} has orders that wait for your approval.`
          : `A review of ${portfolio} planned ${orders} ${orders === 1 ? "order that waits" : "orders that wait"} for your approval.`,
    };
  },
  order_filled: (f) => {
    const side = f.text("side") === "sell" ? "Sell" : "Buy";
    const at = f.has("averagePrice") ? ` at ${f.decimal("averagePrice")}` : "";
    return {
      title: `${f.text("portfolioName")}: order filled`,
      text: `${side} ${f.decimal("quantity")} ${f.text("symbol")} filled${at}.`,
    };
  },
  stop_loss_hit: (f) => ({
    title: `${f.text("portfolioName")}: stop-loss hit`,
    text: `The stop-loss on ${f.text("symbol")} closed ${f.decimal("quantity")} at ${f.decimal("price")}.`,
  }),
  take_profit_hit: (f) => ({
    title: `${f.text("portfolioName")}: take-profit hit`,
    text: `The take-profit on ${f.text("symbol")} closed ${f.decimal("quantity")} at ${f.decimal("price")}.`,
  }),
  portfolio_paused: (f) => {
    const portfolio = f.text("portfolioName");
    return { title: `${portfolio} paused`, text: `Ballast paused ${portfolio}: ${pauseReason(f)}` };
  },
  key_unverified: (f) => {
    const label = f.text("label");
    return {
      title: `Exchange key "${label}" is unverified`,
      text: `The ${venue(f)} key "${label}" could not be verified and will not trade: ${f.text("reason")}`,
    };
  },
  daily_summary: (f) => ({
    title: `Ballast daily summary ${f.date("date")}`,
    text: [
      `Portfolios: ${f.count("active")} running, ${f.count("paused")} paused.`,
      `Fills in the last 24 h: ${f.count("fills")}. Reviews waiting for approval: ${f.count("awaitingApproval")}.`,
      ...equityLines(f, "Equity change over 24 h", "and {n} more"),
    ].join("\n"),
  }),
  test: () => ({ title: "Ballast test notification", text: "This channel works: Ballast can reach you here." }),
};

const RUSSIAN: Record<Kind, Template> = {
  approval_waiting: (f) => {
    const portfolio = f.text("portfolioName");
    const orders = f.has("orders") ? f.count("orders") : null;
    const planned =
      orders === null
        ? `Ордера портфеля «${portfolio}» ждут вашего одобрения.`
        : `Обзор портфеля «${portfolio}» запланировал ${orders} ${ordersRu(orders)}; ` +
          `${russianPlural(orders) === "one" ? "он ждёт" : "они ждут"} вашего одобрения.`;
    return { title: `${portfolio}: ордера ждут одобрения`, text: planned };
  },
  order_filled: (f) => {
    const side = f.text("side") === "sell" ? "Продажа" : "Покупка";
    const at = f.has("averagePrice") ? ` по цене ${f.decimal("averagePrice")}` : "";
    return {
      title: `${f.text("portfolioName")}: ордер исполнен`,
      text: `${side} ${f.decimal("quantity")} ${f.text("symbol")} исполнена${at}.`,
    };
  },
  stop_loss_hit: (f) => ({
    title: `${f.text("portfolioName")}: сработал стоп-лосс`,
    text: `Стоп-лосс по ${f.text("symbol")} закрыл ${f.decimal("quantity")} по цене ${f.decimal("price")}.`,
  }),
  take_profit_hit: (f) => ({
    title: `${f.text("portfolioName")}: сработал тейк-профит`,
    text: `Тейк-профит по ${f.text("symbol")} закрыл ${f.decimal("quantity")} по цене ${f.decimal("price")}.`,
  }),
  portfolio_paused: (f) => {
    const portfolio = f.text("portfolioName");
    return {
      title: `Портфель «${portfolio}» приостановлен`,
      text: `Ballast приостановил портфель «${portfolio}»: ${pauseReason(f)}`,
    };
  },
  key_unverified: (f) => {
    const label = f.text("label");
    return {
      title: `Биржевой ключ «${label}» не проверен`,
      text: `Ключ ${venue(f)} «${label}» не удалось проверить, и он не будет торговать: ${f.text("reason")}`,
    };
  },
  daily_summary: (f) => ({
    title: `Сводка Ballast за ${f.date("date")}`,
    text: [
      `Портфели: работают — ${f.count("active")}, приостановлены — ${f.count("paused")}.`,
      `Сделок за 24 ч: ${f.count("fills")}. Обзоров ждут одобрения: ${f.count("awaitingApproval")}.`,
      ...equityLines(f, "Изменение стоимости за 24 ч", "и ещё {n}"),
    ].join("\n"),
  }),
  test: () => ({
    title: "Тестовое уведомление Ballast",
    text: "Канал работает: Ballast может присылать вам сообщения сюда.",
  }),
};

const TEMPLATES: Record<NotificationLanguage, Record<Kind, Template>> = { en: ENGLISH, ru: RUSSIAN };

/** The message and the parameters its template needed and did not find (none, for an event queued in full). */
export function renderMessage(
  type: Kind,
  params: NotificationParams,
  language: NotificationLanguage,
): { message: NotificationMessage; missing: string[] } {
  const facts = new Facts(params, language);
  const message = TEMPLATES[language][type](facts);
  return { message, missing: facts.missing };
}

export function messageOf(type: Kind, params: NotificationParams, language: NotificationLanguage): NotificationMessage {
  return renderMessage(type, params, language).message;
}

/** Telegram's approve/reject buttons under an approval request. */
export function approvalButtonLabels(language: NotificationLanguage): { approve: string; reject: string } {
  return language === "ru"
    ? { approve: "✅ Одобрить", reject: "❌ Отклонить" }
    : { approve: "✅ Approve", reject: "❌ Reject" };
}

/** What pressing an approval button came to, told back to the user in Telegram (telegram-updates.ts). */
export type ButtonOutcome =
  | { kind: "not_waiting" | "account_disabled" | "needs_two_factor" | "nothing_waiting" }
  | { kind: "refused"; detail: string }
  | { kind: "approved" | "rejected"; count: number };

export function buttonAnswer(outcome: ButtonOutcome, language: NotificationLanguage): string {
  const ru = language === "ru";
  switch (outcome.kind) {
    case "not_waiting":
      return ru ? "Этот обзор больше не ждёт одобрения." : "This review is no longer waiting for approval.";
    case "account_disabled":
      return ru ? "Ваша учётная запись отключена." : "Your account is disabled.";
    case "needs_two_factor":
      return ru
        ? "Для торговли на вашей учётной записи нужен код 2FA: одобрите в приложении."
        : "Trading needs a 2FA code on your account: approve in the app.";
    case "nothing_waiting":
      return ru ? "Ордеров этого обзора, ждущих одобрения, нет." : "No orders of this review wait for approval.";
    // The refusal is the API's own (English) message.
    case "refused":
      return ru ? `Не выполнено: ${outcome.detail}` : `Not done: ${outcome.detail}`;
    case "approved":
      return ru ? `Одобрено ордеров: ${outcome.count}.` : `Approved ${outcome.count} order(s).`;
    case "rejected":
      return ru ? `Отклонено ордеров: ${outcome.count}.` : `Rejected ${outcome.count} order(s).`;
  }
}

function pauseReason(f: Facts): string {
  const reason = pauseReasonText(f.params, f.language);
  if (reason === "") f.missing.push("reason");
  return reason;
}

function ordersRu(count: number): string {
  const form = russianPlural(count);
  return form === "one" ? "ордер" : form === "few" ? "ордера" : "ордеров";
}

/**
 * The summary's equity lines (daily-summary.ts): the change per cash token over the portfolios, then one line per
 * portfolio listed ("Name: +12.00 USDT (+1.2%)") and how many were left out. None when no portfolio was valued.
 */
function equityLines(f: Facts, heading: string, more: string): string[] {
  const totals = ["USDT", "USDC"]
    .filter((cash) => f.has(`equityChange${cash}`))
    .map((cash) => `${f.signedCash(`equityChange${cash}`)} ${cash}`);
  if (totals.length === 0) return [];
  const lines = [`${heading}: ${totals.join(", ")}.`];
  for (let i = 1; i <= SUMMARY_PORTFOLIO_LINES && f.has(`portfolio${i}Name`); i++) {
    const pct = f.has(`portfolio${i}ChangePct`)
      ? ` (${formatPercent(f.text(`portfolio${i}ChangePct`), f.language, true)})`
      : "";
    lines.push(
      `• ${f.text(`portfolio${i}Name`)}: ${f.signedCash(`portfolio${i}Change`)} ${f.text(`portfolio${i}Cash`)}${pct}`,
    );
  }
  const left = f.has("portfoliosNotListed") ? f.count("portfoliosNotListed") : 0;
  if (left > 0) lines.push(`• ${more.replace("{n}", String(left))}`);
  return lines;
}
