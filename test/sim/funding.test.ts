import { describe, expect, it } from "vitest";
import { Dec } from "../../sim/engine/decimal.ts";
import { frozenExchange, START } from "./fixtures.ts";

/** Funding on the simulator's perpetuals: charged at each 8-hour boundary of its clock, once, on open legs only. */

const EIGHT_HOURS = 8 * 3_600_000;

function withLong(venue: "binance" | "bybit") {
  const setup = frozenExchange(venue);
  setup.exchange.setPrice("linear", "LINKUSDT", "20", { hold: true });
  const account = setup.exchange.createAccount({ futuresWallet: "10000" });
  setup.exchange.placeOrder(account, {
    market: "linear",
    symbol: "LINKUSDT",
    side: "buy",
    type: "market",
    quantity: "100",
    clientOrderId: "long",
  });
  const flat = setup.exchange.createAccount({ futuresWallet: "10000" });
  return { ...setup, account, flat };
}

describe.each(["binance", "bybit"] as const)("%s funding", (venue) => {
  it("charges each open leg once per 8-hour boundary, a long paying a positive rate", () => {
    const { exchange, clock, account, flat } = withLong(venue);
    // START is 12:00 UTC: nothing is due until 16:00.
    clock.advance(3 * 3_600_000);
    expect(exchange.fundingPayments(account, 0)).toEqual([]);
    const nextBoundary = Math.ceil(START / EIGHT_HOURS) * EIGHT_HOURS;
    clock.now = nextBoundary + 1_000;
    const rate = exchange.fundingRate("LINKUSDT");
    const [payment, ...more] = exchange.fundingPayments(account, 0);
    expect(more).toEqual([]);
    expect(payment).toMatchObject({ symbol: "LINKUSDT", size: "100", markPrice: "20", rate, time: clock.now });
    expect(payment?.amount).toBe(new Dec(-100).times(20).times(rate).round(8).toFixed());
    // Read again in the same period: the same one payment, not a second charge.
    clock.advance(3_600_000);
    expect(exchange.fundingPayments(account, 0)).toHaveLength(1);
    // No position, no funding.
    expect(exchange.fundingPayments(flat, 0)).toEqual([]);
    // The next boundary charges again; `since` filters by time.
    clock.now = nextBoundary + EIGHT_HOURS + 1_000;
    expect(exchange.fundingPayments(account, 0)).toHaveLength(2);
    expect(exchange.fundingPayments(account, nextBoundary + EIGHT_HOURS)).toHaveLength(1);
  });

  it("moves the futures wallet by the payment and charges on demand for tests", () => {
    const { exchange, account } = withLong(venue);
    const before = exchange.futuresEquity(account).walletBalance;
    const [charged] = exchange.chargeFunding(account);
    const after = exchange.futuresEquity(account).walletBalance;
    expect(new Dec(after).minus(before).toFixed()).toBe(new Dec(charged?.amount ?? "0").toFixed());
    expect(Number(charged?.amount)).toBeLessThan(0);
  });

  it("counts the accounts' longs in open interest", () => {
    const { exchange } = withLong(venue);
    // 50 million USDT at the anchor price of 20, plus the 100 held.
    expect(exchange.openInterest("LINKUSDT")).toBe("2500100");
  });
});
