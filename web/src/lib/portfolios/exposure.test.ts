import { describe, expect, it } from "vitest";
import { translate } from "../i18n/translate.ts";
import { exposureWarning, RISKY_EXPOSURE_PCT } from "./exposure.ts";

describe("exposureWarning", () => {
  it("says nothing for no limit, unreadable text or a sensible futures limit", () => {
    expect(exposureWarning("", "futures", 3)).toBeNull();
    expect(exposureWarning(null, "futures", 3)).toBeNull();
    expect(exposureWarning("abc", "futures", 3)).toBeNull();
    expect(exposureWarning("150", "futures", 3)).toBeNull();
    expect(exposureWarning(String(RISKY_EXPOSURE_PCT), "futures", 5)).toBeNull();
  });

  it("warns about the issue's 1000%: above the leverage it is refused, within it a 10% move takes the equity", () => {
    expect(exposureWarning("1000", "futures", 3)).toEqual({
      kind: "overLeverage",
      exposure: 1000,
      ceiling: 300,
      leverage: 3,
    });
    expect(exposureWarning("1000", "futures", 20)).toEqual({ kind: "risky", exposure: 1000, move: 10 });
    expect(exposureWarning("400", "futures", 5)).toEqual({ kind: "risky", exposure: 400, move: 25 });
  });

  it("tells a spot portfolio that a limit above 100% never applies", () => {
    expect(exposureWarning("1000", "spot", null)).toEqual({ kind: "spotOver100", exposure: 1000 });
    expect(exposureWarning("100", "spot", null)).toBeNull();
  });

  it("has en and ru words for each kind", () => {
    for (const locale of ["en", "ru"] as const) {
      for (const key of ["risk.exposureRisky", "risk.exposureOverLeverage", "risk.exposureSpotOver100"] as const) {
        const text = translate(locale, key, { exposure: "1000", move: "10", ceiling: "300", leverage: 3 });
        expect(text, `${locale} ${key}`).not.toMatch(/[{}]/);
      }
    }
  });
});
