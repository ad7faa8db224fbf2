import Big from "big.js";
import { describe, expect, it } from "vitest";
import { accountsApp, trader } from "../accounts/support.ts";
import { newPortfolio } from "../engine/support.ts";
import { futuresPortfolio, spotPortfolio } from "./support.ts";

type Trade = {
  at: string;
  symbol: string;
  side: "buy" | "sell";
  quantity: string;
  price: string;
  fee: string;
  feeAsset: string;
};
type Backtest = {
  startingEquity: string;
  endingEquity: string;
  returnPct: string;
  maxDrawdownPct: string;
  feesPaid: string;
  feeRate: string;
  equityCurve: { at: string; equity: string }[];
  trades: Trade[];
  holdings: { asset: string; quantity: string; lastClose: string }[];
};

describe("paper backtest of the built-in strategy on the simulator's candles", () => {
  it("trades with the paper fee, and its last equity is cash plus holdings at the last close, recomputed from its trades", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, "binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const id = await newPortfolio(
      user,
      spotPortfolio(keyId, {
        tokens: [
          { token: "BTC", minAllocation: 20 },
          { token: "ETH", minAllocation: 20 },
        ],
        paper: true,
        paperCapital: "10000",
        risk: { maxOrderPct: "20", maxExposurePct: null, maxDailyLossPct: null, maxDrawdownPct: null },
      }),
    );
    const reply = await user.post(`/api/portfolios/${id}/backtest`, { interval: "1h", candles: 48 });
    expect(reply.status, reply.text).toBe(200);
    const body = reply.body as unknown as Backtest;
    expect(body.equityCurve).toHaveLength(48);
    // Closed candles only: the last review is at the last close, which has already happened.
    expect(Date.parse(body.equityCurve.at(-1)?.at ?? "")).toBeLessThanOrEqual(Date.now());
    expect(body.equityCurve[0]?.equity).toBe("10000.00000000");
    expect(body.trades.length).toBeGreaterThan(0);

    // The books again, from the trades alone: buys pay cash and receive the base less its fee; sells the reverse.
    let cash = Big(body.startingEquity);
    let fees = Big(0);
    const held = new Map<string, Big>();
    for (const trade of body.trades) {
      const base = trade.symbol.replace(/USDT$/, "");
      const notional = Big(trade.quantity).times(trade.price);
      const feeRate = Big(body.feeRate);
      if (trade.side === "buy") {
        expect(Big(trade.fee).eq(Big(trade.quantity).times(feeRate).round(8, Big.roundUp))).toBe(true);
        cash = cash.minus(notional);
        held.set(base, (held.get(base) ?? Big(0)).plus(trade.quantity).minus(trade.fee));
        fees = fees.plus(Big(trade.fee).times(trade.price));
      } else {
        expect(Big(trade.fee).eq(notional.times(feeRate).round(8, Big.roundUp))).toBe(true);
        cash = cash.plus(notional).minus(trade.fee);
        held.set(base, (held.get(base) ?? Big(0)).minus(trade.quantity));
        fees = fees.plus(trade.fee);
      }
      // Per-order cap: 20 % of equity (about 2 000 USDT at most, with the built-in 1 % margin).
      expect(notional.lte(2100)).toBe(true);
    }
    let equity = cash;
    for (const holding of body.holdings) {
      expect(Big(holding.quantity).eq(held.get(holding.asset) ?? 0)).toBe(true);
      equity = equity.plus(Big(holding.quantity).times(holding.lastClose));
    }
    expect(Big(body.feesPaid).round(8).eq(fees.round(8))).toBe(true);
    expect(Big(body.endingEquity).round(6).eq(equity.round(6))).toBe(true);
    expect(body.equityCurve.at(-1)?.equity).toBe(body.endingEquity);
    expect(Big(body.maxDrawdownPct).gte(0)).toBe(true);
  });

  it("answers 4xx: bounds, another user's portfolio; a futures portfolio gets a futures backtest", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, "binance", { spot: { USDT: "10000" }, futuresWallet: "10000" });
    const spot = await newPortfolio(user, spotPortfolio(keyId, { paper: true }));
    const tooLong = await user.post(`/api/portfolios/${spot}/backtest`, { interval: "1d", candles: 91 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error: { code: "validation_failed" } });
    const tooMany = await user.post(`/api/portfolios/${spot}/backtest`, { interval: "4h", candles: 501 });
    expect(tooMany.status).toBe(400);

    const futures = await newPortfolio(user, futuresPortfolio(keyId, { paper: true }));
    const perpetual = await user.post(`/api/portfolios/${futures}/backtest`, { interval: "4h", candles: 10 });
    expect(perpetual.status, perpetual.text).toBe(200);
    expect(perpetual.body).toMatchObject({ market: "futures", cashToken: "USDT", holdings: [] });
    expect(perpetual.body.equityCurve).toHaveLength(10);

    const stranger = await trader(app, "binance");
    const foreign = await stranger.user.post(`/api/portfolios/${spot}/backtest`, { interval: "4h", candles: 10 });
    expect(foreign.status).toBe(404);
  });
});
