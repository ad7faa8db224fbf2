import type { EngineMessage } from "#lib/api/client.ts";
import { formatCash, formatDateTime, formatPercent, formatPrice } from "./format.ts";
import { isMessageKey, type Locale, translate } from "./translate.ts";

/**
 * A text Ballast's engine wrote (an order's reason, a run's summary or error, a note, a pause reason), worded in the
 * reader's language from its code and parameters (shared/api/engine-messages.ts). Parameter names say how a value
 * reads: `…Pct` a percentage and `…Qty`, `…Price`, `…Amount`, `…Usd`, `…Value`, `price`, `amount` a decimal, all as numbers in the reader's
 * language; `…At` a date and time; an enum's value is a word of the catalog (`engineValue.<value>`); anything else
 * (a symbol, or `detail`: a venue's or a provider's words) is shown as it came.
 */

const DECIMAL = /(Pct|Qty|Price|Amount|Usd|Value)$|^(price|amount)$/;

export function engineMessageText(message: EngineMessage, locale: Locale): string {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(message.params as Record<string, unknown>))
    params[name] = paramText(name, value, locale);
  return translate(locale, `engine.${message.code}`, params);
}

/** The engine's text for the reader: its code worded in their language, or the stored English for older rows. */
export function engineText(
  message: EngineMessage | null | undefined,
  english: string | null | undefined,
  locale: Locale,
): string {
  return message ? engineMessageText(message, locale) : (english ?? "");
}

function paramText(name: string, value: unknown, locale: Locale): string | number {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return new Intl.NumberFormat(locale, { maximumFractionDigits: 8 }).format(value);
  const text = String(value);
  if (name === "detail") return text;
  if (name.endsWith("At")) return formatDateTime(text, locale);
  // Percentages the app's one way ("12.5%", "12,5 %"): the templates carry no sign of their own.
  if (name.endsWith("Pct")) return formatPercent(text, locale);
  // Money with cents and prices by their size, as everywhere else in the app; quantities keep the places they came with.
  if (/(Amount|Usd|Value)$|^amount$/.test(name)) return formatCash(text, locale);
  if (/Price$|^price$/.test(name)) return formatPrice(text, locale);
  if (DECIMAL.test(name)) return decimalText(text, locale);
  const word = `engineValue.${text}`;
  if (isMessageKey(word)) return translate(locale, word);
  return text;
}

/** A decimal string in the reader's language, with the places it came with ("0.9500" keeps four; 8 at most). */
function decimalText(value: string, locale: string): string {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) return value;
  const places = Math.min(value.split(".")[1]?.length ?? 0, 8);
  return new Intl.NumberFormat(locale, { minimumFractionDigits: places, maximumFractionDigits: 8 }).format(n);
}
