import { describe, expect, it } from "vitest";
import { en } from "./en.ts";
import { ru } from "./ru.ts";
import { isLocale, translate } from "./translate.ts";

describe("message catalogs", () => {
  it("ru has exactly the keys of en, none left empty", () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(ru)) expect(text.trim(), key).not.toBe("");
  });

  it("keeps the same placeholders in every translation", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(ru[key]), key).toEqual(placeholders(en[key]));
    }
  });
});

describe("translate", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translate("en", "health.databaseOk", { ms: 3 })).toBe("reachable (3 ms)");
    expect(translate("ru", "health.databaseOk", { ms: 3 })).toBe("доступна (3 мс)");
    expect(translate("en", "health.failed")).toBe("Could not reach the API: {message}");
  });

  it("recognises only supported locales", () => {
    expect(isLocale("ru")).toBe(true);
    expect(isLocale("de")).toBe(false);
    expect(isLocale(undefined)).toBe(false);
  });
});
