import { en, type MessageKey } from "./en.ts";
import { ru } from "./ru.ts";

export const LOCALES = ["en", "ru"] as const;
export type Locale = (typeof LOCALES)[number];

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, ru };

/** Looks a key up in a catalog and fills `{name}` placeholders. */
export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogs[locale][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** For labels of values the API sends as open strings (an order's `action`): translated when known, shown as sent otherwise. */
export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}
