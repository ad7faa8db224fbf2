import Big from "big.js";
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

/*
 * Numbers, one style everywhere. The API sends amounts as decimal strings; they go to Intl.NumberFormat as strings,
 * which formats them exactly (Intl.NumberFormat v3, Node 22 and current browsers), so a big or precise value is
 * rounded once, for display, and never passes through a float. Each kind of figure has one rule:
 * - cash and quote amounts (USDT, USDC, USD): 2 decimals, the currency written after the number ("10,000.00 USDT");
 * - asset quantities: the decimals of the venue's step size when the page has it, else QUANTITY_DECIMALS;
 * - prices: the decimals of the tick size when known, else by magnitude (see priceDecimals);
 * - percentages: up to 2 decimals with the locale's percent sign ("12.5%" in English, "12,5 %" in Russian);
 * - signed figures (PnL, changes) carry "+" on gains, "-" on losses and no sign on zero.
 * A value that is not a number is shown as sent; an absent one as "—". CSV exports stay raw (machine format).
 */

/** A figure from the API (decimal string) or computed in the page (number). */
export type Figure = string | number;

const ABSENT = "—";
const NBSP = "\u00a0";
/** Decimals of cash and quote amounts: cents. */
export const CASH_DECIMALS = 2;
/** Stablecoins and dollars: amounts of these are cash and get CASH_DECIMALS. */
const CASH_ASSETS = new Set(["USDT", "USDC", "USD", "FDUSD", "BUSD", "DAI", "TUSD"]);
/**
 * Quantity decimals per asset when the venue's step size is not on the page: a few cents of the asset's usual price
 * (0.000001 BTC, 0.00001 ETH), as fine as the venues' step sizes; every other token gets DEFAULT_QUANTITY_DECIMALS.
 */
export const QUANTITY_DECIMALS: Readonly<Record<string, number>> = { BTC: 6, WBTC: 6, ETH: 5, WETH: 5 };
export const DEFAULT_QUANTITY_DECIMALS = 4;
/** Percentages and other ratios (scores, RSI, leverage): at most this many decimals. */
const RATIO_DECIMALS = 2;
/** Tiny non-zero figures that a fixed rule would round to 0 keep this many significant digits instead. */
const DUST_DIGITS = 4;
/** Quote suffixes stripped from a pair or contract ("BTCUSDT") to find the asset whose rule applies. */
const QUOTES = ["FDUSD", "USDT", "USDC", "BUSD", "USD"];

function isNumeric(value: Figure): boolean {
  return typeof value === "number" ? Number.isFinite(value) : value.trim() !== "" && Number.isFinite(Number(value));
}

/** Exact decimal input for Intl: strings as they are (no float rounding), numbers as numbers. */
function exact(value: Figure): number | Intl.StringNumericLiteral {
  return typeof value === "number" ? value : (value.trim() as Intl.StringNumericLiteral);
}

