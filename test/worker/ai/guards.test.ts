import { describe, expect, it } from "vitest";
import type { FuturesAction, SpotOrder } from "../../../worker/ai/decision-schema.ts";
import { guardFuturesDecision, guardSpotDecision } from "../../../worker/ai/guards.ts";
import { futuresInput, spotInput } from "./support.ts";

const plan = { summary: "s", strategy: "t", rationale: "r" };

function order(over: Partial<SpotOrder> = {}): SpotOrder {
  return {
    pair: "ETHUSDT",
    side: "buy",
    quantity: "0.5",
    quantityAsset: "ETH",
    limitPrice: "2000",
    referencePrice: "2000",
    maxDriftPct: 1,
    ...over,
  };
}

const spot = (orders: SpotOrder[], options = {}, input = spotInput()) =>
  guardSpotDecision({ orders, ...plan }, input, options);

function action(over: Partial<FuturesAction> = {}): FuturesAction {
  return {
    symbol: "BTCUSDT",
    action: "OPEN",
    side: "LONG",
    quantity: "0.05",
    notional: null,
    orderType: "MARKET",
    limitPrice: null,
    leverage: 3,
    stopLoss: "58000",
    takeProfit: "64000",
    ...over,
  };
}

const futures = (actions: FuturesAction[], input = futuresInput()) => guardFuturesDecision({ actions, ...plan }, input);

const codes = (outcome: { rejected: { code: string }[] }) => outcome.rejected.map((r) => r.code);

describe("spot guards", () => {
  it("maps a valid order to a rounded gateway intent", () => {
    const outcome = spot([order({ quantity: "0.123456", limitPrice: "1999.999" })]);
    expect(outcome.rejected).toEqual([]);
    expect(outcome.accepted).toEqual([
      {
        kind: "spot_order",
        leg: 0,
        symbol: "ETHUSDT",
        side: "buy",
        type: "limit",
        quantity: "0.1234",
        price: "1999.99",
        referencePrice: "2000",
        maxDriftPct: 1,
        notionalUsd: "246.80",
      },
    ]);
  });

  it("converts a quote-denominated quantity and allows market orders", () => {
    const outcome = spot([
      order({ pair: "BTCUSDT", quantity: "600", quantityAsset: "USDT", limitPrice: null, referencePrice: "60000" }),
    ]);
    expect(outcome.accepted[0]).toMatchObject({ type: "market", price: null, quantity: "0.01000", symbol: "BTCUSDT" });
  });

  it("refuses pairs outside the portfolio and unknown quantity assets", () => {
    const outcome = spot([order({ pair: "SOLUSDT" }), order({ quantityAsset: "BTC" })]);
    expect(codes(outcome)).toEqual(["unknown_pair", "bad_quantity_asset"]);
    expect(outcome.rejected[0]?.reason).toContain("SOLUSDT");
  });

  it("refuses malformed numbers and drift settings", () => {
    const outcome = spot([
      order({ quantity: "1e-3" }),
      order({ quantity: "-1" }),
      order({ maxDriftPct: 0 }),
      order({ maxDriftPct: 50 }),
    ]);
    expect(codes(outcome)).toEqual(["bad_number", "bad_number", "bad_drift", "bad_drift"]);
  });

  it("refuses when the price drifted beyond maxDriftPct and limit prices far from the market", () => {
    const drifted = spot([order()], { currentPrices: { ETHUSDT: "2050" } });
    expect(drifted.rejected[0]).toMatchObject({ code: "price_drift", reason: expect.stringContaining("2.5%") });
    const insane = spot([order({ limitPrice: "2500" })]);
    expect(codes(insane)).toEqual(["price_out_of_band"]);
  });

  it("refuses spending more than the free balance, counting earlier orders of the same decision", () => {
    const outcome = spot([
      order({ pair: "BTCUSDT", quantity: "2000", quantityAsset: "USDT", limitPrice: "60000", referencePrice: "60000" }),
      order({ quantity: "1" }),
    ]);
    expect(outcome.accepted).toHaveLength(1);
    expect(outcome.rejected).toMatchObject([{ leg: 1, code: "insufficient_balance" }]);
  });

  it("refuses a sale that would break an asset's floor", () => {
    // Selling 0.45 of 0.5 ETH leaves 100 USD = 1 %, below the 5 % floor.
    const outcome = spot([order({ side: "sell", quantity: "0.45" })]);
    expect(outcome.rejected).toMatchObject([{ code: "below_floor", reason: expect.stringContaining("5% floor") }]);
  });

  it("applies the per-order cap and the exchange filters", () => {
    const capped = spot([order()], {}, spotInput({ limits: { maxOrderUsd: "500", toleranceBandPct: 5 } }));
    expect(codes(capped)).toEqual(["order_too_large"]);
    const tiny = spot([order({ quantity: "0.001" })]);
    expect(tiny.rejected).toMatchObject([{ code: "exchange_filter", reason: expect.stringContaining("minimum") }]);
  });

  it("lets valid items proceed next to refused ones", () => {
    const outcome = spot([order({ pair: "XRPUSDT" }), order(), order({ quantity: "abc" })]);
    expect(outcome.accepted.map((i) => i.leg)).toEqual([1]);
    expect(outcome.rejected.map((r) => r.leg)).toEqual([0, 2]);
  });
});

