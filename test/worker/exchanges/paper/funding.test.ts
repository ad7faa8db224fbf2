import Big from "big.js";
import { describe, expect, it } from "vitest";
import type { ExchangeGateway, Venue } from "../../../../worker/exchanges/contract.ts";
import {
  memoryPaperStore,
  newPaperAccount,
  type PaperStore,
} from "../../../../worker/exchanges/paper/paper-account.ts";
import { createPaperGateway } from "../../../../worker/exchanges/paper/paper-gateway.ts";
import { clientId, marketGateway, simFunding, VENUES } from "./harness.ts";

/**
 * Funding on paper perpetuals, charged from the venue's public funding history read over the simulator's wire: a
 * position held through a funding time pays -(size × mark × rate) once, the first call after it; one opened after it
 * or no position pays nothing and reads no history. The gateway's clock starts before the last real funding time and
 * is then set to now, so the simulator has that funding in its history. Linear symbol: LINKUSDT (public data only: the paper account sends nothing to the simulator).
 */

const EIGHT_HOURS = 8 * 3_600_000;
const SYMBOL = "LINKUSDT";

type Setup = { gateway: ExchangeGateway; store: PaperStore; clock: { now: number }; historyReads: string[] };

/** A paper gateway on its own clock over the venue's public data; `historyReads` lists its funding history reads. */
function paperOnClock(venue: Venue, now: number, store?: PaperStore): Setup {
  const clock = { now };
  const market = marketGateway(venue);
  const historyReads: string[] = [];
  const observed = new Proxy(market, {
    get(target, property) {
      if (property === "fundingHistory") {
        return (symbol: string, since: number) => {
          historyReads.push(symbol);
          return target.fundingHistory(symbol, since);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const paperStore = store ?? memoryPaperStore(newPaperAccount({ venue, spot: {}, futuresWallet: "10000" }));
  return {
    gateway: createPaperGateway({ venue, market: observed, store: paperStore, now: () => clock.now }),
    store: paperStore,
    clock,
    historyReads,
  };
}

function open(gateway: ExchangeGateway, side: "buy" | "sell", quantity: string) {
  return gateway.placeOrder({
    market: "linear",
    symbol: SYMBOL,
    side,
    type: "market",
    quantity,
    clientOrderId: clientId("fund"),
  });
}

const walletOf = async (gateway: ExchangeGateway) => Big((await gateway.futuresWallet()).walletBalance);

describe.each(VENUES)("paper funding on %s", (venue) => {
  it.each([
    ["long", "buy", 1],
    ["short", "sell", -1],
  ] as const)(
    "a %s held through a funding time is charged once at the history's rate and mark",
    async (_, side, sign) => {
      const fundingTime = Math.floor(Date.now() / EIGHT_HOURS) * EIGHT_HOURS;
      const setup = paperOnClock(venue, fundingTime - 3_600_000);
      await open(setup.gateway, side, "20");
      const before = await walletOf(setup.gateway);
      expect(setup.historyReads).toEqual([]);

      setup.clock.now = Date.now();
      const payments = await setup.gateway.fundingPayments(0);
      const { rate, mark } = await simFunding(venue, SYMBOL, fundingTime);
      const expected = Big(20).times(sign).times(mark).times(rate).neg().round(8);
      expect(payments).toEqual([
        {
          id: `paper:${SYMBOL}:${fundingTime}`,
          symbol: SYMBOL,
          asset: "USDT",
          amount: expected.toFixed(),
          time: fundingTime,
        },
      ]);
      // A long pays a positive rate, a short receives it (and the reverse for a negative rate).
      expect(Big(payments[0]?.amount ?? "0").s).toBe(Big(rate).eq(0) ? 1 : Big(rate).s * -sign);
      expect((await walletOf(setup.gateway)).minus(before).eq(expected)).toBe(true);
      expect(setup.historyReads).toEqual([SYMBOL]);

      // Later calls, and a new gateway on the same stored account (a restart), charge nothing more and read no history.
      const again = paperOnClock(venue, Date.now(), setup.store);
      expect(await again.gateway.fundingPayments(0)).toEqual(payments);
      expect((await walletOf(again.gateway)).minus(before).eq(expected)).toBe(true);
      expect(await setup.gateway.fundingPayments(fundingTime + 1)).toEqual([]);
      expect(again.historyReads).toEqual([]);
    },
  );

  it("charges nothing without a position, nor for a funding time before the position opened", async () => {
    const fundingTime = Math.floor(Date.now() / EIGHT_HOURS) * EIGHT_HOURS;
    // Flat through the funding time: nothing charged, nothing read.
    const flat = paperOnClock(venue, fundingTime - 3_600_000);
    const flatWallet = await walletOf(flat.gateway);
    flat.clock.now = Date.now();
    expect(await flat.gateway.fundingPayments(0)).toEqual([]);
    expect((await walletOf(flat.gateway)).eq(flatWallet)).toBe(true);

    // Opened after the funding time (the account last seen before it): that funding is not the position's.
    const late = paperOnClock(venue, fundingTime - 3_600_000);
    await late.gateway.futuresWallet();
    late.clock.now = Date.now();
    await open(late.gateway, "buy", "20");
    const lateWallet = await walletOf(late.gateway);
    expect(await late.gateway.fundingPayments(0)).toEqual([]);
    expect((await walletOf(late.gateway)).eq(lateWallet)).toBe(true);
    expect([...flat.historyReads, ...late.historyReads]).toEqual([]);
  });
});
