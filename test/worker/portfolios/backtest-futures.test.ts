import Big from "big.js";
import { describe, expect, it } from "vitest";
import { clearSharedMarketData } from "../../../worker/exchanges/shared-market-data.ts";
import { type ScriptedCandle, trendWarmUp } from "../../support/scripted-candles.ts";
import { accountsApp, control, trader } from "../accounts/support.ts";
import { newPortfolio } from "../engine/support.ts";
import { futuresPortfolio } from "./support.ts";

/**
 * The futures backtest over candles the simulator serves exactly as scripted (POST /control/candles: Binance
 * TESTUSDT perpetual, 4-hour candles, which no other test reads), over real HTTP through the paper gateway. The
 * warm-up (trendWarmUp) ends on a close of 20.00 where the built-in trend rule goes long, its stop-loss at 17.00 and
 * its take-profit at 26.00, sized to lose 1 % of the 10 000 USDT at the stop: 10 000 × 1 % / 15 % = 666.67 USDT,
 * 33 TEST at 20 (step 0.5), at 3× leverage (the built-in default under the portfolio's 5×). The candles after it
 * decide what happens to that position.
 */

type Trade = {
  at: string;
  symbol: string;
  side: "buy" | "sell";
  quantity: string;
  price: string;
  fee: string;
  feeAsset: string;
  trigger: "review" | "stop_loss" | "take_profit" | "liquidation";
  action: string | null;
  positionSide: string | null;
  realizedPnl: string | null;
};
type Backtest = {
  market: string;
  startingEquity: string;
  endingEquity: string;
  returnPct: string;
  maxDrawdownPct: string;
  feesPaid: string;
  feeRate: string;
  equityCurve: { at: string; equity: string }[];
  trades: Trade[];
  notes: string[];
  futures: {
    takerFeeRate: string;
    stopLossHits: number;
    takeProfitHits: number;
    liquidations: number;
    fundingPaid: string;
    fundingPayments: number;
    refusals: { symbol: string; action: string; code: string; reason: string }[];
    positions: Record<string, unknown>[];
  };
};
type Candle = ScriptedCandle;

const FOUR_HOURS = 4 * 3_600_000;
const EIGHT_HOURS = 8 * 3_600_000;

async function scripted(after: Candle[], fundingRate = "0") {
  await control("POST", "/candles", {
    venue: "binance",
    market: "linear",
    symbol: "TESTUSDT",
    interval: "4h",
    candles: [...trendWarmUp(), ...after],
    fundingRate,
  });
  // The worker shares candles between requests for a minute: the new script must be read afresh.
  clearSharedMarketData();
}

async function backtest(candles: number, paperCapital = "10000", risk: Record<string, unknown> = {}) {
  const app = accountsApp();
  const { user, keyId } = await trader(app, "binance", { futuresWallet: "0" });
  const id = await newPortfolio(
    user,
    futuresPortfolio(keyId, {
      tokens: [{ token: "TEST", minAllocation: 10 }],
      paper: true,
      paperCapital,
      risk: { maxOrderPct: null, maxExposurePct: null, maxDailyLossPct: null, maxDrawdownPct: null, ...risk },
    }),
  );
  const reply = await user.post(`/api/portfolios/${id}/backtest`, { interval: "4h", candles });
  expect(reply.status, reply.text).toBe(200);
  return reply.body as unknown as Backtest;
}

/** The long opened at the next candle's open of 20.00: 33 × 20 × 0.0005 = 0.33 USDT taker fee. */
const OPEN = {
  symbol: "TESTUSDT",
  side: "buy",
  quantity: "33",
  price: "20",
  fee: "0.33",
  feeAsset: "USDT",
  trigger: "review",
  action: "OPEN",
  positionSide: "long",
  realizedPnl: "0",
};