describe("futures guards", () => {
  it("maps an open to an order intent with leverage and rounded stops", () => {
    const outcome = futures([action({ stopLoss: "58000.04", takeProfit: "64000.06" })]);
    expect(outcome.rejected).toEqual([]);
    expect(outcome.accepted).toEqual([
      {
        kind: "futures_order",
        leg: 0,
        action: "OPEN",
        symbol: "BTCUSDT",
        positionSide: "both",
        direction: "long",
        side: "buy",
        type: "market",
        quantity: "0.050",
        price: null,
        reduceOnly: false,
        leverage: 3,
        stopLoss: "58000.1",
        takeProfit: "64000.0",
        cancelStops: false,
        notionalUsd: "3000.00",
      },
    ]);
  });

  it("requires a stop-loss on every open, on the losing side, within the distance bounds", () => {
    const outcome = futures([
      action({ stopLoss: null }),
      action({ stopLoss: "61000" }),
      action({ stopLoss: "59900" }),
      action({ stopLoss: "50000" }),
      action({ side: "SHORT", stopLoss: "61000", takeProfit: "61500" }),
    ]);
    expect(codes(outcome)).toEqual(["stop_required", "bad_stop", "bad_stop", "bad_stop", "bad_take_profit"]);
  });

  it("refuses an open whose stop-loss lies beyond the liquidation price its leverage gives", () => {
    const base = futuresInput();
    const input = futuresInput({ limits: { ...base.limits, maxLeverage: 20, stopLossMaxPct: 15 } });
    // Mark 60 000 with 0.5 % maintenance margin: a 10× long is liquidated near 54 271.36, a 10× short near 65 671.64.
    const outcome = futures(
      [
        action({ leverage: 10, stopLoss: "54000", takeProfit: null }),
        action({ leverage: 10, stopLoss: "55000", takeProfit: null }),
        action({ symbol: "BTCUSDT", side: "SHORT", leverage: 10, stopLoss: "66000", takeProfit: null }),
        action({ side: "SHORT", leverage: 10, stopLoss: "65000", takeProfit: null }),
        // The same 10 % stop is safe at 3×, whose liquidation lies near 40 201.
        action({ leverage: 3, stopLoss: "54000", takeProfit: null }),
      ],
      input,
    );
    expect(outcome.rejected.map((r) => [r.leg, r.code])).toEqual([
      [0, "stop_beyond_liquidation"],
      [2, "stop_beyond_liquidation"],
    ]);
    expect(outcome.rejected[0]?.reason).toBe(
      "The long stop-loss 54000.0 lies beyond the estimated liquidation price 54271.35678392 at 10× leverage: the position would be liquidated before it triggers.",
    );
    expect(outcome.accepted.map((i) => i.leg)).toEqual([1, 3, 4]);
  });

  it("caps leverage at the portfolio's maximum whatever the model asks", () => {
    expect(codes(futures([action({ leverage: 20 })]))).toEqual(["leverage_cap"]);
    const defaulted = futures([action({ leverage: null })]);
    expect(defaulted.accepted[0]).toMatchObject({ leverage: 3 });
  });

  it("enforces exposure, per-order and margin caps across the decision", () => {
    const outcome = futures([
      action({ quantity: null, notional: "14000" }),
      action({ symbol: "ETHUSDT", quantity: null, notional: "7000", stopLoss: "1950", takeProfit: null }),
    ]);
    expect(codes(outcome)).toEqual(["exposure_cap"]);
    expect(codes(futures([action({ quantity: null, notional: "16000" })]))).toEqual(["order_too_large"]);
    const poor = futuresInput({
      wallet: {
        asset: "USDT",
        walletBalance: "500",
        availableBalance: "500",
        marginBalance: "500",
        unrealizedPnl: "0",
      },
    });
    expect(codes(futures([action()], poor))).toEqual(["insufficient_margin"]);
  });

  it("refuses unknown symbols, bad sizes and limit prices far from the mark", () => {
    const outcome = futures([
      action({ symbol: "DOGEUSDT" }),
      action({ quantity: "0.05", notional: "3000" }),
      action({ orderType: "LIMIT", limitPrice: "70000" }),
      action({ orderType: "LIMIT", limitPrice: null }),
    ]);
    expect(codes(outcome)).toEqual(["unknown_symbol", "bad_size", "price_out_of_band", "bad_number"]);
  });

  it("closes, reduces and moves stops only on existing positions", () => {
    const withLong = futuresInput({
      positions: [
        {
          symbol: "BTCUSDT",
          side: "long",
          positionSide: "both",
          size: "0.1",
          entryPrice: "59000",
          markPrice: "60000",
          unrealizedPnl: "100",
          leverage: 3,
          liquidationPrice: "40000",
          marginMode: "cross",
        },
      ],
    });
    const none = futures([action({ action: "CLOSE" }), action({ action: "HOLD", stopLoss: "58000" })]);
    expect(codes(none)).toEqual(["no_position", "no_position"]);
    const outcome = futures(
      [
        action({ action: "REDUCE", quantity: "0.5", stopLoss: null, takeProfit: null }),
        action({ action: "CLOSE", quantity: null, stopLoss: null, takeProfit: null }),
        action({ action: "HOLD", quantity: null, stopLoss: "59000", takeProfit: null }),
        action({ action: "OPEN" }),
        action({ action: "OPEN", side: "SHORT", stopLoss: "62000", takeProfit: null }),
        action({ action: "INCREASE", stopLoss: null }),
        action({ action: "HOLD", stopLoss: null, takeProfit: null }),
      ],
      withLong,
    );
    expect(outcome.accepted).toMatchObject([
      { action: "REDUCE", side: "sell", quantity: "0.100", reduceOnly: true, leverage: null },
      { action: "CLOSE", side: "sell", quantity: "0.100", reduceOnly: true, cancelStops: true },
      { kind: "futures_stops", symbol: "BTCUSDT", stopLoss: "59000.0", takeProfit: null },
    ]);
    expect(codes(outcome)).toEqual(["position_exists", "opposite_position", "stop_required"]);
  });
});
