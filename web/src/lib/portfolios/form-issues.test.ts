import { describe, expect, it } from "vitest";
import { newDraft, tokenRow } from "./draft.ts";
import { rowIssues, unplacedIssues } from "./form-issues.ts";

describe("portfolio form issues", () => {
  const draft = newDraft("k1");
  draft.tokens = [tokenRow(), tokenRow()];

  it("leaves for the summary only what no shown field takes", () => {
    const errors = {
      name: "Too small",
      tokens: "minimums add up to 120%",
      "tokens.1.token": "listed twice",
      "tokens.5.token": "no such row",
      "futures.maxLeverage": "too high",
      "decisionSource.model": "Too small",
      surprise: "unknown",
    };
    expect(unplacedIssues(errors, draft)).toEqual([
      ["tokens.5.token", "no such row"],
      ["futures.maxLeverage", "too high"],
      ["decisionSource.model", "Too small"],
      ["surprise", "unknown"],
    ]);
    const futures = { ...draft, market: "futures" as const, provider: "openai" as const };
    expect(unplacedIssues(errors, futures).map(([path]) => path)).toEqual(["tokens.5.token", "surprise"]);
  });

  it("gives each row its messages by field", () => {
    const errors = { "tokens.1": "row", "tokens.1.minAllocation": "Too big", "tokens.10.token": "other row" };
    expect(rowIssues(errors, 1)).toEqual({ "": "row", minAllocation: "Too big" });
    expect(rowIssues(errors, 0)).toEqual({});
  });
});
