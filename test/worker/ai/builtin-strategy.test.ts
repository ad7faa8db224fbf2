import { describe, expect, it } from "vitest";
import {
  builtinFuturesPlan,
  builtinProvider,
  builtinSpotPlan,
  spotTargets,
} from "../../../worker/ai/builtin-strategy.ts";
import { guardFuturesDecision, guardSpotDecision } from "../../../worker/ai/guards.ts";
import { buildPrompt } from "../../../worker/ai/prompt.ts";
import { context, futuresInput, spotInput } from "./support.ts";

const options = { model: "builtin-v1", reasoningEffort: null, webSearch: false } as const;

describe("built-in spot rebalancing", () => {
  it("spreads what targets and the cash floor leave, never below a floor", () => {
    const targets = spotTargets(spotInput());
    expect(targets.ok && Object.fromEntries(targets.plan)).toEqual({ USDT: 10, BTC: 45, ETH: 45 });
    const overbooked = spotInput();
    overbooked.positions[1] = { ...overbooked.positions[1], targetPct: 95 } as (typeof overbooked.positions)[1];
    expect(spotTargets(overbooked)).toMatchObject({ ok: false, error: expect.stringContaining("more than 100%") });
  });

  it("sells the overweight asset and buys the underweight one with cash above its floor", () => {
    const result = builtinSpotPlan(spotInput());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // BTC 60 % → 45 %: sell 1 500 USD at the bid; ETH 10 % → 45 %: 3 500 USD wanted, 2 000 USD cash above the floor.
    expect(result.plan.orders).toEqual([
      {
        pair: "BTCUSDT",
        side: "sell",
        quantity: "0.02500",
        quantityAsset: "BTC",
        limitPrice: "59999.99",
        referencePrice: "60000",
        maxDriftPct: 1,
      },
      {
        pair: "ETHUSDT",
        side: "buy",
        quantity: "0.9999",
        quantityAsset: "ETH",
        limitPrice: "2000.01",
        referencePrice: "2000",
        maxDriftPct: 1,
      },
    ]);
    expect(result.plan.summary.length).toBeLessThanOrEqual(255);
    // Its orders pass the same hard guards as an AI's.
    const guarded = guardSpotDecision(result.plan, spotInput());
    expect(guarded.rejected).toEqual([]);
    expect(guarded.accepted).toHaveLength(2);
  });

  it("keeps each order within the per-order cap, so the guards accept it and the gap closes over reviews", () => {
    const input = spotInput({ limits: { maxOrderUsd: "1000", toleranceBandPct: 2 } });
    const result = builtinSpotPlan(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.orders.map((o) => [o.pair, o.side])).toEqual([
      ["BTCUSDT", "sell"],
      ["ETHUSDT", "buy"],
    ]);
    const guarded = guardSpotDecision(result.plan, input);
    expect(guarded.rejected).toEqual([]);
    for (const intent of guarded.accepted) expect(Number(intent.notionalUsd)).toBeLessThanOrEqual(1000);
  });

  it("holds inside the tolerance band and is deterministic", () => {
    const balanced = spotInput({ limits: { maxOrderUsd: null, toleranceBandPct: 40 } });
    const result = builtinSpotPlan(balanced);
    expect(result).toMatchObject({ ok: true, plan: { orders: [], strategy: "builtin-rebalance" } });
    expect(builtinSpotPlan(spotInput())).toEqual(builtinSpotPlan(spotInput()));
  });

  it("respects explicit targets and floors", () => {
    const input = spotInput();
    input.positions = input.positions.map((p) => (p.asset === "BTC" ? { ...p, targetPct: 60 } : p));
    const result = builtinSpotPlan(input);
    // BTC sits at its target; ETH (target 30 %) is 20 points under and gets the cash above the 10 % floor.
    expect(result.ok && result.plan.orders.map((o) => `${o.side} ${o.pair}`)).toEqual(["buy ETHUSDT"]);
  });

  it("gives the same spot decision when the owner also runs futures", async () => {
    const provider = builtinProvider();
    const alone = await provider.decide(spotInput(), options);
    await provider.decide(futuresInput(), options);
    const again = await provider.decide(spotInput(), options);
    expect(again.ok && again.decision).toEqual(alone.ok && alone.decision);
    // Futures instruments never leak into the spot prompt or guards.
    expect(buildPrompt(spotInput()).user).not.toContain("instruments");
    expect(buildPrompt(spotInput()).system).not.toContain("perpetual");
  });
});

describe("built-in futures trend rule", () => {
  const rising = futuresInput({
    marketContext: [
      context("BTCUSDT", "BTC", { trendSlopePct: { "24": 0.1, "72": 0.05 }, rsi14: 60, atr14Pct: 1.5 }),
      context("ETHUSDT", "ETH", { trendSlopePct: { "24": -0.2, "72": -0.1 }, rsi14: 40, atr14Pct: 2 }),
    ],
  });

  it("opens with the trend, always with a stop-loss, sized by risk", () => {
    const result = builtinFuturesPlan(rising);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // BTC: stop 3 % (2 × ATR) → 100 USD risk / 3 % = 3 333 USD; ETH: stop 4 % → 2 500 USD.
    expect(result.plan.actions).toEqual([
      {
        symbol: "BTCUSDT",
        action: "OPEN",
        side: "LONG",
        quantity: "0.055",
        notional: null,
        orderType: "MARKET",
        limitPrice: null,
        leverage: 3,
        stopLoss: "58200.0",
        takeProfit: "63600.0",
      },
      {
        symbol: "ETHUSDT",
        action: "OPEN",
        side: "SHORT",
        quantity: "1.25",
        notional: null,
        orderType: "MARKET",
        limitPrice: null,
        leverage: 3,
        stopLoss: "2080.00",
        takeProfit: "1840.00",
      },
    ]);
    for (const a of result.plan.actions) expect(a.stopLoss).not.toBeNull();
    expect(guardFuturesDecision(result.plan, rising).rejected).toEqual([]);
  });

  it("holds without a signal, closes against the trend and repairs a missing stop", () => {
    expect(builtinFuturesPlan(futuresInput())).toMatchObject({ ok: true, plan: { actions: [] } });
    const position = {
      side: "long" as const,
      positionSide: "both" as const,
      size: "0.1",
      entryPrice: "59000",
      markPrice: "60000",
      unrealizedPnl: "100",
      leverage: 3,
      liquidationPrice: null,
      marginMode: "cross" as const,
    };
    const input = {
      ...rising,
      positions: [
        { ...position, symbol: "BTCUSDT" },
        { ...position, symbol: "ETHUSDT", markPrice: "2000" },
      ],
    };
    const result = builtinFuturesPlan(input);
    expect(result.ok && result.plan.actions.map((a) => [a.symbol, a.action, a.stopLoss])).toEqual([
      ["BTCUSDT", "HOLD", "58200.0"],
      ["ETHUSDT", "CLOSE", null],
    ]);
  });

  it("answers through the provider interface like an AI would", async () => {
    const result = await builtinProvider().decide(rising, options);
    expect(result).toMatchObject({ ok: true, provider: "builtin", model: "builtin-v1", usage: null, attempts: 0 });
  });
});
