import Big from "big.js";
import { expect } from "vitest";
import type { ExchangeGateway, MarketType, Venue } from "../../../../worker/exchanges/contract.ts";
import { isExchangeError } from "../../../../worker/exchanges/errors.ts";
import { createGateway } from "../../../../worker/exchanges/gateway.ts";
import {
  memoryPaperStore,
  newPaperAccount,
  type PaperStore,
} from "../../../../worker/exchanges/paper/paper-account.ts";
import { createPaperGateway, type PaperSettings } from "../../../../worker/exchanges/paper/paper-gateway.ts";
import type { PriceReuse } from "../../../../worker/exchanges/shared-market-data.ts";
import { setSimPrice, simControl, simUrl } from "../../../support/simulator.ts";

/**
 * The paper broker over the simulator's public market data. Each test file uses its own symbols: held prices are
 * shared by every test file running against the one simulator.
 */

export const VENUES = ["binance", "bybit"] as const satisfies readonly Venue[];

/** Default slippage (5 bps) as the factor a taker's book price is multiplied by. */
export const SLIPPED = { buy: Big("1.0005"), sell: Big("0.9995") } as const;

/** The simulator's public market data, as an unsigned gateway reads it (`priceReuse` as a review's gateway has it). */
export function marketGateway(venue: Venue, priceReuse?: PriceReuse): ExchangeGateway {
  return createGateway({
    venue,
    environment: "custom",
    customBaseUrls: { spot: simUrl(), linear: simUrl() },
    allowLocalUrls: true,
    credentials: null,
    priceReuse,
  });
}

export type PaperSetup = { gateway: ExchangeGateway; store: PaperStore };

export function paperSetup(
  venue: Venue,
  funds: { spot?: Record<string, string>; futuresWallet?: string } = {},
  settings?: Partial<PaperSettings>,
): PaperSetup {
  const store = memoryPaperStore(
    newPaperAccount({ venue, spot: funds.spot ?? { USDT: "10000" }, futuresWallet: funds.futuresWallet ?? "10000" }),
  );
  return { store, gateway: createPaperGateway({ venue, market: marketGateway(venue), store, settings }) };
}

export type Book = { bid: Big; ask: Big; price: Big };

/** Holds a price in the simulator and returns the book it now shows. */
export async function holdPrice(venue: Venue, market: MarketType, symbol: string, price: string): Promise<Book> {
  await setSimPrice(venue, market, symbol, price);
  const answer = await simControl<{ price: string; book: { bidPrice: string; askPrice: string } }>(
    "GET",
    `/prices?venue=${venue}&market=${market}&symbol=${symbol}`,
  );
  return { bid: Big(answer.book.bidPrice), ask: Big(answer.book.askPrice), price: Big(answer.price) };
}

let sequence = 0;
/** A client order id unique within the run. */
export function clientId(prefix: string): string {
  sequence++;
  return `${prefix}-${Date.now().toString(36)}-${sequence}`.slice(0, 36);
}

/** The ExchangeError a call throws (fails the test when it does not throw one). */
export async function caught(call: () => Promise<unknown>): Promise<{ kind: string; filter: string | null }> {
  try {
    await call();
  } catch (error) {
    if (isExchangeError(error)) return error;
    throw error;
  }
  throw new Error("expected an ExchangeError");
}

/** A decimal string compared by value ("2.50" equals "2.5"). */
export function dec(value: Big.BigSource): string {
  return Big(value).toFixed();
}

/** The simulator's own public answer for one funding time: its rate and mark, read raw from the venue's wire. */
export async function simFunding(
  venue: Venue,
  symbol: string,
  fundingTime: number,
): Promise<{ rate: string; mark: string }> {
  if (venue === "binance") {
    const rows = (await (
      await fetch(`${simUrl()}/fapi/v1/fundingRate?symbol=${symbol}&startTime=${fundingTime}&limit=1`)
    ).json()) as { fundingTime: number; fundingRate: string; markPrice: string }[];
    expect(rows[0]?.fundingTime).toBe(fundingTime);
    return { rate: rows[0]?.fundingRate ?? "", mark: rows[0]?.markPrice ?? "" };
  }
  const history = (await (
    await fetch(
      `${simUrl()}/v5/market/funding/history?category=linear&symbol=${symbol}&startTime=${fundingTime}&endTime=${fundingTime}`,
    )
  ).json()) as { result: { list: { fundingRate: string; fundingRateTimestamp: string }[] } };
  const candles = (await (
    await fetch(
      `${simUrl()}/v5/market/mark-price-kline?category=linear&symbol=${symbol}&interval=60&start=${fundingTime}&end=${fundingTime}`,
    )
  ).json()) as { result: { list: string[][] } };
  expect(history.result.list[0]?.fundingRateTimestamp).toBe(String(fundingTime));
  expect(candles.result.list[0]?.[0]).toBe(String(fundingTime));
  return { rate: history.result.list[0]?.fundingRate ?? "", mark: candles.result.list[0]?.[1] ?? "" };
}
