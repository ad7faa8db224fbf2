/** An exposure from the API ("42.5", percent of equity) for reading: "42.5 %", no sign (it is never negative). */
export function formatExposure(pct: string | null, locale: string): string {
  if (pct === null) return "—";
  const n = Number(pct);
  if (!Number.isFinite(n)) return `${pct}%`;
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(n / 100);
}
