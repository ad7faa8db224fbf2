import { describe, expect, it } from "vitest";
import { fieldErrors, formSummary, issueErrors } from "./field-errors.ts";

const envelope = (issues: unknown) => ({ error: { code: "validation_failed", message: "…", details: { issues } } });

describe("fieldErrors", () => {
  it("keys messages by the field, without the request part, worded from the code, never the API's text", () => {
    const error = envelope([
      {
        path: "json.apiKey",
        code: "too_small",
        message: "Too small: expected string to have >=8 characters",
        params: { minimum: 8, origin: "string", inclusive: true },
      },
      { path: "json.scopes.0", code: "invalid_value", message: "Invalid option", params: { values: "read, write" } },
      { path: "json.name", code: "invalid_type", message: "Required", params: { expected: "string", missing: true } },
    ]);
    expect(fieldErrors(error, "en")).toEqual({
      apiKey: "API key: at least 8 characters",
      scopes: "Scopes: choose one of: read, write",
      name: "Name: required",
    });
    expect(fieldErrors(error, "ru")).toEqual({
      apiKey: "API-ключ: не меньше 8 символов",
      scopes: "Права: выберите одно из: read, write",
      name: "Название: обязательное поле",
    });
  });

  it("takes the form's own label for a field, and keeps the first message for a field", () => {
    const error = envelope([
      { path: "json.email", code: "custom", rule: "unknown_user", message: "No user" },
      { path: "json.email", code: "custom", rule: "own_account", message: "second" },
    ]);
    expect(fieldErrors(error, "en", { email: "User's email" })).toEqual({
      email: "User's email: no user has signed in with this email yet",
    });
  });

  it("answers nothing for envelopes without issues and for other failures", () => {
    expect(fieldErrors({ error: { code: "conflict", message: "taken" } }, "en")).toEqual({});
    expect(fieldErrors(new Error("offline"), "en")).toEqual({});
    expect(fieldErrors(envelope("not a list"), "en")).toEqual({});
    expect(fieldErrors(envelope([{ path: 3, message: "x" }]), "en")).toEqual({});
  });
});

describe("issueErrors", () => {
  it("keeps the whole path, with brackets and the request part normalised", () => {
    const error = envelope([
      {
        path: "tokens[0].token",
        code: "custom",
        rule: "symbol_not_listed",
        message: "SOLUSDC does not trade on Bybit spot.",
        params: { symbol: "SOLUSDC", where: "Bybit spot" },
      },
      {
        path: "json.tokens.1.targetAllocation",
        code: "custom",
        rule: "target_below_min",
        message: "targetAllocation must be at least minAllocation",
        params: { minimum: 20 },
      },
      { path: "tokens", code: "custom", rule: "minimums_over_100", message: "…", params: { total: "120" } },
      { path: "json.tokens.1.targetAllocation", code: "too_big", message: "second" },
    ]);
    expect(issueErrors(error, "en")).toEqual({
      "tokens.0.token": "Token: SOLUSDC does not trade on Bybit spot",
      "tokens.1.targetAllocation": "Target %: must be at least the minimum (20%)",
      tokens: "Tokens: the minimums add up to 120%; together they may be at most 100%",
    });
    expect(issueErrors(error, "ru")["tokens.1.targetAllocation"]).toBe("Цель, %: не меньше минимума (20\u00a0%)");
  });

  it("answers nothing without issues", () => {
    expect(issueErrors({ error: { code: "conflict", message: "taken" } }, "en")).toEqual({});
    expect(issueErrors(envelope([{ path: "json", message: "x" }]), "en")).toEqual({});
  });
});

describe("formSummary", () => {
  const otherwise = () => "the envelope's message";

  it("says nothing at the top when every message sits by a field the form shows", () => {
    expect(formSummary({ name: "Name: required" }, ["name"], otherwise)).toBeNull();
  });

  it("lifts the messages of fields the form does not show to the top", () => {
    expect(formSummary({ name: "Name: required", side: "Side: required" }, ["name"], otherwise)).toBe("Side: required");
  });

  it("falls back to the envelope's message when the answer had no issues", () => {
    expect(formSummary({}, ["name"], otherwise)).toBe("the envelope's message");
  });
});
