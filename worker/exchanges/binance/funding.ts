import Big from "big.js";
import type { FundingPayment, FundingRateRecord, FuturesStats } from "../contract.ts";
import type { BinanceRest } from "./rest.ts";
import { FundingIndexes, FundingRates, IncomeRows, OpenInterest } from "./wire.ts";

/**
 * USDⓈ-M funding: rate and next funding time from `/fapi/v1/premiumIndex`, open interest from `/fapi/v1/openInterest`
 * (one symbol per call, weight 1), and the account's funding fees from `/fapi/v1/income?incomeType=FUNDING_FEE`
 * (weight 30; positive income is received). Settled rates with their mark price: `/fapi/v1/fundingRate` (public,
 * shares 500 requests per 5 minutes per IP with fundingInfo; at most 1000 rows from `startTime`, oldest first).
 */

const INCOME_LIMIT = 1000;
const FUNDING_RATE_LIMIT = 1000;

export async function futuresStats(rest: BinanceRest, symbols: string[]): Promise<FuturesStats[]> {
  if (symbols.length === 0) return [];
  const params = symbols.length === 1 ? { symbol: symbols[0] } : ({} as Record<string, never>);
  const [indexes, interests] = await Promise.all([
    rest.send({ method: "GET", path: "/fapi/v1/premiumIndex", params, signed: false, schema: FundingIndexes }),
    Promise.all(
      symbols.map((symbol) =>
        rest.send({
          method: "GET",
          path: "/fapi/v1/openInterest",
          params: { symbol },
          signed: false,
          schema: OpenInterest,
        }),
      ),
    ),
  ]);
  return symbols.flatMap((symbol) => {
    const index = indexes.find((i) => i.symbol === symbol);
    const interest = interests.find((i) => i.symbol === symbol);
    if (!index || !interest) return [];
    return [
      {
        symbol,
        fundingRate: Big(index.lastFundingRate).toFixed(),
        nextFundingTime: index.nextFundingTime,
        openInterest: Big(interest.openInterest).toFixed(),
        openInterestValue: Big(interest.openInterest).times(index.markPrice).round(2).toFixed(),
        time: Math.max(index.time, interest.time),
      },
    ];
  });
}

export async function fundingPayments(rest: BinanceRest, since: number): Promise<FundingPayment[]> {
  const rows = await rest.send({
    method: "GET",
    path: "/fapi/v1/income",
    params: { incomeType: "FUNDING_FEE", startTime: since, limit: INCOME_LIMIT },
    signed: true,
    schema: IncomeRows,
  });
  return rows
    .filter((r) => r.incomeType === "FUNDING_FEE")
    .map((r) => ({
      id: String(r.tranId),
      symbol: r.symbol,
      asset: r.asset,
      amount: Big(r.income).toFixed(),
      time: r.time,
    }))
    .sort((a, b) => a.time - b.time);
}

export async function fundingHistory(rest: BinanceRest, symbol: string, since: number): Promise<FundingRateRecord[]> {
  const rows = await rest.send({
    method: "GET",
    path: "/fapi/v1/fundingRate",
    params: { symbol, startTime: since + 1, limit: FUNDING_RATE_LIMIT },
    signed: false,
    schema: FundingRates,
  });
  return rows
    .filter((r) => r.symbol === symbol && r.fundingTime > since)
    .map((r) => ({
      symbol,
      fundingTime: r.fundingTime,
      fundingRate: Big(r.fundingRate).toFixed(),
      markPrice: r.markPrice ? Big(r.markPrice).toFixed() : null,
    }))
    .sort((a, b) => a.fundingTime - b.fundingTime);
}
