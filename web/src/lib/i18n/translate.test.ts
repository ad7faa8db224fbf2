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
    // `{count}` and `{count, plural, …}` both take `count`.
    const placeholders = (text: string) =>
      [...new Set([...text.matchAll(/\{(\w+)(?:\}|, plural,)/g)].map((m) => m[1]))].sort();
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

  it("picks the plural form by each language's rules", () => {
    const days = (locale: "en" | "ru", count: number) => translate(locale, "tokens.days", { days: count });
    expect([1, 2, 30].map((count) => days("en", count))).toEqual(["1 day", "2 days", "30 days"]);
    // Russian: one (1, 21), few (2-4, 22), many (5-20, 25), other (fractions).
    expect([1, 21, 2, 22, 5, 11, 25].map((count) => days("ru", count))).toEqual([
      "1 день",
      "21 день",
      "2 дня",
      "22 дня",
      "5 дней",
      "11 дней",
      "25 дней",
    ]);
    expect(translate("en", "admin.pageOf", { page: 1, pages: 1, total: 1 })).toBe("Page 1 of 1 (1 user)");
    expect(translate("ru", "admin.pageOf", { page: 1, pages: 2, total: 23 })).toBe("Страница 1 из 2 (23 пользователя)");
    expect(translate("en", "runs.inputHistory", { count: 1 })).toBe(
      "It also saw its last review and what became of its orders.",
    );
    expect(translate("en", "portfolio.killed", { name: "A", orders: 1, positions: 0 })).toBe(
      "“A” stopped; 1 open order canceled, 0 positions closed.",
    );
    // A count formatted for reading still picks its form by its digits.
    expect(translate("ru", "twoFactor.recoveryLeft", { count: "1" })).toBe("Остался 1 резервный код.");
  });

  it("checks every plural form's category and keeps an `other` form", () => {
    const categories: Record<string, string[]> = { en: ["one", "other"], ru: ["one", "few", "many", "other"] };
    for (const [locale, catalog] of Object.entries({ en, ru })) {
      for (const [key, text] of Object.entries(catalog)) {
        for (const [, forms] of text.matchAll(/\{\w+, plural,((?:\s*\w+ \{[^{}]*\})+)\s*\}/g)) {
          const used = [...(forms ?? "").matchAll(/(\w+) \{/g)].map((m) => m[1]);
          expect(used, `${locale} ${key}`).toContain("other");
          for (const category of used) expect(categories[locale], `${locale} ${key}`).toContain(category);
        }
      }
    }
  });

  it("recognises only supported locales", () => {
    expect(isLocale("ru")).toBe(true);
    expect(isLocale("de")).toBe(false);
    expect(isLocale(undefined)).toBe(false);
  });
});
