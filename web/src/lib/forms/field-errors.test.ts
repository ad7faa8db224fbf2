import { describe, expect, it } from "vitest";
import { fieldErrors, issueErrors } from "./field-errors.ts";

const envelope = (issues: unknown) => ({ error: { code: "validation_failed", message: "…", details: { issues } } });

describe("fieldErrors", () => {
  it("keys messages by the field, without the request part", () => {
    const error = envelope([
      { path: "json.apiKey", message: "Too small" },
      { path: "json.scopes.0", message: "Invalid option" },
      { path: "param.id", message: "Required" },
    ]);
    expect(fieldErrors(error)).toEqual({ apiKey: "Too small", scopes: "Invalid option", id: "Required" });
  });

  it("keeps the first message for a field", () => {
    const error = envelope([
      { path: "json.label", message: "first" },
      { path: "json.label", message: "second" },
    ]);
    expect(fieldErrors(error)).toEqual({ label: "first" });
  });

  it("answers nothing for envelopes without issues and for other failures", () => {
    expect(fieldErrors({ error: { code: "conflict", message: "taken" } })).toEqual({});
    expect(fieldErrors(new Error("offline"))).toEqual({});
    expect(fieldErrors(envelope("not a list"))).toEqual({});
    expect(fieldErrors(envelope([{ path: 3, message: "x" }]))).toEqual({});
  });
});

describe("issueErrors", () => {
  it("keeps the whole path, with brackets and the request part normalised", () => {
    const error = envelope([
      { path: "tokens[0].token", message: "SOLUSDC does not trade on Bybit spot." },
      { path: "json.tokens.1.minAllocation", message: "Too big" },
      { path: "futures.maxLeverage", message: "lower it" },
      { path: "tokens", message: "minimums over 100%" },
      { path: "json.tokens.1.minAllocation", message: "second" },
    ]);
    expect(issueErrors(error)).toEqual({
      "tokens.0.token": "SOLUSDC does not trade on Bybit spot.",
      "tokens.1.minAllocation": "Too big",
      "futures.maxLeverage": "lower it",
      tokens: "minimums over 100%",
    });
  });

  it("answers nothing without issues", () => {
    expect(issueErrors({ error: { code: "conflict", message: "taken" } })).toEqual({});
    expect(issueErrors(envelope([{ path: "json", message: "x" }]))).toEqual({});
  });
});
