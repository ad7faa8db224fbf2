import { describe, expect, it } from "vitest";
import { ISSUE_RULES } from "../../../../shared/api/error.ts";
import { LOCALES } from "../i18n/translate.ts";
import { issueMessage, RULE_MESSAGES } from "./issue-message.ts";

/** Every issue the API can send, worded in both languages with the field's label and nothing left unfilled. */

type Case = { path: string; code: string; rule?: string; params?: Record<string, string | number | boolean> };

const ZOD_CASES: [Case, en: string, ru: string][] = [
  [
    { path: "name", code: "too_small", params: { minimum: 1, inclusive: true, origin: "string" } },
    "Name: must not be empty",
    "Название: заполните это поле",
  ],
  [
    { path: "apiKey", code: "too_small", params: { minimum: 8, inclusive: true, origin: "string" } },
    "API key: at least 8 characters",
    "API-ключ: не меньше 8 символов",
  ],
  [
    { path: "name", code: "too_big", params: { maximum: 60, inclusive: true, origin: "string" } },
    "Name: at most 60 characters",
    "Название: не больше 60 символов",
  ],
  [
    { path: "tokens.0.minAllocation", code: "too_big", params: { maximum: 100, inclusive: true, origin: "number" } },
    "Minimum %: must be at most 100",
    "Минимум, %: не больше 100",
  ],
  [
    { path: "futures.maxLeverage", code: "too_small", params: { minimum: 1, inclusive: true, origin: "number" } },
    "Maximum leverage: must be at least 1",
    "Максимальное плечо: не меньше 1",
  ],
  [
    { path: "quantity", code: "too_small", params: { minimum: 0, inclusive: false, origin: "number" } },
    "Quantity: must be more than 0",
    "Количество: больше 0",
  ],
  [
    { path: "price", code: "too_big", params: { maximum: 5, inclusive: false, origin: "number" } },
    "Limit price: must be less than 5",
    "Лимитная цена: меньше 5",
  ],
  [
    { path: "scopes", code: "too_small", params: { minimum: 1, inclusive: true, origin: "array" } },
    "Scopes: choose at least 1 item",
    "Права: выберите хотя бы 1 вариант",
  ],
  [
    { path: "tokens", code: "too_big", params: { maximum: 8, inclusive: true, origin: "array" } },
    "Tokens: at most 8 items",
    "Токены: не больше 8 вариантов",
  ],
  [
    { path: "name", code: "invalid_type", params: { expected: "string", missing: true } },
    "Name: required",
    "Название: обязательное поле",
  ],
  [
    { path: "expiresInDays", code: "invalid_type", params: { expected: "int" } },
    "Expires after: enter a whole number",
    "Срок действия: введите целое число",
  ],
  [
    { path: "paper", code: "invalid_type", params: { expected: "boolean" } },
    "Paper trading: enter a value of the right kind",
    "Бумажная торговля: введите значение подходящего вида",
  ],
  [
    { path: "tokens.2.token", code: "invalid_format", params: { format: "regex" } },
    "Token: enter a token symbol such as BTC (2 to 15 letters or digits)",
    "Токен: введите символ токена, например BTC (от 2 до 15 букв или цифр)",
  ],
  [
    { path: "risk.maxExposurePct", code: "invalid_format", params: { format: "regex" } },
    "Largest exposure (% of equity): enter a percentage such as 2.5",
    "Наибольшая экспозиция (% стоимости): введите процент, например 2,5",
  ],
  [
    { path: "email", code: "invalid_format", params: { format: "email" } },
    "Email: enter an email address such as name@example.com",
    "Почта: введите адрес почты, например name@example.com",
  ],
  [
    { path: "baseUrls.spot", code: "invalid_format", params: { format: "url" } },
    "Spot base URL: enter an address such as https://api.example.com",
    "Базовый адрес спота: введите адрес, например https://api.example.com",
  ],
  [
    { path: "reviewInterval", code: "invalid_value", params: { values: "10m, 1h" } },
    "Review interval: choose one of: 10m, 1h",
    "Интервал обзора: выберите одно из: 10m, 1h",
  ],
  [{ path: "somethingNew", code: "invalid_union" }, "This field: check this value", "Это поле: проверьте значение"],
  [{ path: "name", code: "unrecognized_keys" }, "Name: check this value", "Название: проверьте значение"],
  [{ path: "name", code: "custom", rule: "not_a_rule" }, "Name: check this value", "Название: проверьте значение"],
];

describe("issueMessage", () => {
  it.each(ZOD_CASES)("words %j in en and ru", (issue, en, ru) => {
    expect(issueMessage("en", issue)).toBe(en);
    expect(issueMessage("ru", issue)).toBe(ru);
  });

  it("has en and ru text for every rule of the API, filled from the issue's params", () => {
    const params = {
      minimum: 20,
      maximum: 300,
      total: "110",
      token: "SOL",
      symbol: "SOLUSDT",
      where: "Bybit futures",
      portfolio: "Majors",
      model: "gpt-5",
      leverage: 3,
      host: "10.0.0.5",
    };
    for (const rule of ISSUE_RULES) {
      expect(RULE_MESSAGES, rule).toHaveProperty(rule);
      for (const locale of LOCALES) {
        const text = issueMessage(locale, { path: "tokens.0.targetAllocation", code: "custom", rule, params });
        expect(text, `${rule} ${locale}`).not.toMatch(/[{}]|check this value|проверьте значение/);
        expect(text.startsWith(locale === "en" ? "Target %: " : "Цель, %: "), text).toBe(true);
      }
    }
  });

  it("words the allocation rules with their bound, in both languages", () => {
    const below = {
      path: "tokens.0.targetAllocation",
      code: "custom",
      rule: "target_below_min",
      params: { minimum: 20 },
    };
    expect(issueMessage("en", below)).toBe("Target %: must be at least the minimum (20%)");
    expect(issueMessage("ru", below)).toBe("Цель, %: не меньше минимума (20\u00a0%)");
    // Bounds in the reader's number format.
    const grouped = { ...below, params: { minimum: "1500.5" } };
    expect(issueMessage("en", grouped)).toBe("Target %: must be at least the minimum (1,500.5%)");
    expect(issueMessage("ru", grouped)).toBe("Цель, %: не меньше минимума (1\u00a0500,5\u00a0%)");
    const exposure = {
      path: "risk.maxExposurePct",
      code: "custom",
      rule: "exposure_over_leverage",
      params: { maximum: 300, leverage: 3 },
    };
    expect(issueMessage("en", exposure)).toBe(
      "Largest exposure (% of equity): must be at most 300% (maximum leverage 3× × 100%); raise the leverage or lower the exposure",
    );
  });

  it("takes a form's own label over the usual one", () => {
    const issue = { path: "email", code: "custom", rule: "unknown_user" };
    expect(issueMessage("en", issue, "User's email")).toBe("User's email: no user has signed in with this email yet");
  });
});
