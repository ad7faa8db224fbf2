import Big from "big.js";
import { afterEach, describe, expect, it } from "vitest";
import { clearSharedMarketData } from "../../../worker/exchanges/shared-market-data.ts";
import { control, holdPrice } from "../accounts/support.ts";
import { spotPortfolio, startSettled } from "../portfolios/support.ts";
import { newPortfolio, OPENAI, runNow, scriptedTrader, spotBuy, spotPlan, venueOrders } from "./support.ts";

/**
 * The cash token's price comes from the venue's own book, and a stablecoin off its peg pauses the review before
 * anything is planned. Held prices stay on stablecoin books no other test reads (FDUSDUSDT), or within a hair of 1
 * (USDCUSDT), so reviews running in parallel files are not moved.
 */

afterEach(async () => {
  // Back to their seeded paths (anchored at 1).
  for (const symbol of ["USDCUSDT", "FDUSDUSDT"]) {
    await control("POST", "/prices", { venue: "binance", market: "spot", symbol, price: "1", hold: false });
  }
  clearSharedMarketData();
});

type RunInput = {
  totalValueUsd: string;
  cashPeg: { asset: string; priceUsd: string; pair: string | null; source: string };
  positions: { asset: string; priceUsd: string; valueUsd: string; allocationPct: number }[];
};

describe("stablecoin peg", () => {
  it("prices a USDC cash token from the venue's USDCUSDT book in the review's USD figures", async () => {
    // Bid 0.9994, ask 0.9996 (the simulator's book is one tick either side): mid 0.9995.
    await holdPrice("binance", "spot", "USDCUSDT", "0.9995");
    await holdPrice("binance", "spot", "ETHUSDC", "2500");
    const t = await scriptedTrader("binance", { spot: { USDC: "10000", ETH: "2" }, futuresWallet: "0" });
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, {
        cashToken: "USDC",
        tokens: [{ token: "ETH", minAllocation: 0 }],
        decisionSource: OPENAI,
      }),
    );
    await t.decide(spotPlan([]));
    const { run } = await startSettled(t.user, id);
    expect(run.status).toBe("completed");
    const full = (await t.user.get(`/api/portfolios/${id}/runs/${run.id}`)).body;
    const input = full.input as RunInput;
    expect(input.cashPeg).toEqual({ asset: "USDC", priceUsd: "0.9995", pair: "USDCUSDT", source: "book" });
    const usdc = input.positions.find((p) => p.asset === "USDC");
    const eth = input.positions.find((p) => p.asset === "ETH");
    expect(usdc?.priceUsd).toBe("0.9995");
    expect(usdc?.valueUsd).toBe("9995.00");
    // ETH at 2 500 USDC is 2 498.75 USD; 2 ETH = 4 997.50.
    expect(eth?.priceUsd).toBe("2498.75");
    expect(eth?.valueUsd).toBe("4997.50");
    expect(input.totalValueUsd).toBe("14992.50");
    // Allocations are shares, the same in any unit: 5 000 of 15 000 USDC.
    expect(eth?.allocationPct).toBeCloseTo(33.3333, 3);
    // The ledger and its equity stay in the cash token.
    expect(full.equityBefore).toBe("15000");
  });

  it("counts USDT, the reference dollar, at 1 without reading a book", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "1000" }, futuresWallet: "0" });
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    await t.decide(spotPlan([]));
    const { run } = await startSettled(t.user, id);
    const input = (await t.user.get(`/api/portfolios/${id}/runs/${run.id}`)).body.input as RunInput;
    expect(input.cashPeg).toEqual({ asset: "USDT", priceUsd: "1", pair: null, source: "reference" });
    expect(input.totalValueUsd).toBe("1000.00");
  });

  it("pauses a portfolio holding a stablecoin 5 % off its peg before planning, naming it, and places nothing", async () => {
    await holdPrice("binance", "spot", "FDUSDUSDT", "1");
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "5000", FDUSD: "5000" }, futuresWallet: "0" });
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, {
        tokens: [
          { token: "FDUSD", minAllocation: 0 },
          { token: "ETH", minAllocation: 0 },
        ],
        decisionSource: OPENAI,
      }),
    );
    // At the peg the review decides and buys; then FDUSD slips to 0.95 and the next review would buy again.
    await t.decide(spotPlan([spotBuy("ETHUSDT", "0.1", "2500")]), spotPlan([spotBuy("ETHUSDT", "0.1", "2500")]));
    const { run: first } = await startSettled(t.user, id);
    expect(first.status).toBe("completed");
    expect((await venueOrders(t.account)).length).toBe(1);
    await holdPrice("binance", "spot", "FDUSDUSDT", "0.95");
    const second = await runNow(t.user, id);
    expect(second.status).toBe("aborted");
    expect(second.orders).toEqual([]);
    const portfolio = (await t.user.get(`/api/portfolios/${id}`)).body;
    expect(portfolio).toMatchObject({ status: "paused", statusReasonCode: "stablecoin_depeg" });
    expect(portfolio.statusReason).toMatch(
      /^FDUSD trades at 0\.9500 USDT on Binance's FDUSDUSDT book, 5\.00 % off its 1:1 peg \(the depeg threshold is 2 %\)\./,
    );
    expect(second.summary).toBe(`Paused: ${portfolio.statusReason}`);
    // Nothing new reached the venue: still only the first review's order.
    expect((await venueOrders(t.account)).length).toBe(1);
  });

  it("keeps a stablecoin within the threshold trading", async () => {
    await holdPrice("binance", "spot", "FDUSDUSDT", "0.985");
    const t = await scriptedTrader("binance", { spot: { USDT: "5000", FDUSD: "5000" }, futuresWallet: "0" });
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, { tokens: [{ token: "FDUSD", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    await t.decide(spotPlan([]));
    const { run } = await startSettled(t.user, id);
    expect(run.status).toBe("completed");
    const input = (await t.user.get(`/api/portfolios/${id}/runs/${run.id}`)).body.input as RunInput;
    // 1.5 % off: priced truthfully, not paused. Mid of 0.9849 / 0.9851.
    expect(Big(input.positions.find((p) => p.asset === "FDUSD")?.priceUsd ?? "0").toFixed(4)).toBe("0.9850");
    expect((await t.user.get(`/api/portfolios/${id}`)).body.status).toBe("active");
  });
});