function fixed(value: Figure, locale: string, decimals: number, options: Intl.NumberFormatOptions = {}): string {
  const digits = { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
  return new Intl.NumberFormat(locale, { ...options, ...digits }).format(exact(value));
}

/** Like `fixed`, but dust (a non-zero quantity or price that would show as 0) keeps its first significant digits. */
function fixedOrDust(value: Figure, locale: string, decimals: number, options: Intl.NumberFormatOptions = {}): string {
  const number = Number(value);
  if (number === 0 || Math.abs(number) >= 0.5 * 10 ** -decimals) return fixed(value, locale, decimals, options);
  return new Intl.NumberFormat(locale, { ...options, maximumSignificantDigits: DUST_DIGITS }).format(exact(value));
}

const sign = (signed: boolean): Intl.NumberFormatOptions => ({ signDisplay: signed ? "exceptZero" : "auto" });

/** The number of decimals a venue step or tick size allows ("0.00100000" → 3, "1" → 0). */
export function decimalsOf(step: string): number | null {
  if (!isNumeric(step) || Number(step) <= 0) return null;
  const [, fraction = ""] = new Big(step).toFixed().split(".");
  return fraction.replace(/0+$/, "").length;
}

/** The asset a pair or contract is counted in ("BTCUSDT" → "BTC"); an asset stays itself. */
export function assetOf(symbol: string): string {
  const upper = symbol.toUpperCase();
  const quote = QUOTES.find((q) => upper.endsWith(q) && upper.length > q.length);
  return quote ? upper.slice(0, -quote.length) : upper;
}

/** Decimals of an asset's quantities: the step size's when known, else the asset's rule. */
export function quantityDecimals(asset: string | undefined, step?: string | null): number {
  const fromStep = step ? decimalsOf(step) : null;
  if (fromStep !== null) return fromStep;
  if (!asset) return DEFAULT_QUANTITY_DECIMALS;
  if (CASH_ASSETS.has(asset.toUpperCase())) return CASH_DECIMALS;
  return QUANTITY_DECIMALS[assetOf(asset)] ?? DEFAULT_QUANTITY_DECIMALS;
}

/** A cash or quote amount: "10,000.00 USDT" / "10 000,00 USDT"; without `currency` only the number. */
export function formatCash(
  value: Figure | null | undefined,
  locale: string,
  { currency, signed = false }: { currency?: string; signed?: boolean } = {},
): string {
  if (value === null || value === undefined) return ABSENT;
  if (!isNumeric(value)) return String(value);
  const number = fixed(value, locale, CASH_DECIMALS, sign(signed));
  return currency ? `${number}${NBSP}${currency}` : number;
}

/** An AI cost in US dollars: cents, or two significant digits below a cent ("0.0031 USD"), since one decision costs that. */
export function formatCost(value: Figure | null | undefined, locale: string): string {
  if (value === null || value === undefined) return ABSENT;
  if (!isNumeric(value)) return String(value);
  const number = Number(value);
  const belowACent = number !== 0 && Math.abs(number) < 0.01;
  const digits: Intl.NumberFormatOptions = belowACent
    ? { maximumSignificantDigits: 2 }
    : { minimumFractionDigits: CASH_DECIMALS, maximumFractionDigits: CASH_DECIMALS };
  return `${new Intl.NumberFormat(locale, digits).format(exact(value))}${NBSP}USD`;
}

/**
 * A quantity of an asset, with the asset's fixed decimals: `step` (the venue's step size) when the page has it,
 * else the rule for `asset` (an asset "BTC" or the pair/contract "BTCUSDT"); `unit` appends the asset's name.
 */
export function formatQuantity(
  value: Figure | null | undefined,
  locale: string,
  {
    asset,
    step,
    unit = false,
    signed = false,
  }: { asset?: string; step?: string | null; unit?: boolean; signed?: boolean } = {},
): string {
  if (value === null || value === undefined) return ABSENT;
  if (!isNumeric(value)) return String(value);
  const number = fixedOrDust(value, locale, quantityDecimals(asset, step), sign(signed));
  return unit && asset ? `${number}${NBSP}${asset}` : number;
}

/** Decimals of a price without a tick size, by magnitude: cents from 10 up, 4 decimals from 1 up. */
function priceDecimals(value: Figure): number | null {
  const magnitude = Math.abs(Number(value));
  if (magnitude >= 10) return 2;
  if (magnitude >= 1) return 4;
  return null;
}

/** A price: the tick size's decimals when known, else by magnitude (below 1: four significant digits, "0.00001234"). */
export function formatPrice(
  value: Figure | null | undefined,
  locale: string,
  { tick }: { tick?: string | null } = {},
): string {
  if (value === null || value === undefined) return ABSENT;
  if (!isNumeric(value)) return String(value);
  const decimals = (tick ? decimalsOf(tick) : null) ?? priceDecimals(value);
  if (decimals !== null) return fixedOrDust(value, locale, decimals);
  if (Number(value) === 0) return fixed(value, locale, CASH_DECIMALS);
  return new Intl.NumberFormat(locale, {
    minimumSignificantDigits: DUST_DIGITS,
    maximumSignificantDigits: DUST_DIGITS,
  }).format(exact(value));
}

/** A percentage given in percent ("12.5" → "12.5%" / "12,5 %"); `signed` for changes ("+1.25%"). */
export function formatPercent(
  value: Figure | null | undefined,
  locale: string,
  { signed = false }: { signed?: boolean } = {},
): string {
  if (value === null || value === undefined) return ABSENT;
  if (!isNumeric(value)) return `${value}%`;
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: "percent",
    maximumFractionDigits: RATIO_DECIMALS,
    ...sign(signed),
  }).format(exact(value));
}

/** A plain ratio or indicator (RSI, a score, leverage, a band in points): at most 2 decimals, grouped. */
export function formatNumber(
  value: Figure | null | undefined,
  locale: string,
  { signed = false }: { signed?: boolean } = {},
): string {
  if (value === null || value === undefined) return ABSENT;
  if (!isNumeric(value)) return String(value);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: RATIO_DECIMALS, ...sign(signed) }).format(exact(value));
}

/** A leverage ("3×", "12.5×"). */
export function formatLeverage(value: Figure | null | undefined, locale: string): string {
  if (value === null || value === undefined) return ABSENT;
  return `${formatNumber(value, locale)}×`;
}

/** A count (tokens used, items): a whole number with the locale's grouping ("12,345" / "12 345"). */
export function formatCount(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}
