import Big from "big.js";
import type { FundingPayment, FundingRateRecord, FuturesStats } from "../contract.ts";
import type { BybitRest } from "./rest.ts";
import { FundingHistory, MarkPriceKlines, Tickers, TransactionLog } from "./wire.ts";

/**
 * Linear funding: `/v5/market/tickers?category=linear` carries the funding rate, the next funding time and open
 * interest (base asset and USD value); the unified account's funding fees are `/v5/account/transaction-log` rows of
 * type SETTLEMENT (`funding` > 0 received). With only `startTime` the log answers [startTime, startTime + 7 days].
 * Settled rates come from `/v5/market/funding/history` (public, at most 200 rows, newest first; `startTime` needs an
 * `endTime`), which carries no price: the mark at each funding time is the open of that hour's mark-price candle.
 */

const PAGE = 50;
const MAX_PAGES = 10;
const HISTORY_LIMIT = 200;
const HOUR_MS = 3_600_000;

export async function futuresStats(rest: BybitRest, symbols: string[]): Promise<FuturesStats[]> {
  if (symbols.length === 0) return [];
  const { result, time } = await rest.publicGet(
    { market: "linear", path: "/v5/market/tickers", operation: "market/tickers", schema: Tickers, idempotent: true },
    { category: "linear", symbol: symbols.length === 1 ? symbols[0] : undefined },
  );
  const bySymbol = new Map(result.list.map((t) => [t.symbol, t]));
  return symbols.flatMap((symbol) => {
    const t = bySymbol.get(symbol);
    if (!t?.fundingRate || !t.nextFundingTime || !t.openInterest) return [];
    const value =
      t.openInterestValue ||
      Big(t.openInterest)
        .times(t.markPrice || t.lastPrice)
        .toFixed();
    return [
      {
        symbol,
        fundingRate: Big(t.fundingRate).toFixed(),
        nextFundingTime: Number(t.nextFundingTime),
        openInterest: Big(t.openInterest).toFixed(),
        openInterestValue: Big(value).round(2).toFixed(),
        time: time ?? Date.now(),
      },
    ];
  });
}

export async function fundingPayments(rest: BybitRest, since: number): Promise<FundingPayment[]> {
  const payments: FundingPayment[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { result } = await rest.signedGet(
      {
        market: "linear",
        path: "/v5/account/transaction-log",
        operation: "account/transaction-log",
        schema: TransactionLog,
        idempotent: true,
      },
      { accountType: "UNIFIED", category: "linear", type: "SETTLEMENT", startTime: since, limit: PAGE, cursor },
    );
    for (const row of result.list) {
      if (row.type !== "SETTLEMENT" || !row.funding || Big(row.funding).eq(0)) continue;
      payments.push({
        id: row.id,
        symbol: row.symbol,
        asset: row.currency,
        amount: Big(row.funding).toFixed(),
        time: Number(row.transactionTime),
      });
    }
    cursor = result.nextPageCursor || undefined;
    if (!cursor || result.list.length === 0) break;
  }
  return payments.sort((a, b) => a.time - b.time);
}

export async function fundingHistory(rest: BybitRest, symbol: string, since: number): Promise<FundingRateRecord[]> {
  const { result } = await rest.publicGet(
    {
      market: "linear",
      path: "/v5/market/funding/history",
      operation: "market/funding/history",
      schema: FundingHistory,
      idempotent: true,
    },
    { category: "linear", symbol, startTime: since + 1, endTime: Date.now(), limit: HISTORY_LIMIT },
  );
  const rows = result.list
    .filter((r) => r.symbol === symbol && Number(r.fundingRateTimestamp) > since)
    .map((r) => ({ fundingTime: Number(r.fundingRateTimestamp), fundingRate: Big(r.fundingRate).toFixed() }))
    .sort((a, b) => a.fundingTime - b.fundingTime);
  if (rows.length === 0) return [];
  const marks = await hourlyMarks(rest, symbol, rows[0]?.fundingTime ?? since, rows.at(-1)?.fundingTime ?? since);
  return rows.map((r) => ({
    symbol,
    ...r,
    markPrice: marks.get(Math.floor(r.fundingTime / HOUR_MS) * HOUR_MS) ?? null,
  }));
}

/** Opens of the hourly mark-price candles from `start` to `end`, by candle start (fundings fall on whole hours). */
async function hourlyMarks(rest: BybitRest, symbol: string, start: number, end: number): Promise<Map<number, string>> {
  const { result } = await rest.publicGet(
    {
      market: "linear",
      path: "/v5/market/mark-price-kline",
      operation: "market/mark-price-kline",
      schema: MarkPriceKlines,
      idempotent: true,
    },
    { category: "linear", symbol, interval: "60", start, end, limit: HISTORY_LIMIT },
  );
  return new Map(result.list.map(([openTime, open]) => [Number(openTime), Big(open ?? "0").toFixed()]));
}
