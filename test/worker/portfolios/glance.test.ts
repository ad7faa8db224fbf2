import { env } from "cloudflare:workers";
import Big from "big.js";
import { describe, expect, it } from "vitest";
import { exposurePct } from "../../../worker/portfolios/exposure.ts";
import { holdPrice } from "../accounts/support.ts";
import { newPortfolio, OPENAI, scriptedTrader, spotBuy, spotPlan } from "../engine/support.ts";
import type { Caller } from "../identity/support.ts";
import { spotPortfolio, startSettled } from "./support.ts";

type Glance = {
  pnlToday: string | null;
  exposurePct: string | null;
  openPositions: number;
  openOrders: number;
  awaitingApproval: number;
};
type ListItem = { id: string; performance: { equity: string; pnl: string } | null; glance: Glance };

async function listed(user: Caller, id: string): Promise<ListItem> {
  const reply = await user.get("/api/portfolios?limit=100");
  expect(reply.status, reply.text).toBe(200);
  const item = (reply.body.portfolios as ListItem[]).find((p) => p.id === id);
  if (!item) throw new Error(`${id} is not listed`);
  return item;
}

async function tradingPortfolio(executionMode: "automatic" | "manual_approval") {
  await holdPrice("binance", "spot", "ETHUSDT", "2500");
  await holdPrice("binance", "spot", "BTCUSDT", "60000");
  const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
  const id = await newPortfolio(
    t.user,
    spotPortfolio(t.keyId, {
      tokens: [
        { token: "ETH", minAllocation: 0 },
        { token: "BTC", minAllocation: 0 },
      ],
      decisionSource: OPENAI,
      executionMode,
    }),
  );
  // A market buy of ETH that fills, and a BTC limit below the price that stays open.
  await t.decide(spotPlan([spotBuy("ETHUSDT", "1", "2500"), spotBuy("BTCUSDT", "0.01", "60000", "59000")]));
  const { run } = await startSettled(t.user, id);
  return { ...t, id, run };
}

describe("the portfolio list's glance (the dashboard's figures, one request)", () => {
  it("a draft has nothing yet: no PnL today, no exposure, no positions, orders or approvals", async () => {
    const t = await scriptedTrader("binance", { spot: { USDT: "1000" }, futuresWallet: "0" });
    const id = await newPortfolio(t.user, spotPortfolio(t.keyId));
    expect((await listed(t.user, id)).glance).toEqual({
      pnlToday: null,
      exposurePct: null,
      openPositions: 0,
      openOrders: 0,
      awaitingApproval: 0,
    });
  });

  it("after a review: exposure, the token held, the open limit order, and PnL today from the day's start", async () => {
    const t = await tradingPortfolio("automatic");
    expect(t.run.status).toBe("completed");
    const item = await listed(t.user, t.id);
    if (!item.performance) throw new Error("not valued");
    const equity = Big(item.performance.equity);
    // Started today: the day's start is the starting equity, so PnL today is the PnL since start.
    expect(item.glance.pnlToday).toBe(item.performance.pnl);
    // 1 ETH at 2500 out of ~10000 (fees aside): about a quarter of the equity is in tokens.
    expect(Number(item.glance.exposurePct)).toBeCloseTo(Big(2500).div(equity).times(100).toNumber(), 0);
    expect(item.glance).toMatchObject({ openPositions: 1, openOrders: 1, awaitingApproval: 0 });

    // A point before today's midnight since an earlier start becomes the day's baseline, as for the daily loss limit.
    const midnight = new Date();
    midnight.setUTCHours(0, 0, 0, 0);
    await env.DB.prepare(`UPDATE "portfolios" SET "started_at" = ? WHERE "id" = ?`)
      .bind(midnight.getTime() - 2 * 86_400_000, t.id)
      .run();
    await env.DB.prepare(`INSERT INTO "equity_snapshots" ("portfolio_id", "at", "equity", "pnl") VALUES (?, ?, ?, ?)`)
      .bind(t.id, midnight.getTime() - 3_600_000, "9000", "-1000")
      .run();
    expect((await listed(t.user, t.id)).glance.pnlToday).toBe(equity.minus(9000).toFixed());
  });

  it("counts the orders that wait for the owner's approval, and none as open", async () => {
    const t = await tradingPortfolio("manual_approval");
    expect(t.run.status).toBe("awaiting_approval");
    expect((await listed(t.user, t.id)).glance).toMatchObject({
      awaitingApproval: 2,
      openOrders: 0,
      openPositions: 0,
    });
  });

  it("futures exposure is the positions' absolute notional at mark, long and short alike", () => {
    const ledger = {
      kind: "futures" as const,
      asset: "USDT",
      cash: "1000",
      positions: { "BTCUSDT:both": "0.01", "ETHUSDT:short": "-1" },
    };
    // 0.01 × 60000 + 1 × 2500 = 3100 against 1000 of equity: 310 %, leverage shows as more than 100.
    expect(exposurePct(ledger, { BTCUSDT: "60000", ETHUSDT: "2500" }, "USDT", Big(1000))).toBe("310");
    expect(exposurePct(ledger, { BTCUSDT: "60000" }, "USDT", Big(0))).toBeNull();
  });
});
