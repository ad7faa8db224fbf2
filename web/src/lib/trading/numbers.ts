/** Decimal-string helpers for trading figures; display formatting lives in #lib/i18n/format.ts. */

/** `good`, `bad` or `` for a signed decimal such as an unrealized PnL. */
export function signTone(value: string | null | undefined): "good" | "bad" | "" {
  const n = Number(value);
  if (!value || !Number.isFinite(n) || n === 0) return "";
  return n > 0 ? "good" : "bad";
}

/**
 * A trimmed optional decimal from a form field: undefined when left empty. Accepts what a reader types in either
 * language: a decimal comma ("0,05") and spaces grouping thousands ("10 000,5", as Russian writes them).
 */
export function optionalDecimal(text: string): string | undefined {
  const trimmed = text.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  return trimmed === "" ? undefined : trimmed;
}
