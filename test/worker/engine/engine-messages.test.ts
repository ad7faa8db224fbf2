import { describe, expect, it } from "vitest";
import { holdPrice } from "../accounts/support.ts";
import { spotPortfolio, startSettled } from "../portfolios/support.ts";
import { newPortfolio, OPENAI, rows, runNow, scriptedTrader, spotBuy, spotPlan } from "./support.ts";

/**
 * What Ballast writes for the owner is stored as a code with parameters next to the English (the UI words it in the
 * owner's language); what an AI wrote stays its own words, with no code.
 */

type Message = { code: string; params: Record<string, unknown> };
type Order = { clientOrderId: string; status: string; reason: string | null; reasonMessage: Message | null };
type Note = { kind: string; symbol: string | null; message: string; engineMessage: Message | null };

describe("engine texts as codes", () => {
  it("a built-in strategy review records its summary and rationale as codes with parameters", async () => {
    await holdPrice("binance", "spot", "BTCUSDT", "60000");
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const id = await newPortfolio(t.user, spotPortfolio(t.keyId));
    const { run } = await startSettled(t.user, id);

    expect(run).toMatchObject({ status: "completed", provider: "builtin" });
    // Both tokens are far below their share: two buys, each named by the summary's count.
    expect(run.summaryMessage).toEqual({ code: "builtin_spot_rebalance", params: { bandPct: "2", count: 2 } });
    expect(run.summary).toMatch(/^Rebalance toward targets \(band ±2 pp\): buy .+ BTC, buy .+ ETH\.$/);
    expect(run.rationaleMessages).toEqual([
      { code: "builtin_spot_allocation", params: { asset: "BTC", allocationPct: "0.00", targetPct: "50.00" } },
      { code: "builtin_spot_allocation", params: { asset: "ETH", allocationPct: "0.00", targetPct: "50.00" } },
    ]);
    const [stored] = await rows<{ summary_code: string; summary_params: string }>(
      `SELECT "summary_code", "summary_params" FROM "portfolio_runs" WHERE "id" = ?`,
      run.id,
    );
    expect(stored).toEqual({ summary_code: "builtin_spot_rebalance", summary_params: '{"bandPct":"2","count":2}' });
  });

  it("a leftover cancel records its code on the order and the note; an AI's summary keeps no code", async () => {
    await holdPrice("bybit", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("bybit", { spot: { USDT: "10000" }, futuresWallet: "0" });
    await t.decide(spotPlan([spotBuy("ETHUSDT", "1", "2500", "2400")]), spotPlan([]));
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    const { run } = await startSettled(t.user, id);
    expect((run.orders as unknown as Order[]).map((o) => o.status)).toEqual(["open"]);
    expect(run.summary).toEqual(expect.any(String));
    expect(run.summaryMessage).toBeNull();
    expect(run.rationaleMessages).toBeNull();

    const second = await runNow(t.user, id);
    expect(second.status).toBe("completed");
    const [order] = (await t.user.get(`/api/portfolios/${id}/orders`)).body.orders as Order[];
    expect(order).toMatchObject({
      status: "canceled",
      reason: "Not filled before the next review; canceled.",
      reasonMessage: { code: "order_leftover_canceled", params: {} },
    });
    const note = (second.notes as unknown as Note[]).find((n) => n.kind === "cancel");
    expect(note).toMatchObject({
      symbol: "ETHUSDT",
      message: `${order?.clientOrderId}: Not filled before the next review; canceled.`,
      engineMessage: { code: "order_leftover_canceled", params: {} },
    });
    const [stored] = await rows<{ reason_code: string; reason_params: string }>(
      `SELECT "reason_code", "reason_params" FROM "portfolio_orders" WHERE "portfolio_id" = ?`,
      id,
    );
    expect(stored).toEqual({ reason_code: "order_leftover_canceled", reason_params: "{}" });
  });

  it("a drawdown pause records its code and parameters on the portfolio and on the run", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    await t.decide(spotPlan([spotBuy("ETHUSDT", "1.2", "2500"), spotBuy("ETHUSDT", "0.1", "2500", "2400")]));
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, {
        tokens: [{ token: "ETH", minAllocation: 0 }],
        decisionSource: OPENAI,
        risk: { maxOrderPct: null, maxExposurePct: null, maxDailyLossPct: null, maxDrawdownPct: "0.5" },
      }),
    );
    await startSettled(t.user, id);
    await holdPrice("binance", "spot", "ETHUSDT", "2450");
    const second = await runNow(t.user, id);

    const drawdown = {
      code: "loss_drawdown",
      params: { drawdownPct: expect.stringMatching(/^0\.6\d$/), peakAmount: "10000", cash: "USDT", limitPct: "0.5" },
    };
    expect(second).toMatchObject({ status: "aborted", summaryMessage: drawdown });
    const portfolio = (await t.user.get(`/api/portfolios/${id}`)).body;
    expect(portfolio).toMatchObject({
      status: "paused",
      statusReasonCode: "loss_limit",
      statusReasonMessage: drawdown,
    });
  });
});
