import Big from "big.js";
import { describe, expect, it } from "vitest";
import type { ExchangeGateway } from "../../../worker/exchanges/contract.ts";
import { createSimAccount, type SimAccount, simControl, simUrl } from "../../support/simulator.ts";
import { clientId, gatewayFor } from "./binance/harness.ts";
import { bybitGateway } from "./bybit/harness.ts";

/**
 * Funding rate, next funding time and open interest per contract, and the account's funding fees, read through the
 * gateway from each venue's simulator over its real wire (Binance premiumIndex, openInterest and income; Bybit linear
 * tickers and the unified account's transaction log). LINKUSDT perpetuals: only the funding tests trade them.
 */

const EIGHT_HOURS = 8 * 3_600_000;
const SYMBOL = "LINKUSDT";

type Venue = "binance" | "bybit";

function gatewayOf(venue: Venue, account: SimAccount | null): ExchangeGateway {
  return venue === "binance" ? gatewayFor(account) : bybitGateway(account).gateway;
}

/** The venue's own answer for the rate, read raw from the simulator's public endpoint. */
async function rawRate(venue: Venue): Promise<string> {
  if (venue === "binance") {
    const body = (await (await fetch(`${simUrl()}/fapi/v1/premiumIndex?symbol=${SYMBOL}`)).json()) as {
      lastFundingRate: string;
    };
    return body.lastFundingRate;
  }
  const body = (await (await fetch(`${simUrl()}/v5/market/tickers?category=linear&symbol=${SYMBOL}`)).json()) as {
    result: { list: { fundingRate: string }[] };
  };
  return body.result.list[0]?.fundingRate ?? "";
}

async function openLong(gateway: ExchangeGateway, quantity: string) {
  await gateway.placeOrder({
    market: "linear",
    symbol: SYMBOL,
    side: "buy",
    type: "market",
    quantity,
    clientOrderId: clientId("fund"),
  });
}

describe.each(["binance", "bybit"] as const)("%s futures funding", (venue) => {
  it("reads the funding rate, the next funding time and open interest of a contract", async () => {
    const account = await createSimAccount(venue);
    const gateway = gatewayOf(venue, account);
    const [before] = await gateway.futuresStats([SYMBOL]);
    await openLong(gateway, "10");
    const [stats] = await gateway.futuresStats([SYMBOL]);
    const now = Date.now();
    expect(stats?.symbol).toBe(SYMBOL);
    expect(stats?.fundingRate).toBe(Big(await rawRate(venue)).toFixed());
    // The simulator's rates sit between 0.005 % and 0.015 % per 8 hours.
    expect(Number(stats?.fundingRate)).toBeGreaterThan(0);
    expect(Number(stats?.fundingRate)).toBeLessThan(0.0002);
    expect((stats?.nextFundingTime ?? 0) % EIGHT_HOURS).toBe(0);
    expect(stats?.nextFundingTime).toBeGreaterThan(now - 60_000);
    expect(stats?.nextFundingTime).toBeLessThanOrEqual(now + EIGHT_HOURS);
    // 50 million USDT of contracts at the anchor price of 20, plus every simulated account's longs: ours grew it by 10.
    expect(
      Big(stats?.openInterest ?? "0")
        .minus(before?.openInterest ?? "0")
        .gte(10),
    ).toBe(true);
    expect(Number(stats?.openInterest)).toBeGreaterThanOrEqual(2_500_010);
    // In USDT at the mark price.
    const [ticker] = await gateway.tickers("linear", [SYMBOL]);
    const value = Big(stats?.openInterest ?? "0").times(ticker?.mark ?? "0");
    expect(
      value
        .minus(stats?.openInterestValue ?? "0")
        .abs()
        .div(value)
        .lt("0.01"),
    ).toBe(true);
  });

  it("reads the funding fees the account paid, signed and with the venue's id", async () => {
    const account = await createSimAccount(venue);
    const gateway = gatewayOf(venue, account);
    const since = Date.now() - 1000;
    expect(await gateway.fundingPayments(since)).toEqual([]);
    await openLong(gateway, "20");
    const walletBefore = (await gateway.futuresWallet()).walletBalance;
    const { payments } = await simControl<{
      payments: { id: string; amount: string; rate: string; markPrice: string }[];
    }>("POST", "/funding", { venue, apiKey: account.apiKey });
    expect(payments).toHaveLength(1);
    const charged = payments[0];
    // A long pays a positive rate: −20 × mark × rate.
    expect(charged?.amount).toBe(
      Big(20)
        .times(charged?.markPrice ?? "0")
        .times(charged?.rate ?? "0")
        .neg()
        .round(8)
        .toFixed(),
    );
    const read = await gateway.fundingPayments(since);
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({ symbol: SYMBOL, asset: "USDT", amount: Big(charged?.amount ?? "0").toFixed() });
    expect(Number(read[0]?.amount)).toBeLessThan(0);
    expect(read[0]?.id).toContain(charged?.id ?? "none");
    // The fee left the wallet the futures margin comes from.
    const walletAfter = (await gateway.futuresWallet()).walletBalance;
    expect(Big(walletAfter).minus(walletBefore).toFixed()).toBe(Big(charged?.amount ?? "0").toFixed());
    // Read again: the same payment, the same id (what the ledger books by).
    expect((await gateway.fundingPayments(since)).map((p) => p.id)).toEqual(read.map((p) => p.id));
  });
});
