import { describe, expect, it } from "vitest";
import { responseObject, unsupportedChatOption, unsupportedOption } from "../../sim/openai/shapes.ts";

/** The simulator refuses the AI options the real providers refuse, so the worker's checks are held to them. */
describe("simulated OpenAI and Groq options", () => {
  it("refuses reasoning effort on models that do not reason, and efforts a model does not take", () => {
    expect(unsupportedOption({ model: "gpt-5-mini", reasoning: { effort: "high" } })).toBeNull();
    expect(unsupportedOption({ model: "gpt-4.1-mini", reasoning: { effort: "low" } })).toMatch(/not supported/);
    expect(unsupportedOption({ model: "gpt-5", reasoning: { effort: "none" } })).toMatch(/does not support 'none'/);
    expect(unsupportedOption({ model: "gpt-5.1", reasoning: { effort: "none" } })).toBeNull();
    expect(unsupportedOption({ model: "o3", reasoning: { effort: "minimal" } })).toMatch(/does not support/);
  });

  it("refuses web search at minimal effort and on gpt-4.1-nano, and answers a search with a web_search_call", () => {
    const tools = [{ type: "web_search" }];
    expect(unsupportedOption({ model: "gpt-5", reasoning: { effort: "minimal" }, tools })).toMatch(/minimal/);
    expect(unsupportedOption({ model: "gpt-4.1-nano", tools })).toMatch(/not supported/);
    const answer = responseObject({ model: "gpt-5", tools, input: "x" }, "{}", "completed");
    expect(answer.output.map((item) => (item as { type: string }).type)).toContain("web_search_call");
  });

  it("takes Groq's reasoning_effort from GPT-OSS models only", () => {
    expect(unsupportedChatOption({ model: "openai/gpt-oss-20b", reasoning_effort: "medium" })).toBeNull();
    expect(unsupportedChatOption({ model: "openai/gpt-oss-20b", reasoning_effort: "minimal" })).toMatch(/one of/);
    expect(unsupportedChatOption({ model: "llama-3.3-70b-versatile", reasoning_effort: "low" })).toMatch(
      /not supported/,
    );
    expect(unsupportedChatOption({ model: "llama-3.3-70b-versatile" })).toBeNull();
  });
});
