import { describe, expect, it } from "vitest";
import { emptyReplayForm, replayAi, replayRefusal, replayRequest } from "./replay.ts";

describe("replay request", () => {
  it("sends only the source when nothing else is filled in", () => {
    expect(replayRequest(emptyReplayForm(), "spot")).toEqual({ source: "recorded" });
  });

  it("sends what was filled in, trimmed, and leaves futures limits out of a spot review", () => {
    const form = {
      ...emptyReplayForm(),
      source: "builtin" as const,
      maxOrderPct: " 5 ",
      maxExposurePct: "200",
      maxLeverage: "3",
      instructions: "Be careful.",
    };
    expect(replayRequest(form, "spot")).toEqual({ source: "builtin", maxOrderPct: "5", instructions: "Be careful." });
    expect(replayRequest(form, "futures")).toEqual({
      source: "builtin",
      maxOrderPct: "5",
      maxExposurePct: "200",
      maxLeverage: 3,
      instructions: "Be careful.",
    });
  });
});

describe("AI replay", () => {
  it("is offered only when the portfolio decides with an AI", () => {
    expect(replayAi({ provider: "builtin" })).toBeNull();
    expect(
      replayAi({
        provider: "openai",
        model: "gpt-5-mini",
        reasoningEffort: null,
        webSearch: false,
        sharedKeyId: null,
        monthlySpendCapUsd: "5",
      }),
    ).toEqual({ provider: "openai", model: "gpt-5-mini" });
  });

  const envelope = (code: string, message: string, details?: unknown) => ({
    error: { code, message, details, requestId: "r" },
  });
  const spendCap = envelope(
    "replay_spend_cap",
    "This month's AI spend of 0.02 USD reached the portfolio's cap of 0.01 USD; OpenAI was not asked.",
    {
      engineMessage: {
        code: "fallback_spend_cap",
        params: { provider: "OpenAI", spentUsd: "0.02", capUsd: "0.01" },
      },
    },
  );

  it("words the engine's reason for a refusal in the reader's language", () => {
    expect(replayRefusal(spendCap, "en")).toBe(
      "The AI replay did not run. This month's AI spend of 0.02 USD reached the portfolio's cap of 0.01 USD; OpenAI was not asked.",
    );
    const ru = replayRefusal(spendCap, "ru");
    expect(ru).toMatch(/^Повтор с ИИ не выполнен\. /);
    expect(ru).toContain("OpenAI");
  });

  it("says what a billed failure cost", () => {
    const failed = envelope("replay_decision_failed", "OpenAI failed: not JSON", {
      failure: "invalid_output",
      engineMessage: { code: "fallback_ai_failed", params: { provider: "OpenAI", detail: "not JSON" } },
      usage: { costUsd: "0.0012" },
    });
    const text = replayRefusal(failed, "en") ?? "";
    expect(text).toBe(
      // formatCost keeps the amount and its currency together with a no-break space.
      "The AI replay did not run, but its request was billed (0.0012\u00a0USD, counted toward this month's AI spend). OpenAI failed: not JSON",
    );
  });

  it("explains the built-in portfolio and the hourly limit; leaves other errors to their message", () => {
    expect(replayRefusal(envelope("replay_not_ai", "x"), "ru")).toBe(
      "Этот портфель принимает решения встроенной стратегией: ИИ, которого можно спросить, у него нет.",
    );
    const limited = envelope("rate_limited", "Too many", { preset: "aiReplay", limit: 10, retryAfterSeconds: 290 });
    expect(replayRefusal(limited, "en")).toBe(
      "At most 10 AI replays an hour for this portfolio: try again in 5 minutes.",
    );
    expect(replayRefusal(limited, "ru")).toContain("через 5 минут");
    expect(replayRefusal(envelope("rate_limited", "Too many", { preset: "sensitive" }), "en")).toBeNull();
    expect(replayRefusal(envelope("replay_no_input", "No input."), "en")).toBeNull();
    expect(replayRefusal(new Error("offline"), "en")).toBeNull();
  });
});
