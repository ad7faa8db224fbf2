import { describe, expect, it } from "vitest";
import {
  assetOf,
  decimalsOf,
  formatCash,
  formatCost,
  formatCount,
  formatLeverage,
  formatNumber,
  formatPercent,
  formatPrice,
  formatQuantity,
  formatRelative,
  formatTick,
  quantityDecimals,
} from "./format.ts";

describe("formatRelative", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  const at = (ms: number) => new Date(now + ms).toISOString();

  it("uses the largest whole unit, ahead and behind", () => {
    expect(formatRelative(at(5 * 60_000), now, "en")).toBe("in 5 minutes");
    expect(formatRelative(at(-2 * 3_600_000), now, "en")).toBe("2 hours ago");
    expect(formatRelative(at(3 * 86_400_000), now, "en")).toBe("in 3 days");
    expect(formatRelative(at(10_000), now, "en")).toBe("now");
  });

  it("speaks Russian", () => {
    expect(formatRelative(at(5 * 60_000), now, "ru")).toBe("через 5 минут");
  });
});

describe("formatTick", () => {
  it("labels chart ticks by their unit, in the reader's language", () => {
    const seconds = Date.parse("2026-03-15T12:00:00Z") / 1000;
    expect(formatTick(seconds, "year", "en")).toBe("2026");
    expect(formatTick(seconds, "day", "en")).toMatch(/Mar 1[45]|1[45] Mar/);
    expect(formatTick(seconds, "day", "ru")).toMatch(/1[45] мар/);
  });
});

/** Intl joins Russian groups and units with a no-break space (U+00A0 or U+202F by ICU version): read both as " ". */
const spaced = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatCash", () => {
  it("shows cash with cents, grouped, and the currency after the number", () => {
    expect(formatCash("10000", "en", { currency: "USDT" })).toBe("10,000.00\u00a0USDT");
    expect(spaced(formatCash("10000", "ru", { currency: "USDT" }))).toBe("10 000,00 USDT");
    expect(formatCash("5053.4407916", "en")).toBe("5,053.44");
    expect(spaced(formatCash("4420.87", "ru", { currency: "USD" }))).toBe("4 420,87 USD");
  });

  it("formats decimal strings exactly, without float noise", () => {
    expect(formatCash("12345678901234567.125", "en")).toBe("12,345,678,901,234,567.13");
    expect(formatCash("0.015", "en")).toBe("0.02");
    expect(formatCash(0.1 + 0.2, "en")).toBe("0.30");
  });

  it("signs PnL: plus on gains, minus on losses, none on zero", () => {
    expect(formatCash("12.5", "en", { signed: true })).toBe("+12.50");
    expect(spaced(formatCash("-3", "ru", { signed: true, currency: "USDT" }))).toBe("-3,00 USDT");
    expect(formatCash("0", "en", { signed: true })).toBe("0.00");
    expect(formatCash("-0.001", "en", { signed: true })).toBe("0.00");
  });

  it("shows an absent value as a dash and a non-number as sent", () => {
    expect(formatCash(null, "en")).toBe("—");
    expect(formatCash("n/a", "en")).toBe("n/a");
  });
});

describe("formatCost", () => {
  it("keeps the fractions of a cent an AI decision costs", () => {
    expect(formatCost("0.0031", "en")).toBe("0.0031\u00a0USD");
    expect(spaced(formatCost("0.000412", "ru"))).toBe("0,00041 USD");
    expect(formatCost("1.2345", "en")).toBe("1.23\u00a0USD");
    expect(formatCost("0", "en")).toBe("0.00\u00a0USD");
  });
});

describe("formatQuantity", () => {
  it("uses the decimals of the venue's step size when known", () => {
    expect(decimalsOf("0.00100000")).toBe(3);
    expect(decimalsOf("1")).toBe(0);
    expect(decimalsOf("1e-8")).toBe(8);
    expect(decimalsOf("0")).toBeNull();
    expect(formatQuantity("1234.5", "en", { step: "0.001" })).toBe("1,234.500");
    expect(spaced(formatQuantity("1234.5", "ru", { step: "1" }))).toBe("1 235");
  });

  it("falls back to a fixed rule per asset, also for pairs and contracts", () => {
    expect(assetOf("BTCUSDT")).toBe("BTC");
    expect(assetOf("ETHFDUSD")).toBe("ETH");
    expect(assetOf("USDT")).toBe("USDT");
    expect(quantityDecimals("BTC")).toBe(6);
    expect(quantityDecimals("ETHUSDT")).toBe(5);
    expect(quantityDecimals("USDC")).toBe(2);
    expect(quantityDecimals("SOL")).toBe(4);
    expect(quantityDecimals(undefined)).toBe(4);
    expect(formatQuantity("5053.4407916", "en", { asset: "SOL" })).toBe("5,053.4408");
    expect(formatQuantity("0.5", "ru", { asset: "BTCUSDT" })).toBe("0,500000");
    expect(formatQuantity("10000", "en", { asset: "USDT", unit: true })).toBe("10,000.00\u00a0USDT");
  });

  it("keeps dust visible instead of rounding it to zero", () => {
    expect(formatQuantity("0.00000012", "en", { asset: "BTC" })).toBe("0.00000012");
    expect(formatQuantity("0", "en", { asset: "BTC" })).toBe("0.000000");
  });
});

describe("formatPrice", () => {
  it("uses the tick size when known", () => {
    expect(formatPrice("65000.1", "en", { tick: "0.10" })).toBe("65,000.1");
    expect(formatPrice("0.123456", "ru", { tick: "0.0001" })).toBe("0,1235");
  });

  it("otherwise rounds by magnitude", () => {
    expect(formatPrice("65000.123", "en")).toBe("65,000.12");
    expect(spaced(formatPrice("65000.123", "ru"))).toBe("65 000,12");
    expect(formatPrice("150.125", "en")).toBe("150.13");
    expect(formatPrice("1.23456", "en")).toBe("1.2346");
    expect(formatPrice("0.000012345", "en")).toBe("0.00001235");
    expect(formatPrice("0.5", "ru")).toBe("0,5000");
    expect(formatPrice("0", "en")).toBe("0.00");
    expect(formatPrice(null, "en")).toBe("—");
  });
});

describe("formatPercent", () => {
  it("writes percentages one way, as the locale does", () => {
    expect(formatPercent("12.5", "en")).toBe("12.5%");
    expect(spaced(formatPercent("12.5", "ru"))).toBe("12,5 %");
    expect(formatPercent(25, "en")).toBe("25%");
    expect(formatPercent("1.23456", "en")).toBe("1.23%");
    expect(spaced(formatPercent("1234.5", "ru"))).toBe("1 234,5 %");
  });

  it("signs changes", () => {
    expect(formatPercent("1.25", "en", { signed: true })).toBe("+1.25%");
    expect(spaced(formatPercent("-0.5", "ru", { signed: true }))).toBe("-0,5 %");
    expect(formatPercent("0", "en", { signed: true })).toBe("0%");
  });
});

describe("plain figures", () => {
  it("formats ratios, leverage and counts with the locale's marks", () => {
    expect(formatNumber(61.234, "en")).toBe("61.23");
    expect(formatNumber("61.234", "ru")).toBe("61,23");
    expect(formatNumber(0.4, "en", { signed: true })).toBe("+0.4");
    expect(formatLeverage("12.5", "ru")).toBe("12,5×");
    expect(formatLeverage(3, "en")).toBe("3×");
    expect(formatCount(12345, "en")).toBe("12,345");
    expect(spaced(formatCount(12345, "ru"))).toBe("12 345");
  });
});
