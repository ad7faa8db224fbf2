import { en, type MessageKey } from "./en.ts";
import { formatCount } from "./format.ts";
import { ru } from "./ru.ts";

export const LOCALES = ["en", "ru"] as const;
export type Locale = (typeof LOCALES)[number];

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, ru };

// `{count, plural, one {# day} few {# дня} many {# дней} other {# дня}}`: ICU's plural form, without nesting.
const PLURAL = /\{(\w+), plural,((?:\s*\w+ \{[^{}]*\})+)\s*\}/g;
const FORM = /(\w+) \{([^{}]*)\}/g;

/**
 * Looks a key up in a catalog, picks plural forms by the language's rules (Russian has one, few and many: 1 день,
 * 2 дня, 5 дней) and fills `{name}` placeholders; `#` in a form is the count, grouped as the language writes numbers.
 */
export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template: string = catalogs[locale][key] ?? en[key];
  return template
    .replace(PLURAL, (whole, name: string, forms: string) => {
      const count = params[name];
      return count === undefined ? whole : pluralForm(locale, forms, count);
    })
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

function pluralForm(locale: Locale, forms: string, count: string | number): string {
  // A count may come formatted for reading ("1 234"): its digits decide the form.
  const value = typeof count === "number" ? count : Number(count.replace(/[^\d.-]/g, ""));
  const byCategory = new Map([...forms.matchAll(FORM)].map(([, category, text]) => [category, text]));
  const form = byCategory.get(new Intl.PluralRules(locale).select(value)) ?? byCategory.get("other") ?? "";
  return form.replaceAll("#", typeof count === "number" ? formatCount(count, locale) : count);
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** For labels of values the API sends as open strings (an order's `action`): translated when known, shown as sent otherwise. */
export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}
