import { afterEach, describe, expect, it } from "vitest";
import type { Venue } from "../../../worker/exchanges/contract.ts";
import { clearSharedMarketData, type PriceReuse } from "../../../worker/exchanges/shared-market-data.ts";
import { setSimPrice } from "../../support/simulator.ts";
import { marketGateway } from "./paper/harness.ts";

// Gateways of one isolate share public reads (worker/exchanges/shared-market-data.ts). A price may be reused only as
// its gateway was told: a live review reuses its own reads, never another review's, so a review started right after a
// move sees the new price; paper gateways share theirs across the isolate. A ticker with its book sizes stands for
// the book top as long as its price may be reused. A reuse of a minute keeps the test free of timing.

const MINUTE = 60_000;

function gateway(priceReuse?: PriceReuse, venue: Venue = "binance") {
  return marketGateway(venue, priceReuse);
}

async function last(from: ReturnType<typeof gateway>): Promise<string> {
  const [ticker] = await from.tickers("spot", ["BTCUSDT"]);
  return ticker?.last ?? "none";
}

async function ask(from: ReturnType<typeof gateway>): Promise<string> {
  return (await from.orderBookTop("spot", "BTCUSDT")).askPrice;
}

describe("shared prices", () => {
  afterEach(() => clearSharedMarketData());

  it("a gateway reusing its own prices keeps them, and the next gateway reads the moved price", async () => {
    await setSimPrice("binance", "spot", "BTCUSDT", "60000");
    const review = gateway({ ms: MINUTE, across: "gateway" });
    expect(await last(review)).toBe("60000");
    const firstAsk = await ask(review);
    expect(Number(firstAsk)).toBeGreaterThan(59_000);
    await setSimPrice("binance", "spot", "BTCUSDT", "54000");
    expect(await last(review)).toBe("60000");
    expect(await ask(review)).toBe(firstAsk);

    const next = gateway({ ms: MINUTE, across: "gateway" });
    expect(await last(next)).toBe("54000");
    expect(Number(await ask(next))).toBeLessThan(55_000);
  });

  it("gateways reusing across the isolate share a price; one without reuse reads it again", async () => {
    await setSimPrice("binance", "spot", "BTCUSDT", "60000");
    expect(await last(gateway({ ms: MINUTE, across: "isolate" }))).toBe("60000");
    await setSimPrice("binance", "spot", "BTCUSDT", "54000");
    expect(await last(gateway({ ms: MINUTE, across: "isolate" }))).toBe("60000");
    expect(await last(gateway())).toBe("54000");
    // A gateway reusing only its own reads never sees the isolate's.
    expect(await last(gateway({ ms: MINUTE, across: "gateway" }))).toBe("54000");
  });

  it.each(["binance", "bybit"] as const)(
    "%s: a ticker read with its book sizes answers the book top for as long as its price may be reused",
    async (venue) => {
      await setSimPrice(venue, "spot", "ETHUSDT", "2500");
      const review = gateway({ ms: MINUTE, across: "gateway" }, venue);
      const [ticker] = await review.tickers("spot", ["ETHUSDT"]);
      expect(ticker).toMatchObject({ bidQty: expect.stringMatching(/^\d/), askQty: expect.stringMatching(/^\d/) });
      await setSimPrice(venue, "spot", "ETHUSDT", "2000");
      // No request: the top is the ticker's, from before the move.
      expect(await review.orderBookTop("spot", "ETHUSDT")).toEqual({
        symbol: "ETHUSDT",
        bidPrice: ticker?.bid,
        bidQty: ticker?.bidQty,
        askPrice: ticker?.ask,
        askQty: ticker?.askQty,
        time: ticker?.time,
      });
      // Without reuse the book is read from the venue.
      expect(Number((await gateway(undefined, venue).orderBookTop("spot", "ETHUSDT")).askPrice)).toBeLessThan(2100);
    },
  );
});
