import { describe, expect, it } from "vitest";
import { holdPrice } from "../accounts/support.ts";
import { simRequests } from "../ai/support.ts";
import { spotPortfolio, startSettled } from "../portfolios/support.ts";
import { newPortfolio, OPENAI, rows, runNow, scriptedTrader, spotPlan } from "./support.ts";

/**
 * The portfolio's AI options reach the provider's request and are recorded on the run; the built-in strategy decides
 * instead, with the reason on the run, when the monthly AI spend cap is reached (the AI is not asked) or the provider
 * fails. Decisions come from the simulator's OpenAI Responses API over HTTP.
 */

async function aiPortfolio(decisionSource: Record<string, unknown>) {
  await holdPrice("binance", "spot", "ETHUSDT", "2500");
  const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
  const id = await newPortfolio(
    t.user,
    spotPortfolio(t.keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource }),
  );
  return { ...t, id };
}

const responsesOf = async (aiKey: string) => (await simRequests(aiKey)).filter((r) => r.path === "/v1/responses");

describe("AI options and fallback in reviews", () => {
  it("sends the portfolio's reasoning effort and web search, and records what was sent and the search's cost", async () => {
    const t = await aiPortfolio({ ...OPENAI, reasoningEffort: "high", webSearch: true });
    await t.decide(spotPlan([]));
    const { run } = await startSettled(t.user, t.id);
    expect(run).toMatchObject({
      status: "completed",
      provider: "openai",
      model: "gpt-5-mini",
      aiOptions: { reasoningEffort: "high", webSearch: true },
      fallback: null,
    });
    expect(run.usage).toMatchObject({ webSearchCalls: 1 });
    const [request] = await responsesOf(t.aiKey);
    expect(request?.body).toMatchObject({ reasoning: { effort: "high" }, tools: [{ type: "web_search" }] });
  });

  it("sends neither option when the portfolio leaves them at their defaults", async () => {
    const t = await aiPortfolio(OPENAI);
    await t.decide(spotPlan([]));
    const { run } = await startSettled(t.user, t.id);
    expect(run).toMatchObject({ status: "completed", aiOptions: { reasoningEffort: null, webSearch: false } });
    const [request] = await responsesOf(t.aiKey);
    expect(request?.body).not.toHaveProperty("reasoning");
    expect(request?.body).not.toHaveProperty("tools");
  });

  it("falls back to the built-in strategy when the provider keeps failing, notes why, and does not count a failure", async () => {
    const t = await aiPortfolio(OPENAI);
    // Three 500s: the first attempt and both retries (AI_MAX_ATTEMPTS defaults to 3).
    const fault = { fault: { status: 500, message: "The server had an error while processing your request." } };
    await t.script(fault, fault, fault);
    const { run } = await startSettled(t.user, t.id);
    expect(run).toMatchObject({
      status: "completed",
      provider: "builtin",
      model: "builtin-v1",
      aiOptions: { reasoningEffort: null, webSearch: false },
      fallback: { provider: "openai", model: "gpt-5-mini", code: "decision_provider_error" },
    });
    const fallback = run.fallback as { message: string };
    expect(fallback.message).toContain("OpenAI failed: OpenAI answered HTTP 500");
    expect(run.notes).toContainEqual({
      kind: "info",
      symbol: null,
      message: `The built-in strategy decided: ${fallback.message}`,
      engineMessage: { code: "note_builtin_decided", params: {} },
    });
    expect(run.fallback).toMatchObject({
      engineMessage: { code: "fallback_ai_failed", params: { provider: "OpenAI", detail: expect.any(String) } },
    });
    expect(run.decision).toMatchObject({ kind: "spot" });
    expect(await responsesOf(t.aiKey)).toHaveLength(3);
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body).toMatchObject({ status: "active", failedRunsInARow: 0 });
  });

  it("falls back on an answer that is not the decision schema, keeping the AI's answer on the run", async () => {
    const t = await aiPortfolio(OPENAI);
    await t.script({ text: "I think you should buy some ETH." });
    const { run } = await startSettled(t.user, t.id);
    expect(run).toMatchObject({
      status: "completed",
      provider: "builtin",
      fallback: { code: "decision_invalid_output" },
    });
    const detail = (await t.user.get(`/api/portfolios/${t.id}/runs/${run.id}`)).body;
    expect(JSON.stringify(detail.rawResponse)).toContain("I think you should buy some ETH.");
    // The failed answer's tokens were billed: its cost is the run's AI spend.
    expect(Number((run.usage as { costUsd: string }).costUsd)).toBeGreaterThan(0);
  });

  it("stops asking the AI once the month's spend reached the portfolio's cap, and says so on the run", async () => {
    // One web search call alone costs 0.01 USD (pricing.ts), so the first decision reaches a 0.01 cap.
    const t = await aiPortfolio({ ...OPENAI, webSearch: true, monthlySpendCapUsd: "0.01" });
    await t.decide(spotPlan([]), spotPlan([]));
    const { run: first } = await startSettled(t.user, t.id);
    expect(first).toMatchObject({ status: "completed", provider: "openai", fallback: null });
    expect(Number((first.usage as { costUsd: string }).costUsd)).toBeGreaterThanOrEqual(0.01);

    const second = await runNow(t.user, t.id);
    expect(second).toMatchObject({
      status: "completed",
      provider: "builtin",
      aiOptions: null,
      usage: null,
      fallback: { provider: "openai", model: "gpt-5-mini", code: "spend_cap" },
    });
    expect((second.fallback as { message: string }).message).toMatch(
      /^This month's AI spend of 0\.0\d USD reached the portfolio's cap of 0\.01 USD; OpenAI was not asked\.$/,
    );
    // Asked once: the second review never reached the provider.
    expect(await responsesOf(t.aiKey)).toHaveLength(1);

    // Raising the cap lets the AI decide again.
    const raised = await t.user.call("PATCH", `/api/portfolios/${t.id}`, {
      body: { decisionSource: { ...OPENAI, webSearch: true, monthlySpendCapUsd: "5" } },
    });
    expect(raised.status).toBe(200);
    const third = await runNow(t.user, t.id);
    expect(third).toMatchObject({ status: "completed", provider: "openai", fallback: null });
    const stored = await rows<{ n: number }>(
      "SELECT count(*) AS n FROM portfolio_runs WHERE portfolio_id = ? AND fallback IS NOT NULL",
      t.id,
    );
    expect(stored[0]?.n).toBe(1);
  });
});
