import { describe, expect, it } from "vitest";
import { safeNext } from "./next-path.ts";

describe("safeNext", () => {
  it("follows paths of this app", () => {
    expect(safeNext("/keys")).toBe("/keys");
    expect(safeNext("/admin?page=2")).toBe("/admin?page=2");
  });

  it("refuses other origins, the sign-in page itself and nothing at all", () => {
    for (const next of [null, "", "https://evil.example", "//evil.example", "/\\evil.example", "/signin?next=/"])
      expect(safeNext(next), String(next)).toBe("/");
  });
});
