import type { Locale } from "./translate.ts";

/** A date and time in the reader's language, from the API's ISO strings. */
export function formatDateTime(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "in 5 minutes", "2 hours ago", "now": the largest whole unit, for times near `now` (next and last runs). */
export function formatRelative(iso: string, now: number, locale: Locale): string {
  const diff = new Date(iso).getTime() - now;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return format.format(Math.round(diff / ms), unit);
  }
  return format.format(0, "second");
}

export type TickUnit = "year" | "month" | "day" | "minute" | "second";

const TICK_FORMATS: Record<TickUnit, Intl.DateTimeFormatOptions> = {
  year: { year: "numeric" },
  month: { month: "short", year: "2-digit" },
  day: { day: "numeric", month: "short" },
  minute: { hour: "2-digit", minute: "2-digit" },
  second: { hour: "2-digit", minute: "2-digit", second: "2-digit" },
};

/** A chart axis label for a time in seconds since the epoch, in the reader's language and time zone. */
export function formatTick(seconds: number, unit: TickUnit, locale: Locale): string {
  return new Date(seconds * 1000).toLocaleString(locale, TICK_FORMATS[unit]);
}
