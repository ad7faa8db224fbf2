import { describe, expect, it } from "vitest";
import { DECISION_SCHEMAS, FuturesDecision, parseDecision, SpotDecision } from "../../../worker/ai/decision-schema.ts";
import { readCompletion } from "../../../worker/ai/groq.ts";
import { readResponse } from "../../../worker/ai/openai.ts";
import { strictJsonSchema, strictSchemaViolations } from "../../../worker/ai/strict-schema.ts";
import groqCompletion from "./fixtures/groq-chat-completion.json";
import incomplete from "./fixtures/responses-incomplete.json";
import refusal from "./fixtures/responses-refusal.json";
import withWebSearch from "./fixtures/responses-web-search.json";

describe("decision schemas in strict mode", () => {
  it.each(["spot", "futures"] as const)("the %s schema follows every strict-mode rule", (kind) => {
    const { schema, name } = DECISION_SCHEMAS[kind];
    expect(name).toMatch(/^[a-z_]+$/);
    expect(strictSchemaViolations(schema)).toEqual([]);
    // Optional values are nullable, never left out of `required`.
    const json = JSON.stringify(schema);
    expect(json).not.toContain("$schema");
    expect(json).toContain('"null"');
  });

  it("finds what strict mode refuses", () => {
    const loose = {
      type: "object",
      properties: { a: { type: "string" }, b: { type: "object", properties: {} } },
      required: ["a"],
    };
    expect(strictSchemaViolations(loose)).toEqual([
      "$: additionalProperties must be false",
      "$.b: must be required (use nullable for optional)",
      "$.b: additionalProperties must be false",
    ]);
    expect(strictSchemaViolations({ type: "string", minLength: 2 })).toContain('$: unsupported keyword "minLength"');
  });

  it("is generated from the zod schema, so both accept the same decision", () => {
    expect(DECISION_SCHEMAS.spot.schema).toEqual(strictJsonSchema(SpotDecision));
    expect(DECISION_SCHEMAS.futures.schema).toEqual(strictJsonSchema(FuturesDecision));
    const spot = DECISION_SCHEMAS.spot.schema as { properties: { result: { anyOf: { required: string[] }[] } } };
    expect(spot.properties.result.anyOf.map((b) => b.required)).toEqual([
      ["orders", "summary", "strategy", "rationale"],
      ["error"],
    ]);
  });
});

describe("parsing answers", () => {
  it("reads a real Responses object with reasoning, web search and a message", () => {
    const read = readResponse("spot", withWebSearch, "gpt-5-mini");
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.decision).toMatchObject({
      kind: "spot",
      strategy: "trend-tilted rebalance",
      orders: [{ pair: "ETHUSDT", side: "buy", quantity: "0.25", quantityAsset: "ETH", limitPrice: "1999.5" }],
    });
    // Dated snapshot priced as its family: (24131−16256)·0.25 + 16256·0.025 + 6578·2 per 1M, plus one search.
    expect(read.usage).toEqual({
      inputTokens: 24131,
      cachedInputTokens: 16256,
      outputTokens: 6578,
      reasoningTokens: 6400,
      webSearchCalls: 1,
      costUsd: "0.025531",
    });
  });

  it("turns incomplete and refused responses into failures, never holds", () => {
    const cut = readResponse("spot", incomplete, "gpt-5-mini");
    expect(cut).toMatchObject({
      ok: false,
      failure: { code: "incomplete", message: expect.stringContaining("max_output_tokens") },
    });
    expect(readResponse("spot", refusal, "gpt-5-mini")).toMatchObject({ ok: false, failure: { code: "refused" } });
    expect(readResponse("spot", { status: "completed", output: [] }, "x")).toMatchObject({
      ok: false,
      failure: { code: "invalid_output" },
      usage: null,
    });
  });

  it("reads a Groq chat completion with a futures decision", () => {
    const read = readCompletion("futures", groqCompletion, "openai/gpt-oss-120b");
    expect(read).toMatchObject({
      ok: true,
      decision: {
        kind: "futures",
        actions: [{ symbol: "BTCUSDT", action: "OPEN", notional: "3000", stopLoss: "58200" }],
      },
      usage: { inputTokens: 3120, outputTokens: 412, reasoningTokens: 188, costUsd: "0.000715" },
    });
  });

  it("records { error } as a failed decision and truncates long summaries", () => {
    expect(parseDecision("spot", JSON.stringify({ result: { error: "no prices" } }))).toEqual({
      ok: false,
      code: "model_error",
      message: "no prices",
    });
    expect(parseDecision("spot", "not json")).toMatchObject({ ok: false, code: "invalid_output" });
    expect(parseDecision("futures", JSON.stringify({ result: { orders: [] } }))).toMatchObject({
      ok: false,
      code: "invalid_output",
    });
    const long = parseDecision(
      "spot",
      JSON.stringify({ result: { orders: [], summary: "x".repeat(400), strategy: "s", rationale: "r" } }),
    );
    expect(long.ok && long.decision.summary.length).toBe(255);
  });
});
