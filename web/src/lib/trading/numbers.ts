/** Display helpers for the API's decimal strings (shown as sent, never rounded through floats for amounts). */

/** `good`, `bad` or `` for a signed decimal such as an unrealized PnL. */
export function signTone(value: string | null | undefined): "good" | "bad" | "" {
  const n = Number(value);
  if (!value || !Number.isFinite(n) || n === 0) return "";
  return n > 0 ? "good" : "bad";
}

/** A signed decimal with an explicit plus for gains ("+12.5", "-3", "0"). */
export function signed(value: string): string {
  return Number(value) > 0 && !value.startsWith("+") ? `+${value}` : value;
}

/** A USD amount in the reader's language ("$10,123.45"); the raw string when it is not a number. */
export function usd(value: string | null | undefined, locale: string): string {
  if (value === null || value === undefined) return "—";
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  return new Intl.NumberFormat(locale, { style: "currency", currency: "USD", maximumFractionDigits: 2 }).format(n);
}

/** A trimmed optional decimal from a form field: undefined when left empty. */
export function optionalDecimal(text: string): string | undefined {
  const trimmed = text.trim().replace(",", ".");
  return trimmed === "" ? undefined : trimmed;
}

/** An amount of a token for reading ("10,123.45"), two decimals; `signed` adds the plus of a gain. */
export function formatAmount(value: string, locale: string, { signed = false } = {}): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: signed ? "exceptZero" : "auto",
  }).format(n);
}

/** A percentage from a decimal string ("+1.25 %" in the reader's language), always signed. */
export function formatPercentChange(value: string, locale: string): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return `${value}%`;
  return new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: "exceptZero",
  }).format(n / 100);
}

/** An estimated AI cost in US dollars, keeping the fractions of a cent one decision costs ("$0.0031"). */
export function usdCost(value: string, locale: string): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  const currency = { style: "currency", currency: "USD" } as const;
  const belowACent = n !== 0 && Math.abs(n) < 0.01;
  return new Intl.NumberFormat(
    locale,
    belowACent ? { ...currency, maximumSignificantDigits: 2 } : { ...currency, maximumFractionDigits: 2 },
  ).format(n);
}
