import { describe, expect, it } from "vitest";
import { optionalDecimal, signTone } from "./numbers.ts";

describe("trading numbers", () => {
  it("colours gains and losses", () => {
    expect(signTone("12.5")).toBe("good");
    expect(signTone("-0.1")).toBe("bad");
    expect(signTone("0")).toBe("");
    expect(signTone(null)).toBe("");
  });

  it("reads optional decimals from fields as typed in English or Russian", () => {
    expect(optionalDecimal("  ")).toBeUndefined();
    expect(optionalDecimal(" 0,5 ")).toBe("0.5");
    expect(optionalDecimal("0.05")).toBe("0.05");
    expect(optionalDecimal("10 000,5")).toBe("10000.5");
    expect(optionalDecimal("10\u00a0000,5")).toBe("10000.5");
  });
});
