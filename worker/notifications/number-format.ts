import Big from "big.js";
import type { NotificationLanguage } from "../../shared/api/notifications.ts";

/**
 * Figures in a message written the way the app shows them in that language ("12,345.6" / "12 345,6", "12.5%" /
 * "12,5 %"), from the decimal strings Ballast stores, without going through a float. A small table rather than the
 * web's catalogs or Intl: the worker stays free of them and the output does not depend on the runtime's locale data.
 */
type Separators = { decimal: string; group: string; minGrouping: number; percent: string };

const NBSP = "\u00a0";
const SEPARATORS: Record<NotificationLanguage, Separators> = {
  en: { decimal: ".", group: ",", minGrouping: 4, percent: "%" },
  // Russian groups from five digits on ("1000", "10 000"), as CLDR and the web's Intl do.
  ru: { decimal: ",", group: NBSP, minGrouping: 5, percent: `${NBSP}%` },
};

/** A decimal as written in `language`, with `decimals` places when given (rounded half up), else as stored. */
export function formatDecimal(value: string | number | Big, language: NotificationLanguage, decimals?: number): string {
  const big = parse(value);
  if (!big) return String(value);
  const fixed = decimals === undefined ? big.toFixed() : big.toFixed(decimals);
  const { decimal, group, minGrouping } = SEPARATORS[language];
  // A loss rounded to nothing is no loss: "0.00", never "-0.00".
  const negative = fixed.startsWith("-") && !new Big(fixed).eq(0);
  const [whole = "0", fraction] = fixed.replace(/^-/, "").split(".");
  const grouped = whole.length >= minGrouping ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, group) : whole;
  return `${negative ? "-" : ""}${grouped}${fraction ? `${decimal}${fraction}` : ""}`;
}

/** A change: "+" on gains, "-" on losses, no sign on zero. */
export function formatSigned(value: string | number, language: NotificationLanguage, decimals?: number): string {
  const big = parse(value);
  if (!big) return String(value);
  const text = formatDecimal(big, language, decimals);
  return /[1-9]/.test(text) && big.gt(0) ? `+${text}` : text;
}

/** A percentage given in percent ("12.5" → "12.5%" / "12,5 %"). */
export function formatPercent(value: string | number, language: NotificationLanguage, signed = false): string {
  const text = signed ? formatSigned(value, language, 2) : formatDecimal(value, language);
  return `${text}${SEPARATORS[language].percent}`;
}

/** CLDR's Russian plural categories for whole numbers: 1, 21 "one"; 2-4, 22-24 "few"; the rest "many". */
export function russianPlural(count: number): "one" | "few" | "many" {
  const tens = Math.abs(count) % 100;
  const ones = tens % 10;
  if (ones === 1 && tens !== 11) return "one";
  if (ones >= 2 && ones <= 4 && (tens < 12 || tens > 14)) return "few";
  return "many";
}

function parse(value: string | number | Big): Big | null {
  if (value instanceof Big) return value;
  try {
    return new Big(typeof value === "string" ? value.trim() : value);
  } catch {
    return null;
  }
}
