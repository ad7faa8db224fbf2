import { type Locale, translate } from "#lib/i18n/translate.ts";

/** Under this, "just now": a read finishes a moment after it is shown, and "0 seconds ago" reads oddly. */
const JUST_NOW_MS = 5_000;

/** "12 seconds ago", "3 minutes ago", "2 hours ago" (plural forms by the language's rules), for "Updated …". */
export function updatedAgo(updatedAt: number, now: number, locale: Locale): string {
  const ms = Math.max(0, now - updatedAt);
  if (ms < JUST_NOW_MS) return translate(locale, "live.justNow");
  if (ms < 60_000) return translate(locale, "live.secondsAgo", { count: Math.floor(ms / 1000) });
  if (ms < 3_600_000) return translate(locale, "live.minutesAgo", { count: Math.floor(ms / 60_000) });
  return translate(locale, "live.hoursAgo", { count: Math.floor(ms / 3_600_000) });
}