describe("futures backtest of the built-in strategy on scripted candles", () => {
  it("opens at the next open with the taker fee, and a candle through the stop closes it at the stop with its fee", async () => {
    await scripted([{ open: "20.00", high: "20.50", low: "16.80", close: "17.50" }]);
    const body = await backtest(2);
    expect(body.market).toBe("futures");
    expect(body.feeRate).toBe("0.0005");
    // At 17.00: 33 × (17 − 20) = −99 realized, 33 × 17 × 0.0005 = 0.2805 fee.
    expect(body.trades).toEqual([
      { ...OPEN, at: body.equityCurve[0]?.at },
      {
        at: body.equityCurve[1]?.at,
        symbol: "TESTUSDT",
        side: "sell",
        quantity: "33",
        price: "17",
        fee: "0.2805",
        feeAsset: "USDT",
        trigger: "stop_loss",
        action: "CLOSE",
        positionSide: "long",
        realizedPnl: "-99",
      },
    ]);
    // 10 000 − 0.33 − 99 − 0.2805 = 9 900.3895; return and drawdown −0.996105 %.
    expect(body.equityCurve.map((p) => p.equity)).toEqual(["10000.00000000", "9900.38950000"]);
    expect(body.endingEquity).toBe("9900.38950000");
    expect(body.feesPaid).toBe("0.61050000");
    expect(body.returnPct).toBe("-0.9961");
    expect(body.maxDrawdownPct).toBe("0.9961");
    expect(body.futures).toMatchObject({ stopLossHits: 1, takeProfitHits: 0, liquidations: 0, positions: [] });
    expect(body.futures.refusals).toEqual([]);
    expect(body.notes).toEqual(
      expect.arrayContaining(["stop_loss_first", "liquidation_estimated", "candle_indicators"]),
    );
  });

  it("takes the stop-loss when one candle reaches both the stop-loss and the take-profit", async () => {
    await scripted([{ open: "20.00", high: "27.00", low: "16.50", close: "25.00" }]);
    const body = await backtest(2);
    expect(body.trades.map((t) => [t.trigger, t.price, t.fee, t.realizedPnl])).toEqual([
      ["review", "20", "0.33", "0"],
      ["stop_loss", "17", "0.2805", "-99"],
    ]);
    expect(body.endingEquity).toBe("9900.38950000");
    expect(body.futures).toMatchObject({ stopLossHits: 1, takeProfitHits: 0 });
  });

  it("takes the profit at the take-profit when the candle reaches only it", async () => {
    await scripted([{ open: "20.00", high: "26.40", low: "19.50", close: "26.10" }]);
    const body = await backtest(2);
    // At 26.00: 33 × 6 = 198 realized, 33 × 26 × 0.0005 = 0.429 fee; 10 000 − 0.33 + 198 − 0.429 = 10 197.241.
    expect(body.trades.map((t) => [t.trigger, t.side, t.price, t.fee, t.realizedPnl])).toEqual([
      ["review", "buy", "20", "0.33", "0"],
      ["take_profit", "sell", "26", "0.429", "198"],
    ]);
    expect(body.endingEquity).toBe("10197.24100000");
    expect(body.futures).toMatchObject({ stopLossHits: 0, takeProfitHits: 1 });
  });

  it("liquidates a position the next candle gaps through, the margin lost", async () => {
    // Liquidation at 3×: 20 × (1 − 1/3) / (1 − 0.005) ≈ 13.4003. A quiet candle after the open, then one that
    // opens at 13.00, past the stop and the liquidation price at once.
    await scripted([
      { open: "20.00", high: "20.50", low: "19.80", close: "20.20" },
      { open: "13.00", high: "13.50", low: "12.00", close: "12.50" },
    ]);
    const body = await backtest(3);
    // The margin, 20 × 33 / 3 = 220, is lost; no fee is modelled on a liquidation: 10 000 − 0.33 − 220 = 9 779.67.
    expect(body.trades[1]).toMatchObject({
      trigger: "liquidation",
      action: "CLOSE",
      side: "sell",
      quantity: "33",
      price: "13.40033501",
      fee: "0",
      realizedPnl: "-220",
    });
    expect(body.endingEquity).toBe("9779.67000000");
    expect(body.futures).toMatchObject({ stopLossHits: 0, liquidations: 1, positions: [] });
  });

  it("shows the guards' refusals: an open above the contract's maximum quantity is refused, nothing trades", async () => {
    await scripted([{ open: "20.00", high: "20.50", low: "16.80", close: "17.50" }]);
    // 1 000 000 000 × 1 % / 15 % at 20: 3 333 333 TEST, above the 1 000 000 Binance allows in one order.
    const body = await backtest(2, "1000000000");
    expect(body.trades).toEqual([]);
    expect(body.futures.refusals).toHaveLength(1);
    expect(body.futures.refusals[0]).toMatchObject({ symbol: "TESTUSDT", action: "OPEN", code: "exchange_filter" });
    expect(body.futures.refusals[0]?.reason).toContain("1000000");
    expect(body.equityCurve.map((p) => p.equity)).toEqual(["1000000000.00000000", "1000000000.00000000"]);
  });

  it("charges funding from the venue's history at each funding time the position is held through", async () => {
    // Six quiet 4-hour candles after the open (inside the stop and the take-profit): the trend rule keeps the long.
    const quiet = ["20.00", "20.40", "20.20", "20.60", "20.40", "20.80", "20.60"];
    const after = quiet.slice(1).map((close, i) => {
      const open = quiet[i] as string;
      const [low, high] = [Big(open), Big(close)].sort((a, b) => a.cmp(b)) as [Big, Big];
      return { open, high: high.plus("0.1").toFixed(2), low: low.minus("0.1").toFixed(2), close };
    });
    after[0] = { ...(after[0] as Candle), low: "19.90", high: "20.50" };
    await scripted(after, "0.0001");
    const body = await backtest(after.length + 1);
    expect(body.trades).toEqual([{ ...OPEN, at: body.equityCurve[0]?.at }]);
    expect(body.notes).toContain("funding_charged");
    // Each candle from the second on opens with the position held: those on the 8-hour grid charge
    // 33 × their open × 0.0001 (a long pays a positive rate).
    let funding = Big(0);
    let count = 0;
    for (let k = 1; k < after.length; k++) {
      const openedAt = Date.parse(body.equityCurve[k]?.at as string);
      expect(openedAt % FOUR_HOURS).toBe(0);
      if (openedAt % EIGHT_HOURS !== 0) continue;
      funding = funding.plus(
        Big(33)
          .times((after[k] as Candle).open)
          .times("0.0001"),
      );
      count++;
    }
    expect(count).toBeGreaterThanOrEqual(2);
    expect(body.futures.fundingPayments).toBe(count);
    expect(Big(body.futures.fundingPaid).eq(funding)).toBe(true);
    // Equity at the last close: the wallet after fee and funding, plus 33 × (20.60 − 20) unrealized.
    const expected = Big(10000).minus("0.33").minus(funding).plus(Big(33).times("0.60"));
    expect(Big(body.endingEquity).eq(expected)).toBe(true);
    // Still open at the end, with the plan's stops, its margin (20 × 33 / 3) and its estimated liquidation price.
    expect(body.futures.positions).toEqual([
      {
        symbol: "TESTUSDT",
        side: "long",
        size: "33",
        entryPrice: "20",
        leverage: 3,
        margin: "220",
        stopLoss: "17.00",
        takeProfit: "26.00",
        liquidationPrice: "13.40033501",
        unrealizedPnl: "19.8",
      },
    ]);
  });
});
