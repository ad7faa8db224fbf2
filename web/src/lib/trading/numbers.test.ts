import { describe, expect, it } from "vitest";
import { optionalDecimal, signed, signTone, usd } from "./numbers.ts";

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
});
