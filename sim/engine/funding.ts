import { type EngineContext, findInstrument } from "./context.ts";
import { Dec, decimalsOf, formatDecimal, ZERO } from "./decimal.ts";
import { addToWallet } from "./positions.ts";
import type { Account, FundingHistoryQuery, SimFundingPayment, SimFundingRecord } from "./types.ts";

/**
 * Funding on USDT perpetuals: at each 8-hour boundary every open leg pays or receives size × mark × rate (a long pays
 * a positive rate, a short receives it), settled into the futures wallet (Bybit: the unified account's USDT). Open
 * interest is a seeded market-wide amount (about 50 million USDT of contracts) plus the accounts' own longs.
 */

export const FUNDING_INTERVAL_MS = 8 * 3_600_000;
const MARKET_OPEN_INTEREST_USDT = 50_000_000;

export function fundingPeriod(at: number): number {
  return Math.floor(at / FUNDING_INTERVAL_MS);
}

/**
 * At most `limit` funding times in [from, to] (capped at now), oldest first, keeping the oldest or the newest of the
 * range, with the rate and mark each charged open legs at: the same schedule and paths `chargeFunding` uses when the
 * clock crosses a funding time, so the public history and the accounts' payments agree.
 */
export function fundingHistory(ctx: EngineContext, symbol: string, query: FundingHistoryQuery): SimFundingRecord[] {
  const instrument = findInstrument(ctx, "linear", symbol);
  let first = Math.ceil(Math.max(query.from, 0) / FUNDING_INTERVAL_MS);
  let last = Math.floor(Math.min(query.to, ctx.now()) / FUNDING_INTERVAL_MS);
  if (query.keep === "newest") first = Math.max(first, last - query.limit + 1);
  else last = Math.min(last, first + query.limit - 1);
  const records: SimFundingRecord[] = [];
  for (let period = first; period <= last; period++) {
    const fundingTime = period * FUNDING_INTERVAL_MS;
    records.push({
      symbol,
      fundingTime,
      fundingRate: ctx.paths.fundingRate(instrument, fundingTime),
      markPrice: ctx.paths.price(instrument, fundingTime),
    });
  }
  return records;
}

/** Settles every open leg at `at` (default now): the funding time itself when the clock crossed one. */
export function chargeFunding(ctx: EngineContext, account: Account, at = ctx.now()): SimFundingPayment[] {
  const charged: SimFundingPayment[] = [];
  for (const position of account.positions.values()) {
    const size = new Dec(position.size);
    if (size.eq(0)) continue;
    const signed = position.positionSide === "short" ? size.abs().neg() : size;
    const instrument = findInstrument(ctx, "linear", position.symbol);
    const mark = new Dec(ctx.paths.price(instrument, at));
    const rate = ctx.paths.fundingRate(instrument, at);
    const amount = signed.times(mark).times(rate).neg().round(8);
    if (amount.eq(0)) continue;
    addToWallet(ctx, account, amount);
    const payment: SimFundingPayment = {
      id: ctx.nextId(),
      symbol: position.symbol,
      positionSide: position.positionSide,
      size: formatDecimal(signed),
      markPrice: formatDecimal(mark),
      rate,
      amount: formatDecimal(amount),
      time: ctx.now(),
    };
    account.funding.push(payment);
    charged.push(payment);
  }
  return charged;
}

export function openInterest(ctx: EngineContext, accounts: Iterable<Account>, symbol: string): string {
  const instrument = findInstrument(ctx, "linear", symbol);
  let longs = ZERO;
  for (const account of accounts) {
    for (const position of account.positions.values()) {
      if (position.symbol !== symbol) continue;
      const size = new Dec(position.size);
      if (position.positionSide === "long" || (position.positionSide === "both" && size.gt(0)))
        longs = longs.plus(size);
    }
  }
  const market = new Dec(MARKET_OPEN_INTEREST_USDT).div(instrument.anchorPrice);
  return formatDecimal(market.plus(longs).round(decimalsOf(instrument.stepSize), Dec.roundDown));
}
