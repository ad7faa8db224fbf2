import { describe, expect, it } from "vitest";
import { accountsApp, errorOf, trader } from "../accounts/support.ts";
import { createPortfolio, spotPortfolio } from "./support.ts";

/** Reasoning effort, web search and the AI spend cap are settings of the portfolio, checked against the model. */

const issuePath = (reply: { body: Record<string, unknown> }) =>
  ((errorOf(reply).details?.issues as { path: string }[] | undefined) ?? [])[0]?.path;

describe("portfolio AI options", () => {
  it("stores the options the model takes and shows them back", async () => {
    const { user, keyId } = await trader(accountsApp(), "binance");
    const source = {
      provider: "openai",
      model: "gpt-5-mini",
      reasoningEffort: "low",
      webSearch: true,
      monthlySpendCapUsd: "12.50",
    };
    const created = await user.post("/api/portfolios", spotPortfolio(keyId, { decisionSource: source }));
    expect(created.status, created.text).toBe(200);
    expect(created.body.decisionSource).toEqual({ ...source, sharedKeyId: null });

    // Older clients that send only a model get the defaults: no effort sent, no web search, no cap.
    const plain = await user.post(
      "/api/portfolios",
      spotPortfolio(keyId, { name: "Plain", decisionSource: { provider: "groq", model: "openai/gpt-oss-20b" } }),
    );
    expect(plain.body.decisionSource).toEqual({
      provider: "groq",
      model: "openai/gpt-oss-20b",
      reasoningEffort: null,
      webSearch: false,
      sharedKeyId: null,
      monthlySpendCapUsd: null,
    });
    const id = plain.body.id as string;
    const patched = await user.call("PATCH", `/api/portfolios/${id}`, {
      body: { decisionSource: { provider: "groq", model: "openai/gpt-oss-20b", reasoningEffort: "medium" } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.decisionSource).toMatchObject({ reasoningEffort: "medium", webSearch: false });
  });

  it("refuses what the model does not take, naming the field", async () => {
    const { user, keyId } = await trader(accountsApp(), "binance");
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { provider: "openai", model: "gpt-4.1-mini", reasoningEffort: "low" },
        "decisionSource.reasoningEffort",
        /gpt-4\.1-mini does not take reasoning effort "low" \(it takes none\)/,
      ],
      [
        { provider: "openai", model: "gpt-5-mini", reasoningEffort: "none" },
        "decisionSource.reasoningEffort",
        /it accepts minimal, low, medium, high/,
      ],
      [
        { provider: "groq", model: "openai/gpt-oss-120b", reasoningEffort: "minimal" },
        "decisionSource.reasoningEffort",
        /it accepts low, medium, high/,
      ],
      [
        { provider: "groq", model: "llama-3.3-70b-versatile", webSearch: true },
        "decisionSource.webSearch",
        /cannot search the web/,
      ],
      [
        { provider: "openai", model: "gpt-5", reasoningEffort: "minimal", webSearch: true },
        "decisionSource.webSearch",
        /at reasoning effort "minimal"/,
      ],
      [
        { provider: "openai", model: "gpt-4.1-nano", webSearch: true },
        "decisionSource.webSearch",
        /cannot search the web/,
      ],
    ];
    for (const [source, path, message] of cases) {
      const reply = await user.post("/api/portfolios", spotPortfolio(keyId, { decisionSource: source }));
      expect(reply.status, JSON.stringify(source)).toBe(400);
      expect(errorOf(reply).code).toBe("validation_failed");
      expect(issuePath(reply)).toBe(path);
      expect(errorOf(reply).message).toMatch(message);
    }

    // The same rule on an update, and nothing changed.
    const id = await createPortfolio(
      user,
      spotPortfolio(keyId, { decisionSource: { provider: "openai", model: "gpt-4.1" } }),
    );
    const refused = await user.call("PATCH", `/api/portfolios/${id}`, {
      body: { decisionSource: { provider: "openai", model: "gpt-4.1", reasoningEffort: "high" } },
    });
    expect(refused.status).toBe(400);
    expect(issuePath(refused)).toBe("decisionSource.reasoningEffort");
    expect((await user.get(`/api/portfolios/${id}`)).body.decisionSource).toMatchObject({ reasoningEffort: null });
  });

  it("bounds the values themselves", async () => {
    const { user, keyId } = await trader(accountsApp(), "binance");
    for (const source of [
      { provider: "openai", model: "gpt-5", reasoningEffort: "extreme" },
      { provider: "openai", model: "gpt-5", webSearch: "yes" },
      { provider: "openai", model: "gpt-5", monthlySpendCapUsd: "0" },
      { provider: "openai", model: "gpt-5", monthlySpendCapUsd: "1.005" },
      { provider: "openai", model: "gpt-5", monthlySpendCapUsd: "10000000" },
      { provider: "openai", model: "gpt-5", monthlySpendCapUsd: 5 },
    ]) {
      const reply = await user.post("/api/portfolios", spotPortfolio(keyId, { decisionSource: source }));
      expect(reply.status, JSON.stringify(source)).toBe(400);
      expect(errorOf(reply).code).toBe("validation_failed");
    }
  });
});
