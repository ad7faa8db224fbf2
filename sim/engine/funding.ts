import { type EngineContext, findInstrument } from "./context.ts";
import { Dec, decimalsOf, formatDecimal, ZERO } from "./decimal.ts";
import { addToWallet } from "./positions.ts";
import type { Account, SimFundingPayment } from "./types.ts";

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

export function chargeFunding(ctx: EngineContext, account: Account): SimFundingPayment[] {
  const charged: SimFundingPayment[] = [];
  const at = ctx.now();
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
      time: at,
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
