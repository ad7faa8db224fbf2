import { describe, expect, it } from "vitest";
import { modulesPath, qrSvg } from "./qr-path.ts";

describe("modulesPath", () => {
  it("draws one rectangle per run of dark modules", () => {
    expect(
      modulesPath([
        [true, true, false],
        [false, false, true],
      ]),
    ).toBe("M0 0h2v1h-2zM2 1h1v1h-1z");
  });

  it("draws nothing for an all-light grid", () => {
    expect(modulesPath([[false, false]])).toBe("");
  });
});

describe("qrSvg", () => {
  it("encodes an otpauth URI into a square grid with a quiet zone", () => {
    const qr = qrSvg("otpauth://totp/Ballast:me%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Ballast");
    expect(qr.size).toBeGreaterThanOrEqual(21 + 8);
    expect(qr.path.startsWith("M4 4h7")).toBe(true); // the top-left finder pattern starts inside the border
  });
});
