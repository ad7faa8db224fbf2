import {
  type EngineMessage,
  type EngineMessageCode,
  type EngineMessageParams,
  storedEngineMessage,
} from "../../shared/api/engine-messages.ts";
import type { NotificationLanguage, NotificationParams } from "../../shared/api/notifications.ts";
import type { StatusReasonCode } from "../../shared/api/portfolios.ts";
import { formatDecimal, formatPercent, russianPlural } from "./number-format.ts";

/**
 * Why Ballast paused a portfolio, in a channel's language. The event carries the pause's engine message (its code
 * and JSON parameters, `reasonMessage` / `reasonParams`), the status reason code and the English the engine wrote.
 * English channels get that English as it was written; Russian ones the message worded here from its code, or, for an
 * event without the message (queued before it was added), a sentence for the status reason code; only a code this
 * table does not know falls back to the English.
 */

/** The engine messages a pause is given with (worker/portfolios/engine/pause.ts and its callers). */
type PauseMessageCode = Extract<
  EngineMessageCode,
  | "owner_disabled"
  | "kill_switch"
  | "key_deleted"
  | "key_replaced"
  | "key_unverified"
  | "key_unreadable"
  | "loss_drawdown"
  | "loss_daily"
  | "failed_reviews"
  | "liquidation_risk"
  | "stablecoin_depeg"
  | "run_failed"
>;

type Wording = { [C in PauseMessageCode]: (params: EngineMessageParams<C>) => string };

const ru = "ru" as const;
const pct = (value: string) => formatPercent(value, ru);
const num = (value: string) => formatDecimal(value, ru);
const DIRECTION_RU = { long: "лонг", short: "шорт" } as const;
const VENUE_NAMES: Record<string, string> = { binance: "Binance", bybit: "Bybit" };

const RU_MESSAGES: Wording = {
  owner_disabled: () => "Учётная запись владельца отключена.",
  kill_switch: () => "Остановлен аварийной кнопкой.",
  key_deleted: () => "Биржевой ключ портфеля удалён.",
  key_replaced: () => "Биржевой ключ портфеля заменён.",
  key_unverified: () => "Биржевой ключ портфеля не проверен; замените его, чтобы проверить снова.",
  key_unreadable: () => "Биржевой ключ портфеля не удаётся расшифровать; введите его заново.",
  loss_drawdown: (p) =>
    `Просадка ${pct(p.drawdownPct)} от пика ${num(p.peakAmount)} ${p.cash} достигла лимита ${pct(p.limitPct)}.`,
  loss_daily: (p) =>
    `Убыток ${pct(p.lossPct)} за сегодня (с ${num(p.startAmount)} до ${num(p.nowAmount)} ${p.cash}) ` +
    `достиг дневного лимита ${pct(p.limitPct)}.`,
  failed_reviews: (p) => `${reviewsFailedRu(p.count)}; ошибки видны в истории обзоров.`,
  liquidation_risk: (p) =>
    `Стоп-лосс ${num(p.stopLossPrice)} для ${DIRECTION_RU[p.direction]} ${p.symbol} стоит за ценой ликвидации ` +
    `${num(p.liquidationPrice)}: позицию ликвидируют раньше.`,
  stablecoin_depeg: (p) =>
    `${p.asset} торгуется по ${num(p.price)} ${p.quote} в стакане ${p.pair} на ${VENUE_NAMES[p.venue] ?? p.venue}, ` +
    `на ${pct(p.offPct)} от привязки 1:1 (порог — ${pct(p.thresholdPct)}). Ордера не планировались; запустите ` +
    "портфель снова, когда привязка восстановится.",
  run_failed: (p) => `Обзор не удался: ${p.detail}`,
};

/** For events queued with only the status reason code. */
const BY_STATUS_CODE: Record<NotificationLanguage, Record<StatusReasonCode, string>> = {
  en: {
    kill_switch: "The kill switch stopped it.",
    failed_reviews: "Several reviews in a row failed; the review history shows each error.",
    loss_limit: "A loss limit was reached.",
    stablecoin_depeg: "A stablecoin it holds or counts its cash in lost its 1:1 peg.",
    liquidation_risk: "A futures stop-loss lies beyond the liquidation price.",
    key_unavailable: "Its exchange key cannot be used: replace or verify it.",
    owner_disabled: "The owner's account is disabled.",
  },
  ru: {
    kill_switch: "Остановлен аварийной кнопкой.",
    failed_reviews: "Несколько обзоров подряд не удались; ошибки видны в истории обзоров.",
    loss_limit: "Достигнут лимит убытка.",
    stablecoin_depeg: "Стейблкоин, который он держит или в котором считает кэш, отклонился от курса 1:1.",
    liquidation_risk: "Стоп-лосс фьючерсной позиции стоит за ценой ликвидации.",
    key_unavailable: "Биржевой ключ нельзя использовать: замените или проверьте его.",
    owner_disabled: "Учётная запись владельца отключена.",
  },
};

/** The pause's message as event parameters (the JSON is left out when it would not fit a parameter). */
export function pauseReasonParams(message: EngineMessage): NotificationParams {
  const params = JSON.stringify(message.params);
  return params.length <= 500 ? { reasonMessage: message.code, reasonParams: params } : {};
}

export function pauseReasonText(params: NotificationParams, language: NotificationLanguage): string {
  const english = typeof params.reason === "string" && params.reason !== "" ? params.reason : null;
  const code = typeof params.reasonCode === "string" ? params.reasonCode : null;
  const byCode = code !== null && code in BY_STATUS_CODE.en ? BY_STATUS_CODE[language][code as StatusReasonCode] : null;
  if (language === "en") return english ?? byCode ?? "";
  return russianMessage(params) ?? byCode ?? english ?? "";
}

function russianMessage(params: NotificationParams): string | null {
  const code = typeof params.reasonMessage === "string" ? params.reasonMessage : null;
  const json = typeof params.reasonParams === "string" ? params.reasonParams : null;
  const message = storedEngineMessage(code, json);
  if (!message || !(message.code in RU_MESSAGES)) return null;
  const word = RU_MESSAGES[message.code as PauseMessageCode] as (params: EngineMessage["params"]) => string;
  return word(message.params);
}

/** "1 обзор подряд не удался", "3 обзора … не удались", "5 обзоров … не удались". */
function reviewsFailedRu(count: number): string {
  const form = russianPlural(count);
  if (form === "one") return `${count} обзор подряд не удался`;
  return `${count} ${form === "few" ? "обзора" : "обзоров"} подряд не удались`;
}
