import Big from "big.js";
import { describe, expect, it } from "vitest";
import { holdPrice, VENUES } from "../accounts/support.ts";
import type { Caller } from "../identity/support.ts";
import { futuresPortfolio, spotPortfolio, startSettled } from "../portfolios/support.ts";
import {
  futuresAction,
  futuresPlan,
  newPortfolio,
  OPENAI,
  runNow,
  scriptedTrader,
  spotBuy,
  spotPlan,
} from "./support.ts";

/**
 * Issue #17 item 4: a paper portfolio's holdings agree with its fills, before a review and after one. Reading the
 * holdings used to match resting orders on the virtual account, which then showed fills the portfolio's ledger and
 * fills list only learned of at the next review.
 */

const READ_ONLY = { permissions: { read: true, spot: false, futures: false }, futuresWallet: "0" };

type Holding = { asset: string; quantity: string; onExchange: string | null };
type Fill = { symbol: string; side: "buy" | "sell"; price: string; quantity: string; fee: string; feeAsset: string };
type Position = { symbol: string; side: string; size: string };

async function holdingsOf(user: Caller, id: string): Promise<Holding[]> {
  return (await user.get(`/api/portfolios/${id}/positions`)).body.holdings as Holding[];
}

async function fillsOf(user: Caller, id: string): Promise<Fill[]> {
  return (await user.get(`/api/portfolios/${id}/fills`)).body.fills as Fill[];
}

/** What a spot paper account holds after its fills, from its starting cash: every buy pays price × quantity. */
function impliedBySpotFills(capital: string, cash: string, token: string, fills: Fill[]): Record<string, string> {
  const held: Record<string, Big> = { [cash]: Big(capital), [token]: Big(0) };
  for (const fill of fills) {
    const sign = fill.side === "buy" ? 1 : -1;
    held[token] = (held[token] ?? Big(0)).plus(Big(fill.quantity).times(sign));
    held[cash] = (held[cash] ?? Big(0)).minus(Big(fill.quantity).times(fill.price).times(sign));
    held[fill.feeAsset] = (held[fill.feeAsset] ?? Big(0)).minus(fill.fee);
  }
  return Object.fromEntries(Object.entries(held).map(([asset, amount]) => [asset, amount.toFixed()]));
}

function expectHoldingsMatch(holdings: Holding[], implied: Record<string, string>) {
  for (const [asset, amount] of Object.entries(implied)) {
    const holding = holdings.find((h) => h.asset === asset);
    expect(
      Big(holding?.quantity ?? "0").eq(amount),
      `${asset} in the portfolio ${holding?.quantity} vs ${amount}`,
    ).toBe(true);
    expect(Big(holding?.onExchange ?? "0").eq(amount), `${asset} virtual ${holding?.onExchange} vs ${amount}`).toBe(
      true,
    );
  }
}

describe.each(VENUES)("%s paper holdings agree with the fills", (venue) => {
  it("spot: before the next review a crossed resting limit is neither held nor filled; after it, both", async () => {
    await holdPrice(venue, "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader(venue, { ...READ_ONLY, spot: { USDT: "10" } });
    await t.decide(
      spotPlan([spotBuy("ETHUSDT", "1", "2500"), spotBuy("ETHUSDT", "0.5", "2500", "2480")]),
      spotPlan([]),
    );
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, {
        tokens: [{ token: "ETH", minAllocation: 0 }],
        decisionSource: OPENAI,
        paper: true,
        paperCapital: "5000",
      }),
    );
    expect(await holdingsOf(t.user, id)).toEqual([]);
    await startSettled(t.user, id);
    const first = await fillsOf(t.user, id);
    expect(first).toHaveLength(1);
    expectHoldingsMatch(await holdingsOf(t.user, id), impliedBySpotFills("5000", "USDT", "ETH", first));

    // The book crosses the resting limit: until a review records its fill, the holdings (and the virtual
    // account shown beside them) stay what the recorded fills say, however often they are read.
    await holdPrice(venue, "spot", "ETHUSDT", "2450");
    for (let read = 0; read < 2; read++)
      expectHoldingsMatch(await holdingsOf(t.user, id), impliedBySpotFills("5000", "USDT", "ETH", first));
    expect(await fillsOf(t.user, id)).toHaveLength(1);

    await runNow(t.user, id);
    const after = await fillsOf(t.user, id);
    expect(after).toHaveLength(2);
    expect(after[0]).toMatchObject({ side: "buy", price: "2480", quantity: "0.5" });
    expectHoldingsMatch(await holdingsOf(t.user, id), impliedBySpotFills("5000", "USDT", "ETH", after));
  });

  it("futures: the positions shown are what the fills add up to, before a stop's review and after it", async () => {
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const t = await scriptedTrader(venue, { ...READ_ONLY, spot: {} });
    await t.decide(
      futuresPlan([
        futuresAction({ symbol: "SOLUSDT", action: "OPEN", side: "LONG", quantity: "5", leverage: 2, stopLoss: "96" }),
      ]),
      futuresPlan([]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, { decisionSource: OPENAI, paper: true, paperCapital: "2000" }),
    );
    await startSettled(t.user, id);
    const netOf = (fills: Fill[]) =>
      fills.reduce((net, f) => net.plus(Big(f.quantity).times(f.side === "buy" ? 1 : -1)), Big(0)).toFixed();
    const positionsOf = async () => (await t.user.get(`/api/portfolios/${id}/positions`)).body.positions as Position[];
    const sizeOf = (positions: Position[]) =>
      positions.reduce((net, p) => net.plus(Big(p.size).times(p.side === "short" ? -1 : 1)), Big(0)).toFixed();

    expect(netOf(await fillsOf(t.user, id))).toBe("5");
    expect(sizeOf(await positionsOf())).toBe("5");

    // The mark falls through the stop-loss: until a review records the stop's fill, the position stays shown.
    await holdPrice(venue, "linear", "SOLUSDT", "90");
    expect(sizeOf(await positionsOf())).toBe(netOf(await fillsOf(t.user, id)));
    expect(sizeOf(await positionsOf())).toBe("5");

    await runNow(t.user, id);
    const after = await fillsOf(t.user, id);
    expect(netOf(after)).toBe("0");
    expect(await positionsOf()).toEqual([]);
  });
});
