import { describe, expect, it } from "vitest";
import { formatAmount, formatPercentChange, optionalDecimal, signed, signTone, usd, usdCost } from "./numbers.ts";

describe("trading numbers", () => {
  it("colours gains and losses", () => {
    expect(signTone("12.5")).toBe("good");
    expect(signTone("-0.1")).toBe("bad");
    expect(signTone("0")).toBe("");
    expect(signTone(null)).toBe("");
  });

  it("marks gains with a plus", () => {
    expect(signed("1.5")).toBe("+1.5");
    expect(signed("-1.5")).toBe("-1.5");
    expect(signed("0")).toBe("0");
  });

  it("formats USD amounts per language", () => {
    expect(usd("10123.456", "en")).toBe("$10,123.46");
    expect(usd(null, "en")).toBe("—");
  });

  it("reads optional decimals from fields", () => {
    expect(optionalDecimal("  ")).toBeUndefined();
    expect(optionalDecimal(" 0,5 ")).toBe("0.5");
  });

  it("formats token amounts and percentage changes per language", () => {
    expect(formatAmount("10123.456", "en")).toBe("10,123.46");
    expect(formatAmount("12.5", "en", { signed: true })).toBe("+12.50");
    expect(formatAmount("-3", "en", { signed: true })).toBe("-3.00");
    expect(formatAmount("n/a", "en")).toBe("n/a");
    expect(formatPercentChange("1.2345", "en")).toBe("+1.23%");
    expect(formatPercentChange("-0.5", "en")).toBe("-0.50%");
    expect(formatPercentChange("0", "en")).toBe("0.00%");
  });

  it("keeps fractions of a cent in AI costs", () => {
    expect(usdCost("0.0031", "en")).toBe("$0.0031");
    expect(usdCost("0.000412", "en")).toBe("$0.00041");
    expect(usdCost("1.2345", "en")).toBe("$1.23");
    expect(usdCost("0", "en")).toBe("$0.00");
  });
});
