import type { MessageKey } from "./en.ts";
import { isLocale, type Locale, translate } from "./translate.ts";

const STORAGE_KEY = "ballast.locale";

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (isLocale(saved)) return saved;
  const browser = globalThis.navigator?.language?.slice(0, 2);
  return isLocale(browser) ? browser : "en";
}

/** The reactive UI language, remembered in localStorage. */
export const i18n = $state({ locale: initialLocale() });

export function setLocale(locale: Locale): void {
  i18n.locale = locale;
  globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  if (globalThis.document) document.documentElement.lang = locale;
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return translate(i18n.locale, key, params);
}
