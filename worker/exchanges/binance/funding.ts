import Big from "big.js";
import type { FundingPayment, FuturesStats } from "../contract.ts";
import type { BinanceRest } from "./rest.ts";
import { FundingIndexes, IncomeRows, OpenInterest } from "./wire.ts";

/**
 * USDⓈ-M funding: rate and next funding time from `/fapi/v1/premiumIndex`, open interest from `/fapi/v1/openInterest`
 * (one symbol per call, weight 1), and the account's funding fees from `/fapi/v1/income?incomeType=FUNDING_FEE`
 * (weight 30; positive income is received).
 */

const INCOME_LIMIT = 1000;

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
