import { describe, expect, it } from "vitest";
import type { EngineMessage } from "#lib/api/client.ts";
import spec from "#lib/api/openapi.json";
import { en } from "./en.ts";
import { engineMessageText, engineText } from "./engine-message.ts";
import { ru } from "./ru.ts";

/**
 * Every engine message code the API documents (shared/api/engine-messages.ts, as the generated OpenAPI document
 * carries it) has an English and a Russian text using exactly its parameters, and every word an enum parameter can
 * take is in both catalogs.
 */

type Property = { type?: string | string[]; format?: string; enum?: string[]; anyOf?: Property[] };
type Variant = { properties: { code: { enum: string[] }; params: { properties?: Record<string, Property> } } };

const schemas = spec.components.schemas as unknown as Record<string, Variant>;
const variants = Object.entries(schemas)
  .filter(([name]) => name.startsWith("EngineMessage_"))
  .map(([, schema]) => ({
    code: schema.properties.code.enum[0] as string,
    params: schema.properties.params.properties ?? {},
  }));

const catalogs = { en: en as Record<string, string>, ru: ru as Record<string, string> };
const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/\{(\w+)(?:\}|, plural,)/g)].map((m) => m[1]))].sort();
const enumValues = (property: Property): string[] =>
  property.enum ?? (property.anyOf ?? []).flatMap((p) => p.enum ?? []);

describe("engine message catalogs", () => {
  it("the document lists the registry's codes", () => {
    expect(variants.length).toBeGreaterThan(90);
    expect(variants.map((v) => v.code)).toContain("order_leftover_canceled");
  });

  it.each(variants)("$code has en and ru texts with exactly its parameters", ({ code, params }) => {
    const names = Object.keys(params).sort();
    for (const [locale, catalog] of Object.entries(catalogs)) {
      const text = catalog[`engine.${code}`];
      expect(text, `${locale}: engine.${code}`).toEqual(expect.any(String));
      expect(placeholders(text as string), `${locale}: engine.${code}`).toEqual(names);
    }
  });

  it("has a word in both languages for every value an enum parameter takes", () => {
    const values = new Set(variants.flatMap((v) => Object.values(v.params).flatMap(enumValues)));
    expect(values.size).toBeGreaterThan(10);
    for (const value of values) {
      expect(en, value).toHaveProperty([`engineValue.${value}`]);
      expect(ru, value).toHaveProperty([`engineValue.${value}`]);
    }
  });

  it("names each parameter after how the UI shows it (engine-message.ts reads the name)", () => {
    for (const { code, params } of variants) {
      for (const [name, property] of Object.entries(params)) {
        const format = property.format ?? property.anyOf?.find((p) => p.format)?.format;
        const where = `${code}.${name}`;
        expect(/Pct$/.test(name), where).toBe(format === "percent");
        expect(/(Qty|Price|Amount|Usd|Value)$|^(price|amount)$/.test(name), where).toBe(format === "decimal");
        expect(/At$/.test(name), where).toBe(format === "date-time");
        expect(name === "detail", where).toBe(format === "verbatim");
      }
    }
  });
});

describe("engineMessageText", () => {
  const daily = {
    code: "loss_daily",
    params: { lossPct: "5.25", startAmount: "10000", nowAmount: "947.5", cash: "USDT", limitPct: "5" },
  } as EngineMessage;

  it("words a message in the reader's language with its numbers formatted for that language", () => {
    expect(engineMessageText(daily, "en")).toBe(
      "Loss of 5.25% today (from 10,000.00 to 947.50 USDT) reached the 5% daily limit.",
    );
    expect(engineMessageText(daily, "ru")).toBe(
      "Убыток 5,25\u00a0% за сегодня (с 10\u00a0000,00 до 947,50 USDT) достиг дневного лимита 5\u00a0%.",
    );
  });

  it("translates enum words and picks plural forms; keeps a venue's words as they came", () => {
    const stop = { code: "order_canceled_stop", params: { stopKind: "killed" } } as EngineMessage;
    expect(engineMessageText(stop, "ru")).toBe("Отменён: портфель остановлен аварийной кнопкой.");
    const failed = { code: "failed_reviews", params: { count: 3 } } as EngineMessage;
    expect(engineMessageText(failed, "ru")).toMatch(/^3 обзора подряд не удались;/);
    const venue = { code: "order_venue_failed", params: { detail: "Filter failure: LOT_SIZE" } } as EngineMessage;
    expect(engineMessageText(venue, "ru")).toBe("Биржа отклонила ордер: Filter failure: LOT_SIZE");
  });

  it("falls back to the stored English for rows written before codes", () => {
    expect(engineText(null, "Not filled before the next review; canceled.", "ru")).toBe(
      "Not filled before the next review; canceled.",
    );
    expect(engineText(daily, "Loss of 5.25% today", "en")).toMatch(/^Loss of 5\.25% today \(from 10,000/);
  });
});
