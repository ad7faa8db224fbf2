import Big from "big.js";
import { describe, expect, it } from "vitest";
import { dumpAccount, holdPrice } from "../accounts/support.ts";
import { futuresPortfolio, spotPortfolio, startSettled } from "../portfolios/support.ts";
import {
  cronTick,
  futuresAction,
  futuresPlan,
  newPortfolio,
  OPENAI,
  rows,
  scriptedTrader,
  spotBuy,
  spotPlan,
} from "./support.ts";

/**
 * Risk between reviews: the cron's sync (every third minute) checks a running portfolio's loss limits and each
 * futures stop-loss against its liquidation price, and pauses or records an alert without waiting for a review.
 */

/** A minute the sync runs in (every third one). */
const SYNC_TICK = Date.UTC(2026, 11, 1, 12, 3, 0);

async function bnbPortfolio(risk: Record<string, string | null>) {
  await holdPrice("binance", "spot", "BNBUSDT", "650");
  const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
  const id = await newPortfolio(
    t.user,
    spotPortfolio(t.keyId, {
      tokens: [{ token: "BNB", minAllocation: 0 }],
      decisionSource: OPENAI,
      risk: { maxOrderPct: null, maxExposurePct: null, maxDailyLossPct: null, maxDrawdownPct: null, ...risk },
    }),
  );
  return { ...t, id };
}

const runCount = async (id: string) =>
  (await rows<{ n: number }>(`SELECT count(*) AS n FROM portfolio_runs WHERE portfolio_id = ?`, id))[0]?.n;

describe("loss limits between reviews", () => {
  it("a daily loss past the limit pauses at the next sync, with no review and no order", async () => {
    const t = await bnbPortfolio({ maxDailyLossPct: "2" });
    await t.decide(spotPlan([spotBuy("BNBUSDT", "5", "650")]));
    await startSettled(t.user, t.id);
    const ordersBefore = (await dumpAccount(t.account.apiKey)).orders;
    expect(ordersBefore.map((o) => o.status)).toEqual(["filled"]);

    // 5 BNB (3 250 of 10 000 USDT) down 50 each: a 2.5 % loss today.
    await holdPrice("binance", "spot", "BNBUSDT", "600");
    await cronTick(SYNC_TICK);
    const portfolio = (await t.user.get(`/api/portfolios/${t.id}`)).body;
    expect(portfolio).toMatchObject({ status: "paused", statusReasonCode: "loss_limit" });
    expect(portfolio.statusReason).toMatch(/^Loss of 2\.\d+% today \(from 10000 to 97\d{2}(\.\d+)? USDT\)/);
    // The check itself reviewed nothing and sent nothing.
    expect(await runCount(t.id)).toBe(1);
    expect((await dumpAccount(t.account.apiKey)).orders).toEqual(ordersBefore);
  });

  it("a drawdown past the limit pauses at the next sync; only the pause cancels the open order", async () => {
    const t = await bnbPortfolio({ maxDrawdownPct: "0.5" });
    await t.decide(spotPlan([spotBuy("BNBUSDT", "5", "650"), spotBuy("BNBUSDT", "1", "650", "630")]));
    await startSettled(t.user, t.id);
    // Within the limit: the sync leaves it running.
    await holdPrice("binance", "spot", "BNBUSDT", "645");
    await cronTick(SYNC_TICK);
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body.status).toBe("active");

    // 5 BNB down 14 each from the 10 000 peak: a 0.7 % drawdown; 636 stays above the resting 630 buy.
    await holdPrice("binance", "spot", "BNBUSDT", "636");
    await cronTick(SYNC_TICK + 3 * 60_000);
    const portfolio = (await t.user.get(`/api/portfolios/${t.id}`)).body;
    expect(portfolio).toMatchObject({ status: "paused", statusReasonCode: "loss_limit" });
    expect(portfolio.statusReason).toMatch(
      /^Drawdown of 0\.7\d% from the peak of 10000 USDT reached the 0\.5% limit\.$/,
    );
    expect(await runCount(t.id)).toBe(1);
    const orders = (await dumpAccount(t.account.apiKey)).orders;
    expect(orders.map((o) => [o.type, o.status])).toEqual([
      ["market", "filled"],
      ["limit", "canceled"],
    ]);
  });
});

