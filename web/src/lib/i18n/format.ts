import type { Locale } from "./translate.ts";

/** A date and time in the reader's language, from the API's ISO strings. */
export function formatDateTime(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}
