import Big from "big.js";
import { describe, expect, it } from "vitest";
import {
  accountsApp,
  connectKey,
  errorOf,
  holdPrice,
  keyRequests,
  simAccount,
  simUrl,
  simUrlAsLocalhost,
  trader,
} from "../accounts/support.ts";
import { script, simAiKey, simRequests } from "../ai/support.ts";
import {
  newPortfolio,
  OPENAI,
  rows,
  runNow,
  type ScriptedTrader,
  scriptedTrader,
  spotBuy,
  spotPlan,
} from "../engine/support.ts";
import { Caller, signIn, testApp, testClock, uniqueEmail } from "../identity/support.ts";
import { spotPortfolio, startSettled } from "./support.ts";

/**
 * What-if replay decided by the portfolio's own AI: asked through the simulator's OpenAI Responses API over HTTP with
 * the replay's instructions, its cost kept in D1 and counted toward the portfolio's monthly cap and a shared key's
 * budget (by later replays and by reviews), refused with a 4xx saying why whenever the AI cannot decide, never
 * replaced by the built-in strategy, and limited per portfolio.
 */

type Order = { symbol: string; side: string; type: string; quantity: string; price: string | null };
type Usage = { inputTokens: number; outputTokens: number; webSearchCalls: number; costUsd: string | null };
type Replay = {
  source: string;
  decision: { kind: string; summary: string };
  decidedBy: { provider: string; model: string };
  usage: Usage | null;
  aiOptions: { reasoningEffort: string | null; webSearch: boolean } | null;
  orders: Order[];
  diff: { change: string; symbol: string }[];
};
type SpendRow = { run_id: string; ai_share_id: string | null; model: string; usage: string; cost_usd: string | null };

const responsesOf = async (aiKey: string) => (await simRequests(aiKey)).filter((r) => r.path === "/v1/responses");

const spendRows = (portfolioId: string) =>
  rows<SpendRow>(
    `SELECT "run_id", "ai_share_id", "model", "usage", "cost_usd" FROM "ai_replay_spend" WHERE "portfolio_id" = ?
     ORDER BY "requested_at"`,
    portfolioId,
  );

/** A started spot portfolio deciding with OpenAI, whose first review bought 1 ETH at market. */
async function reviewed(t: ScriptedTrader, decisionSource: Record<string, unknown> = OPENAI) {
  await holdPrice("binance", "spot", "ETHUSDT", "2500");
  await holdPrice("binance", "spot", "BTCUSDT", "60000");
  await t.decide(spotPlan([spotBuy("ETHUSDT", "1", "2500")], "Buy ETH."));
  const id = await newPortfolio(
    t.user,
    spotPortfolio(t.keyId, {
      tokens: [
        { token: "ETH", minAllocation: 0 },
        { token: "BTC", minAllocation: 0 },
      ],
      decisionSource,
    }),
  );
  const { run } = await startSettled(t.user, id);
  expect(run.status, JSON.stringify(run.error)).toBe("completed");
  const replay = (body: Record<string, unknown>) => t.user.post(`/api/portfolios/${id}/runs/${run.id}/replay`, body);
  return { id, run, replay };
}

const costOf = (usage: unknown) => Big((usage as { costUsd: string | null } | null)?.costUsd ?? "0");

async function turnOnWebSearch(user: Caller, id: string, decisionSource: Record<string, unknown>) {
  // One web search call costs 0.01 USD (pricing.ts): the next AI request spends at least that.
  const patched = await user.call("PATCH", `/api/portfolios/${id}`, {
    body: { decisionSource: { ...decisionSource, webSearch: true } },
  });
  expect(patched.status, patched.text).toBe(200);
}