describe("futures stop-loss against liquidation between reviews", () => {
  async function dogeLong() {
    await holdPrice("binance", "linear", "DOGEUSDT", "0.4");
    const t = await scriptedTrader("binance", { spot: {}, futuresWallet: "10000" });
    await t.decide(
      futuresPlan([
        futuresAction({
          symbol: "DOGEUSDT",
          action: "OPEN",
          side: "LONG",
          quantity: "10000",
          leverage: 5,
          stopLoss: "0.36",
        }),
      ]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, {
        decisionSource: OPENAI,
        tokens: [{ token: "DOGE", minAllocation: 0 }],
        futures: { positionMode: "one_way", marginMode: "isolated", maxLeverage: 5 },
      }),
    );
    const { run } = await startSettled(t.user, id);
    expect((run.orders as { status: string; stopsStatus: string }[])[0]).toMatchObject({
      status: "filled",
      stopsStatus: "placed",
    });
    const moveStop = async (stopLoss: string) =>
      expect(
        (await t.user.put(`/api/keys/${t.keyId}/futures/DOGEUSDT/stops`, { stopLoss, takeProfit: null })).status,
      ).toBe(200);
    const alerts = async () =>
      (await t.user.get(`/api/portfolios/${id}/alerts`)).body.alerts as {
        code: string;
        symbol: string;
        resolvedAt: string | null;
        params: Record<string, string>;
      }[];
    return { ...t, id, moveStop, alerts };
  }

  it("a stop-loss near liquidation records an alert and keeps running; the alert resolves once the stop moves", async () => {
    const t = await dogeLong();
    await cronTick(SYNC_TICK);
    expect(await t.alerts()).toEqual([]);

    // Isolated 5× long from 0.4: the venue liquidates near 0.3216; a stop at 0.3235 is about 0.6 % above it.
    await t.moveStop("0.3235");
    await cronTick(SYNC_TICK + 3 * 60_000);
    const [near] = await t.alerts();
    expect(near).toMatchObject({
      code: "stop_near_liquidation",
      symbol: "DOGEUSDT",
      resolvedAt: null,
      params: { side: "long", stopLoss: "0.3235", liquidationSource: "venue" },
    });
    const liquidation = Big(near?.params.liquidationPrice ?? "0");
    expect(liquidation.gt("0.32") && liquidation.lt("0.3235"), liquidation.toFixed()).toBe(true);
    expect(Big(near?.params.distancePct ?? "9").gt(0) && Big(near?.params.distancePct ?? "9").lt(1)).toBe(true);
    expect((await t.user.get(`/api/portfolios/${t.id}`)).body.status).toBe("active");
    // Seen again: still one alert, not a copy per sync.
    await cronTick(SYNC_TICK + 6 * 60_000);
    expect((await t.alerts()).length).toBe(1);

    await t.moveStop("0.36");
    await cronTick(SYNC_TICK + 9 * 60_000);
    const [resolved] = await t.alerts();
    expect(resolved?.code).toBe("stop_near_liquidation");
    expect(resolved?.resolvedAt).not.toBeNull();
  });

  it("a stop-loss beyond liquidation pauses with the reason and an alert, and leaves the position and its stops", async () => {
    const t = await dogeLong();
    await t.moveStop("0.318");
    const before = await dumpAccount(t.account.apiKey);
    await cronTick(SYNC_TICK);

    const portfolio = (await t.user.get(`/api/portfolios/${t.id}`)).body;
    expect(portfolio).toMatchObject({ status: "paused", statusReasonCode: "liquidation_risk" });
    expect(portfolio.statusReason).toMatch(
      /^The long DOGEUSDT stop-loss at 0\.318 lies beyond the liquidation price 0\.32\d+: the position would be liquidated first\.$/,
    );
    const [alert] = await t.alerts();
    expect(alert).toMatchObject({ code: "stop_beyond_liquidation", symbol: "DOGEUSDT", resolvedAt: null });
    expect(Big(alert?.params.distancePct ?? "1").lte(0)).toBe(true);
    // Nothing placed, closed or canceled: the position and its stop-loss are as the owner left them.
    const after = await dumpAccount(t.account.apiKey);
    expect(after.orders).toEqual(before.orders);
    expect(after.positions).toEqual(before.positions);
    expect(after.conditionals).toEqual(before.conditionals);
    expect(await runCount(t.id)).toBe(1);
  });

  it("a paper position, whose liquidation the venue does not report, is checked against the estimate", async () => {
    await holdPrice("binance", "linear", "DOGEUSDT", "0.4");
    const t = await scriptedTrader("binance", { spot: {}, futuresWallet: "0" });
    // 7× long from about 0.4: estimated liquidation 0.4 × (1 − 1/7) / (1 − 0.005) ≈ 0.3446, and a stop 13.4 % below
    // the price (inside the guard's 15 %) sits about 0.6 % above it.
    await t.decide(
      futuresPlan([
        futuresAction({
          symbol: "DOGEUSDT",
          action: "OPEN",
          side: "LONG",
          quantity: "10000",
          leverage: 7,
          stopLoss: "0.3465",
        }),
      ]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, {
        decisionSource: OPENAI,
        paper: true,
        tokens: [{ token: "DOGE", minAllocation: 0 }],
        futures: { positionMode: "one_way", marginMode: "isolated", maxLeverage: 7 },
      }),
    );
    const { run } = await startSettled(t.user, id);
    expect((run.orders as { status: string }[])[0]?.status).toBe("filled");
    await cronTick(SYNC_TICK);
    const alerts = (await t.user.get(`/api/portfolios/${id}/alerts`)).body.alerts as Record<string, unknown>[];
    expect(alerts).toEqual([
      expect.objectContaining({
        code: "stop_near_liquidation",
        symbol: "DOGEUSDT",
        params: expect.objectContaining({ side: "long", stopLoss: "0.3465", liquidationSource: "estimate" }),
      }),
    ]);
    expect((await t.user.get(`/api/portfolios/${id}`)).body.status).toBe("active");
  });

  it("another user cannot read the alerts", async () => {
    const t = await dogeLong();
    const stranger = await scriptedTrader("binance", { spot: {}, futuresWallet: "0" });
    const reply = await stranger.user.get(`/api/portfolios/${t.id}/alerts`);
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatchObject({ code: "not_found" });
  });
});
