import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { resetTransports } from "../../../worker/exchanges/gateway.ts";
import { unwrap } from "../../../worker/portfolios/engine/engine-result.ts";
import { addFault, holdPrice, simUrlAsLocalhost } from "../accounts/support.ts";
import { userId } from "../identity/support.ts";
import { settledRun, spotPortfolio, startSettled } from "../portfolios/support.ts";
import {
  engineStub,
  eventually,
  newPortfolio,
  OPENAI,
  rows,
  runNow,
  scriptedTrader,
  spotBuy,
  spotPlan,
  venueOrders,
} from "./support.ts";

/** When Ballast pauses a portfolio by itself, and what the owner then sees. */

async function ethPortfolio(risk: Record<string, string | null> = {}, baseUrl?: string) {
  await holdPrice("binance", "spot", "ETHUSDT", "2500");
  const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" }, baseUrl);
  const id = await newPortfolio(
    t.user,
    spotPortfolio(t.keyId, {
      tokens: [{ token: "ETH", minAllocation: 0 }],
      decisionSource: OPENAI,
      risk: { maxOrderPct: null, maxExposurePct: null, maxDailyLossPct: null, maxDrawdownPct: null, ...risk },
    }),
  );
  return { ...t, id };
}

describe("pause rules", () => {
  it("a review the venue's rate limit refused is not a failure: it is tried again once the limit lifts", async () => {
    // Its own host name: the venue's 429 pauses that host's transport until the next minute, for every caller.
    const t = await ethPortfolio({}, simUrlAsLocalhost());
    await t.decide(spotPlan([]), spotPlan([]));
    await startSettled(t.user, t.id);
    // Longer than the transport waits inline (2 s), so the review itself is refused.
    await addFault("binance", {
      type: "rate_limit",
      pathPrefix: "GET /api/v3/account",
      retryAfterSeconds: 5,
      apiKey: t.account.apiKey,
    });
    const refused = await runNow(t.user, t.id);
    expect(refused).toMatchObject({ status: "failed", error: { code: "exchange_rate_limited" } });
    expect((refused.error as { message: string }).message).toContain("not counted as a failed review");
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body).toMatchObject({ status: "active", failedRunsInARow: 0 });
    // The object's alarm is the retry (within a minute and a half), before the next hourly slot.
    const stub = engineStub(t.id);
    const alarm = await runInDurableObject(stub, (_object, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now());
    expect(alarm).toBeLessThan(Date.now() + 95_000);
    // When that time comes (here: the minute made over and the retry made due at once), the review runs as scheduled.
    resetTransports();
    await runInDurableObject(stub, (_object, state) => state.storage.put("nextRunAt", Date.now() - 1));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const retried = await settledRun(t.user, t.id);
    expect(retried).toMatchObject({ trigger: "schedule", status: "completed" });
  });

  it("three failed reviews in a row pause it with the last error; a good review resets the count", async () => {
    // A failing provider is replaced by the built-in strategy (ai-decisions.test.ts); a review whose AI cannot be
    // asked at all, here because the owner deleted the key, fails.
    const t = await ethPortfolio();
    const noKey =
      "This portfolio decides with OpenAI, but you have no OpenAI key. Add one on the Keys page or switch to the built-in strategy.";
    const deleteKey = async () => expect((await t.user.delete("/api/keys/ai/openai")).status).toBe(200);
    await t.decide(spotPlan([]));
    await deleteKey();
    const { run: first } = await startSettled(t.user, t.id);
    expect(first).toMatchObject({ status: "failed", error: { code: "no_ai_key", message: noKey } });
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body).toMatchObject({ status: "active", failedRunsInARow: 1 });
    expect((await t.user.put("/api/keys/ai/openai", { apiKey: t.aiKey })).status).toBe(200);
    expect((await runNow(t.user, t.id)).status).toBe("completed");
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body.failedRunsInARow).toBe(0);
    await deleteKey();
    await runNow(t.user, t.id);
    await runNow(t.user, t.id);
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body).toMatchObject({ status: "active", failedRunsInARow: 2 });
    await runNow(t.user, t.id);
    const paused = (await t.user.get(`/api/portfolios/${t.id}`)).body;
    expect(paused).toMatchObject({
      status: "paused",
      statusReasonCode: "failed_reviews",
      statusReason: `3 reviews in a row failed; the last one: ${noKey}`,
      nextRunAt: null,
    });
    const refused = await t.user.post(`/api/portfolios/${t.id}/runs`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "conflict" });
  });

  it("a drawdown past the limit pauses it before deciding, and cancels its open orders", async () => {
    const t = await ethPortfolio({ maxDrawdownPct: "0.5" });
    await t.decide(spotPlan([spotBuy("ETHUSDT", "1.2", "2500"), spotBuy("ETHUSDT", "0.1", "2500", "2400")]));
    const { run } = await startSettled(t.user, t.id);
    expect((run.orders as { status: string }[]).map((o) => o.status)).toEqual(["filled", "open"]);
    // 1.2 ETH (3 000 of 10 000 USDT): a 2 % drop of ETH is about a 0.6 % drawdown from the 10 000 peak. The price
    // stays above the resting 2 400 buy, so it is still open when the pause cancels it.
    await holdPrice("binance", "spot", "ETHUSDT", "2450");
    const second = await runNow(t.user, t.id);
    expect(second.status).toBe("aborted");
    expect(second.summary).toMatch(
      /^Paused: Drawdown of 0\.6\d% from the peak of 10000 USDT reached the 0\.5% limit\.$/,
    );
    const portfolio = (await t.user.get(`/api/portfolios/${t.id}`)).body;
    expect(portfolio).toMatchObject({ status: "paused", statusReasonCode: "loss_limit" });
    expect(portfolio.statusReason).toMatch(/^Drawdown of 0\.6\d%/);
    const limit = (await venueOrders(t.account)).find((o) => o.type === "limit");
    expect(limit?.status).toBe("canceled");
  });

  it("a daily loss past the limit pauses it", async () => {
    const t = await ethPortfolio({ maxDailyLossPct: "2" });
    await t.decide(spotPlan([spotBuy("ETHUSDT", "2", "2500")]));
    await startSettled(t.user, t.id);
    await holdPrice("binance", "spot", "ETHUSDT", "2300");
    const second = await runNow(t.user, t.id);
    // Started today, so the day starts at the starting equity.
    expect(second.summary).toMatch(
      /^Paused: Loss of 4\.\d+% today \(from 10000 to 9\d{3}(\.\d+)? USDT\) reached the 2% daily limit\.$/,
    );
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body.status).toBe("paused");
  });

  it("a key gone from under it pauses it with the reason", async () => {
    const t = await ethPortfolio();
    await t.decide(spotPlan([]));
    await startSettled(t.user, t.id);
    // Removed without the API (which would pause it first): the review itself finds out.
    await env.DB.prepare("DELETE FROM exchange_keys WHERE id = ?").bind(t.keyId).run();
    const run = await runNow(t.user, t.id);
    expect(run).toMatchObject({ status: "failed", error: { code: "key_unavailable" } });
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body).toMatchObject({
      status: "paused",
      statusReasonCode: "key_unavailable",
      statusReason: "The portfolio's exchange key was deleted.",
    });
  });

  it("a key that no longer decrypts pauses it with the reason, instead of failing reviews until it gives up", async () => {
    const t = await ethPortfolio();
    await t.decide(spotPlan([]));
    await startSettled(t.user, t.id);
    // Damaged in D1 (or sealed under a master this server holds wrongly): it fails authentication from now on.
    const stored = await env.DB.prepare("SELECT sealed FROM exchange_keys WHERE id = ?")
      .bind(t.keyId)
      .first<{ sealed: string }>();
    const [iv = "", ciphertext = ""] = (stored?.sealed ?? "").split(".");
    const damaged = `${iv}.${ciphertext[0] === "A" ? "B" : "A"}${ciphertext.slice(1)}`;
    await env.DB.prepare("UPDATE exchange_keys SET sealed = ? WHERE id = ?").bind(damaged, t.keyId).run();
    const run = await runNow(t.user, t.id);
    expect(run).toMatchObject({
      status: "failed",
      error: { code: "key_unreadable", message: expect.stringContaining("cannot be decrypted on this server") },
    });
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body).toMatchObject({
      status: "paused",
      statusReasonCode: "key_unavailable",
      statusReason: expect.stringMatching(/^The exchange key ".+" cannot be decrypted .*Enter it again/),
      failedRunsInARow: 0,
    });
  });

  it("a disabled owner's portfolio pauses at its next review", async () => {
    const t = await ethPortfolio();
    await t.decide(spotPlan([]));
    await startSettled(t.user, t.id);
    const owner = await userId(t.user);
    // Disabled directly in the database (as a race with the admin route would leave it); the next review, here
    // queued on the object as its schedule would, finds out by itself.
    await env.DB.prepare("UPDATE users SET enabled = 0 WHERE id = ?").bind(owner).run();
    const queued = unwrap(await env.PORTFOLIO.getByName(t.id).requestRun(t.id, owner));
    const run = await eventually(async () => {
      const [row] = await rows<{ status: string; summary: string | null }>(
        "SELECT status, summary FROM portfolio_runs WHERE id = ?",
        queued.runId,
      );
      return row && row.status !== "queued" && row.status !== "running" ? row : undefined;
    }, "the review to finish");
    expect(run).toEqual({ status: "aborted", summary: "Paused: The owner's account is disabled." });
    const [portfolio] = await rows<{ status: string; status_reason: string }>(
      "SELECT status, status_reason FROM portfolios WHERE id = ?",
      t.id,
    );
    expect(portfolio).toEqual({ status: "paused", status_reason: "The owner's account is disabled." });
  });
});