describe("what-if replay decided by the portfolio's AI", () => {
  it("asks the portfolio's AI with the changed instructions, plans its decision, and keeps what it cost", async () => {
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const { id, run, replay } = await reviewed(t);
    await t.decide(spotPlan([spotBuy("BTCUSDT", "0.01", "60000")], "BTC only, as instructed."));

    const before = await keyRequests(t.account.apiKey);
    const reply = await replay({ source: "ai", instructions: "Never buy ETH; prefer BTC." });
    expect(reply.status, reply.text).toBe(200);
    const body = reply.body as unknown as Replay;
    // Planned on paper only: not one request reached the venue.
    expect(await keyRequests(t.account.apiKey)).toEqual(before);

    const [review, asked] = await responsesOf(t.aiKey);
    expect(String(review?.body.instructions)).not.toContain("Never buy ETH");
    expect(String(asked?.body.instructions)).toContain("Never buy ETH; prefer BTC.");
    expect(asked?.body).toMatchObject({ model: "gpt-5-mini" });
    expect(body).toMatchObject({
      source: "ai",
      decision: { kind: "spot", summary: "BTC only, as instructed." },
      decidedBy: { provider: "openai", model: "gpt-5-mini" },
      aiOptions: { reasoningEffort: null, webSearch: false },
    });
    expect(body.usage?.inputTokens).toBeGreaterThan(0);
    expect(costOf(body.usage).gt(0)).toBe(true);
    expect(body.orders.map((o) => [o.symbol, o.side])).toEqual([["BTCUSDT", "buy"]]);
    expect(body.diff).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ change: "removed", symbol: "ETHUSDT" }),
        expect.objectContaining({ change: "added", symbol: "BTCUSDT" }),
      ]),
    );

    // The cost is kept in D1 for the month's spend, with the tokens, and nothing else changed on the review.
    const spend = await spendRows(id);
    expect(spend).toHaveLength(1);
    expect(spend[0]).toMatchObject({ run_id: run.id, ai_share_id: null, model: "gpt-5-mini" });
    expect(Big(spend[0]?.cost_usd ?? "0").eq(costOf(body.usage))).toBe(true);
    expect(JSON.parse(spend[0]?.usage ?? "{}")).toMatchObject({ inputTokens: body.usage?.inputTokens });
    const stored = (await t.user.get(`/api/portfolios/${id}/runs/${run.id}`)).body;
    expect(stored).toMatchObject({ summary: "Buy ETH.", provider: "openai" });
  });

  it("counts its cost toward the portfolio's monthly cap: the next AI replay is refused and a review falls back", async () => {
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const source = { ...OPENAI, monthlySpendCapUsd: "0.01" };
    const { id, run, replay } = await reviewed(t, source);
    // Without web search the review's tokens cost far less than the cap: only the replay's cost can reach it.
    expect(costOf(run.usage).lt("0.01")).toBe(true);
    await turnOnWebSearch(t.user, id, source);

    const first = await replay({ source: "ai", instructions: "Look at the news first." });
    expect(first.status, first.text).toBe(200);
    const spent = costOf((first.body as unknown as Replay).usage);
    expect(spent.gte("0.01")).toBe(true);
    expect((first.body as unknown as Replay).usage?.webSearchCalls).toBe(1);

    const second = await replay({ source: "ai" });
    expect(second.status).toBe(422);
    expect(errorOf(second)).toMatchObject({
      code: "replay_spend_cap",
      details: { engineMessage: { code: "fallback_spend_cap", params: { provider: "OpenAI", capUsd: "0.01" } } },
    });
    expect(errorOf(second).message).toMatch(/reached the portfolio's cap of 0\.01 USD; OpenAI was not asked\.$/);
    // Refused before asking: the simulator saw the review and the first replay only.
    expect(await responsesOf(t.aiKey)).toHaveLength(2);
    expect(await spendRows(id)).toHaveLength(1);

    const next = await runNow(t.user, id);
    expect(next).toMatchObject({
      status: "completed",
      provider: "builtin",
      fallback: { provider: "openai", code: "spend_cap" },
    });
    expect(await responsesOf(t.aiKey)).toHaveLength(2);
    // The built-in strategy still replays: only the AI is capped.
    expect((await replay({ source: "builtin" })).status).toBe(200);
  });

  it("counts its cost toward a shared key's budget, and is refused once it is spent or the share is revoked", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const app = accountsApp();
    const admin = await signIn(app, "admin@ballast.test");
    const adminKey = await simAiKey("openai");
    expect((await admin.put("/api/keys/ai/openai", { apiKey: adminKey })).status).toBe(200);
    const email = uniqueEmail("replay-borrower");
    const user = await signIn(app, email);
    const keyId = await connectKey(
      user,
      "binance",
      await simAccount("binance", { spot: { USDT: "10000" }, futuresWallet: "0" }),
    );
    const shared = await admin.post("/api/admin/ai-shares", { provider: "openai", email, monthlyBudgetUsd: "0.01" });
    const shareId = shared.body.id as string;
    const source = { ...OPENAI, sharedKeyId: shareId };
    const id = await newPortfolio(
      user,
      spotPortfolio(keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: source }),
    );
    await script(adminKey, [{ decision: { result: spotPlan([]) } }, { decision: { result: spotPlan([]) } }]);
    const { run } = await startSettled(user, id);
    expect(run).toMatchObject({ status: "completed", provider: "openai", fallback: null });
    expect(costOf(run.usage).lt("0.01")).toBe(true);
    await turnOnWebSearch(user, id, source);
    const path = `/api/portfolios/${id}/runs/${run.id}/replay`;

    const first = await user.post(path, { source: "ai" });
    expect(first.status, first.text).toBe(200);
    const replayCost = costOf((first.body as unknown as Replay).usage);
    expect(await spendRows(id)).toEqual([expect.objectContaining({ ai_share_id: shareId })]);
    // The share's month now holds the review's and the replay's cost: its budget is spent.
    const [mine] = (await user.get("/api/keys/ai/shared")).body.keys as { spentUsd: string; remainingUsd: string }[];
    expect(Big(mine?.spentUsd ?? "0").eq(costOf(run.usage).plus(replayCost).round(6))).toBe(true);
    expect(mine?.remainingUsd).toBe("0");

    const refused = await user.post(path, { source: "ai" });
    expect(refused.status).toBe(422);
    expect(errorOf(refused)).toMatchObject({
      code: "replay_share_budget",
      details: { engineMessage: { code: "fallback_share_budget", params: { budgetUsd: "0.01" } } },
    });
    expect(await runNow(user, id)).toMatchObject({ provider: "builtin", fallback: { code: "share_budget" } });
    expect(await responsesOf(adminKey)).toHaveLength(2);

    await admin.delete(`/api/admin/ai-shares/${shareId}`);
    const revoked = await user.post(path, { source: "ai" });
    expect(revoked.status).toBe(422);
    expect(errorOf(revoked)).toMatchObject({
      code: "replay_share_revoked",
      details: { engineMessage: { code: "fallback_share_revoked" } },
    });
    expect(await responsesOf(adminKey)).toHaveLength(2);
  });

  it("takes an API token's trade scope to spend the AI budget; read is enough for the other sources", async () => {
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const { id, run } = await reviewed(t);
    const path = `/api/portfolios/${id}/runs/${run.id}/replay`;
    const tokenCaller = async (scopes: string[]) => {
      const created = await t.user.post("/api/tokens", { name: `replay ${scopes.join("+")}`, scopes });
      expect(created.status, created.text).toBe(200);
      return new Caller(t.app, { bearer: created.body.token as string });
    };
    const reader = await tokenCaller(["read"]);
    const refused = await reader.post(path, { source: "ai" });
    expect(refused.status).toBe(403);
    expect(errorOf(refused)).toMatchObject({ code: "forbidden" });
    expect((await reader.post(path, { source: "recorded" })).status).toBe(200);
    expect(await responsesOf(t.aiKey)).toHaveLength(1);
    expect(await spendRows(id)).toEqual([]);

    await t.decide(spotPlan([], "Nothing to do."));
    const trading = await tokenCaller(["read", "trade"]);
    const asked = await trading.post(path, { source: "ai" });
    expect(asked.status, asked.text).toBe(200);
    expect(await responsesOf(t.aiKey)).toHaveLength(2);
    expect(await spendRows(id)).toHaveLength(1);
  });

  it("refuses a portfolio that decides with the built-in strategy, and an owner without an AI key", async () => {
    await holdPrice("binance", "spot", "SOLUSDT", "150");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    // SOL: a token the AI portfolio below does not trade on the same key.
    const builtinId = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, { tokens: [{ token: "SOL", minAllocation: 0 }], decisionSource: { provider: "builtin" } }),
    );
    const { run: builtinRun } = await startSettled(t.user, builtinId);
    expect(builtinRun.status).toBe("completed");
    const notAi = await t.user.post(`/api/portfolios/${builtinId}/runs/${builtinRun.id}/replay`, { source: "ai" });
    expect(notAi.status).toBe(422);
    expect(errorOf(notAi).code).toBe("replay_not_ai");
    expect(errorOf(notAi).message).toContain("decides with the built-in strategy");

    const { id, replay } = await reviewed(t);
    expect((await t.user.delete("/api/keys/ai/openai")).status).toBe(200);
    const noKey = await replay({ source: "ai" });
    expect(noKey.status).toBe(422);
    expect(errorOf(noKey)).toMatchObject({
      code: "replay_no_ai_key",
      details: { engineMessage: { code: "run_no_ai_key", params: { provider: "OpenAI" } } },
    });
    // Neither reached the AI (only the review asked) and neither cost anything.
    expect(await responsesOf(t.aiKey)).toHaveLength(1);
    expect(await spendRows(id)).toEqual([]);
    expect(await spendRows(builtinId)).toEqual([]);
  });

  it("refuses when the key's base URL is no longer allowed by the host policy, without asking", async () => {
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    // The simulator reached as `localhost`: allowed while EXCHANGE_EXTRA_HOSTS lists that name.
    const saved = await t.user.put("/api/keys/ai/openai", { apiKey: t.aiKey, baseUrl: simUrlAsLocalhost() });
    expect(saved.status, saved.text).toBe(200);
    const { id, run } = await reviewed(t);
    // The operator has since taken `localhost` off the list: the same session on a worker configured so.
    const narrowed = testApp({}, { EXCHANGE_EXTRA_HOSTS: new URL(simUrl()).host });
    const user = new Caller(narrowed, t.user.auth);
    const refused = await user.post(`/api/portfolios/${id}/runs/${run.id}/replay`, { source: "ai" });
    expect(refused.status).toBe(422);
    expect(errorOf(refused)).toMatchObject({
      code: "replay_base_url_refused",
      details: { engineMessage: { code: "fallback_base_url", params: { provider: "OpenAI" } } },
    });
    expect(await responsesOf(t.aiKey)).toHaveLength(1);
    expect(await spendRows(id)).toEqual([]);
  });

  it("answers 422 when the AI fails, keeping the cost of an answer that was billed, never the built-in plan", async () => {
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const { id, replay } = await reviewed(t);

    await t.script({ text: "I think you should buy some ETH." });
    const offSchema = await replay({ source: "ai" });
    expect(offSchema.status).toBe(422);
    const failed = errorOf(offSchema);
    expect(failed).toMatchObject({
      code: "replay_decision_failed",
      details: {
        failure: "invalid_output",
        engineMessage: { code: "fallback_ai_failed", params: { provider: "OpenAI" } },
      },
    });
    expect(failed.message).toMatch(/^OpenAI failed: /);
    // Its tokens were billed: the cost is kept and counts toward the month's spend.
    const spend = await spendRows(id);
    expect(spend).toHaveLength(1);
    expect(Big(spend[0]?.cost_usd ?? "0").gt(0)).toBe(true);
    expect(costOf(failed.details?.usage).eq(spend[0]?.cost_usd ?? "0")).toBe(true);

    // A provider that keeps answering 500 (the first attempt and both retries) billed nothing.
    const fault = { fault: { status: 500, message: "The server had an error while processing your request." } };
    await t.script(fault, fault, fault);
    const down = await replay({ source: "ai" });
    expect(down.status).toBe(422);
    expect(errorOf(down)).toMatchObject({ code: "replay_decision_failed", details: { failure: "provider_error" } });
    expect(await spendRows(id)).toHaveLength(1);
    expect(await responsesOf(t.aiKey)).toHaveLength(5);
  });

  it("allows 10 AI replays per portfolio an hour, then answers 429 with Retry-After; other sources are not counted", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    // A clock moved by hand keeps the route's per-user limit (10 a minute) out of the way without sleeping.
    const clock = testClock();
    const app = accountsApp({ now: clock.now });
    const { user, keyId } = await trader(app, "binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const aiKey = await simAiKey("openai");
    expect((await user.put("/api/keys/ai/openai", { apiKey: aiKey })).status).toBe(200);
    const id = await newPortfolio(
      user,
      spotPortfolio(keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    const { run } = await startSettled(user, id);
    const path = `/api/portfolios/${id}/runs/${run.id}/replay`;
    const replay = async (source: string) => {
      clock.advance(7_000);
      return user.post(path, { source });
    };

    for (let i = 0; i < 10; i++) {
      const allowed = await replay("ai");
      expect(allowed.status, `replay ${i + 1}: ${allowed.text}`).toBe(200);
    }
    const limited = await replay("ai");
    expect(limited.status).toBe(429);
    expect(errorOf(limited)).toMatchObject({ code: "rate_limited", details: { preset: "aiReplay", limit: 10 } });
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBe(errorOf(limited).details?.retryAfterSeconds);
    // Refused before asking: the review and ten replays reached the AI, and ten replays were billed.
    expect(await responsesOf(aiKey)).toHaveLength(11);
    expect(await spendRows(id)).toHaveLength(10);

    expect((await replay("builtin")).status).toBe(200);
    expect((await replay("recorded")).status).toBe(200);
    clock.advance(retryAfter * 1000);
    expect((await replay("ai")).status).toBe(200);
    // Once the wait is over the portfolio may replay with its AI again.
    expect(await spendRows(id)).toHaveLength(11);
  });
});
