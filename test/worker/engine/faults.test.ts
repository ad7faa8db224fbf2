import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import Big from "big.js";
import { afterEach, describe, expect, it } from "vitest";
import { addFault, clearFaults, holdPrice, VENUES, type Venue } from "../accounts/support.ts";
import { settledRun, spotPortfolio } from "../portfolios/support.ts";
import {
  engineStub,
  eventually,
  newPortfolio,
  OPENAI,
  rows,
  scriptedTrader,
  spotBuy,
  spotPlan,
  venueOrders,
} from "./support.ts";

/**
 * Money safety under faults: the venue accepts an order but its answer is lost (timeout, 5xx), or the portfolio's
 * Durable Object is reset while the order request is in flight. In every case the review finishes, the order exists
 * once on the venue, and Ballast knows its fate by looking it up with its client order id.
 */

const ORDER_PATH: Record<Venue, string> = { binance: "POST /api/v3/order", bybit: "POST /v5/order/create" };

afterEach(async () => {
  await clearFaults();
});

async function marketBuyPortfolio(venue: Venue) {
  await holdPrice(venue, "spot", "ETHUSDT", "2500");
  const t = await scriptedTrader(venue, { spot: { USDT: "10000" }, futuresWallet: "0" });
  await t.decide(spotPlan([spotBuy("ETHUSDT", "1", "2500")]));
  const id = await newPortfolio(
    t.user,
    spotPortfolio(t.keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: OPENAI }),
  );
  return { ...t, id };
}

async function expectPlacedOnce(t: Awaited<ReturnType<typeof marketBuyPortfolio>>) {
  const run = await settledRun(t.user, t.id);
  expect(run.status, JSON.stringify(run.error)).toBe("completed");
  const [order] = run.orders as unknown as { clientOrderId: string; status: string; filledQuantity: string }[];
  expect(order).toMatchObject({ status: "filled", filledQuantity: "1" });
  const onVenue = await venueOrders(t.account);
  expect(onVenue.map((o) => o.clientOrderId)).toEqual([order?.clientOrderId]);
  const stored = await rows<{ n: number }>("SELECT count(*) AS n FROM portfolio_orders WHERE portfolio_id = ?", t.id);
  expect(stored[0]?.n).toBe(1);
  const fills = (await t.user.get(`/api/portfolios/${t.id}/fills`)).body.fills as { quantity: string }[];
  expect(fills.reduce((sum, f) => sum.plus(f.quantity), Big(0)).eq(1)).toBe(true);
  return run;
}

describe.each(VENUES)("%s: an accepted order whose answer is lost", (venue) => {
  it("times out after the venue accepted it: looked up by client order id, never resent", async () => {
    const t = await marketBuyPortfolio(venue);
    // Answered after 3 s; the engine gives up waiting after 1.5 s (EXCHANGE_TIMEOUT_MS in the test config).
    await addFault(venue, {
      type: "timeout_after_accept",
      pathPrefix: ORDER_PATH[venue],
      delayMs: 3_000,
      apiKey: t.account.apiKey,
    });
    expect((await t.user.post(`/api/portfolios/${t.id}/start`)).status).toBe(200);
    await expectPlacedOnce(t);
  });

  it("answers 5xx after accepting it: looked up by client order id, never resent", async () => {
    const t = await marketBuyPortfolio(venue);
    await addFault(venue, {
      type: "error_after_accept",
      pathPrefix: ORDER_PATH[venue],
      status: 502,
      apiKey: t.account.apiKey,
    });
    expect((await t.user.post(`/api/portfolios/${t.id}/start`)).status).toBe(200);
    await expectPlacedOnce(t);
  });

  it("survives a Durable Object reset between placing and recording, resuming from its journal", async () => {
    const t = await marketBuyPortfolio(venue);
    // The venue holds its answer for a second; the object is reset while it waits for it.
    await addFault(venue, {
      type: "timeout_after_accept",
      pathPrefix: ORDER_PATH[venue],
      delayMs: 1_000,
      apiKey: t.account.apiKey,
    });
    expect((await t.user.post(`/api/portfolios/${t.id}/start`)).status).toBe(200);
    await eventually(
      async () => ((await venueOrders(t.account)).length > 0 ? true : undefined),
      "the order on the venue",
    );
    await abortAllDurableObjects();

    const [journal] = await rows<{ step: string; status: string }>(
      "SELECT step, status FROM portfolio_runs WHERE portfolio_id = ?",
      t.id,
    );
    expect(journal).toMatchObject({ step: "place", status: "running" });
    const [sending] = await rows<{ status: string }>(
      "SELECT status FROM portfolio_orders WHERE portfolio_id = ?",
      t.id,
    );
    expect(sending?.status).toBe("sending");

    // The cron's safety net wakes the object; a fresh instance finds the lease and resumes the run.
    // (The runtime may already be retrying the interrupted alarm, in which case the object is running it.)
    expect(["resuming", "running"]).toContain(await engineStub(t.id).wake(t.id));
    const run = await expectPlacedOnce(t);
    expect(run.trigger).toBe("start");
  });
});

describe("a run interrupted again and again", () => {
  it("is given up after three resumes, with the reason, and the portfolio goes on", async () => {
    const t = await marketBuyPortfolio("binance");
    await t.decide(spotPlan([]));
    expect((await t.user.post(`/api/portfolios/${t.id}/start`)).status).toBe(200);
    const first = await settledRun(t.user, t.id);
    // As a run left after its third restart would be: its lease says it was taken up three times already.
    await env.DB.prepare("UPDATE portfolio_runs SET status = 'running', step = 'decide' WHERE id = ?")
      .bind(first.id)
      .run();
    await runInDurableObject(engineStub(t.id), (_object, state) =>
      state.storage.put("lease", { runId: first.id, seq: 1, trigger: "start", requestedAt: Date.now(), resumes: 3 }),
    );
    await engineStub(t.id).wake(t.id);
    const given = await settledRun(t.user, t.id, first.id);
    expect(given).toMatchObject({ status: "failed", error: { code: "interrupted" } });
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body.status).toBe("active");
  });
});
