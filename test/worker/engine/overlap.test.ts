import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { holdPrice } from "../accounts/support.ts";
import { simRequests } from "../ai/support.ts";
import { settledRun, spotPortfolio } from "../portfolios/support.ts";
import {
  cronTick,
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

/**
 * Reviews never overlap: while one is in progress (here held in its decide step by an AI answer that takes 3 s), run-now
 * clicks, the object's alarm and cron ticks all find it and start nothing else.
 */
describe("one review at a time", () => {
  it("concurrent run-now, alarm and cron while a review runs start no second review", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    await t.script({ decision: { result: spotPlan([spotBuy("ETHUSDT", "0.5", "2500")]) }, delayMs: 3_000 });
    await t.decide(spotPlan([]));
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    expect((await t.user.post(`/api/portfolios/${id}/start`)).status).toBe(200);
    const first = await eventually(async () => {
      const [run] = await rows<{ id: string; step: string }>(
        "SELECT id, step FROM portfolio_runs WHERE portfolio_id = ?",
        id,
      );
      return run?.step === "decide" ? run : undefined;
    }, "the first review to reach its decision");

    // Make the portfolio look overdue to the cron, then hit it from every side at once.
    await env.DB.prepare("UPDATE portfolios SET next_run_at = ? WHERE id = ?")
      .bind(Date.now() - 3_600_000, id)
      .run();
    const stub = engineStub(id);
    const [a, b, c] = await Promise.all([
      t.user.post(`/api/portfolios/${id}/runs`),
      t.user.post(`/api/portfolios/${id}/runs`),
      t.user.post(`/api/portfolios/${id}/runs`),
      runDurableObjectAlarm(stub),
      stub.wake(id),
      cronTick(Date.now()),
      cronTick(Date.now()),
    ]);
    for (const reply of [a, b, c]) {
      expect(reply.status).toBe(202);
      expect(reply.body).toMatchObject({ runId: first.id, alreadyRunning: true });
    }

    const finished = await settledRun(t.user, id, first.id);
    expect(finished.status).toBe("completed");
    const runs = await rows<{ id: string; seq: number }>(
      "SELECT id, seq FROM portfolio_runs WHERE portfolio_id = ?",
      id,
    );
    expect(runs).toEqual([{ id: first.id, seq: 1 }]);
    // One decision asked, one order placed.
    expect((await simRequests(t.aiKey)).filter((r) => r.path.endsWith("/responses"))).toHaveLength(1);
    expect(await venueOrders(t.account)).toHaveLength(1);

    // Afterwards a new click starts the next review, after the first has finished.
    const second = await runNow(t.user, id);
    expect(second).toMatchObject({ seq: 2, trigger: "manual", status: "completed" });
    expect(new Date(second.startedAt as string).getTime()).toBeGreaterThanOrEqual(
      new Date(finished.finishedAt as string).getTime(),
    );
  });
});
