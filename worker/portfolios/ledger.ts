import Big from "big.js";
import * as z from "zod";
import { DecimalString } from "../exchanges/contract.ts";

/**
 * What a portfolio owns. At start it claims its tokens and the part of the cash (or futures margin) no other running
 * portfolio of the key has claimed; afterwards only its own fills move it. Equity and PnL come from the ledger at
 * current prices, so deposits, withdrawals and manual trades on the same account are not counted as its profit.
 *
 * Futures use mark-to-market cash: a fill moves `cash` by −signed quantity × price − fee and the position by the
 * signed quantity, so equity = cash + Σ signed quantity × mark = starting margin + realized + unrealized PnL − fees
 * + funding received − funding paid (each funding payment moves `cash` and the `funding` total once).
 */

export const SpotLedger = z.object({
  kind: z.literal("spot"),
  /** Quantity per asset: the cash token and every token. */
  assets: z.record(z.string(), DecimalString),
});
export type SpotLedger = z.infer<typeof SpotLedger>;

export const FuturesLedger = z.object({
  kind: z.literal("futures"),
  asset: z.string(),
  cash: DecimalString,
  /** Signed base quantity per `${symbol}:${positionSide}`. */
  positions: z.record(z.string(), DecimalString),
  /** Funding fees booked since start (negative = paid), already in `cash`; absent until the first one. */
  funding: DecimalString.optional(),
});
export type FuturesLedger = z.infer<typeof FuturesLedger>;

export const PortfolioLedger = z.discriminatedUnion("kind", [SpotLedger, FuturesLedger]);
export type PortfolioLedger = z.infer<typeof PortfolioLedger>;

export type LedgerFill = {
  symbol: string;
  /** The portfolio's token for spot fills (the pair is token + cash). */
  base: string;
  quote: string;
  side: "buy" | "sell";
  positionSide: "both" | "long" | "short";
  price: string;
  quantity: string;
  fee: string;
  feeAsset: string;
};

/**
 * Ledgers read lately, by their JSON: a review reads the same ledger in several steps, and validating it each time
 * cost more than the rest of reading it. Frozen, so a caller that changed one instead of making a new one (as
 * `applyFill` does) would fail at once rather than alter what other readers get.
 */
const recentLedgers = new Map<string, PortfolioLedger>();
const RECENT_LEDGERS = 32;

export function readLedger(json: string | null): PortfolioLedger | null {
  if (json === null) return null;
  const known = recentLedgers.get(json);
  if (known) return known;
  const ledger = PortfolioLedger.parse(JSON.parse(json));
  Object.freeze(ledger.kind === "spot" ? ledger.assets : ledger.positions);
  Object.freeze(ledger);
  if (recentLedgers.size >= RECENT_LEDGERS) recentLedgers.delete(recentLedgers.keys().next().value as string);
  recentLedgers.set(json, ledger);
  return ledger;
}

export function positionKey(symbol: string, positionSide: string): string {
  return `${symbol}:${positionSide}`;
}

/** The ledger after one fill. Fees in an asset the portfolio does not track (e.g. BNB) do not move it. */
export function applyFill(ledger: PortfolioLedger, fill: LedgerFill): PortfolioLedger {
  const quantity = Big(fill.quantity);
  const signed = fill.side === "buy" ? quantity : quantity.neg();
  const quoteAmount = quantity.times(fill.price);
  if (ledger.kind === "spot") {
    const assets = { ...ledger.assets };
    const add = (asset: string, amount: Big) => {
      assets[asset] = Big(assets[asset] ?? "0")
        .plus(amount)
        .toFixed();
    };
    add(fill.base, signed);
    add(fill.quote, fill.side === "buy" ? quoteAmount.neg() : quoteAmount);
    if (Big(fill.fee).gt(0) && fill.feeAsset in assets) add(fill.feeAsset, Big(fill.fee).neg());
    return { ...ledger, assets };
  }
  const key = positionKey(fill.symbol, fill.positionSide);
  const positions = { ...ledger.positions };
  const size = Big(positions[key] ?? "0").plus(signed);
  if (size.eq(0)) delete positions[key];
  else positions[key] = size.toFixed();
  let cash = Big(ledger.cash).minus(signed.times(fill.price));
  if (fill.feeAsset === ledger.asset) cash = cash.minus(fill.fee);
  return { ...ledger, cash: cash.toFixed(), positions };
}

/** The ledger after one funding payment (signed: negative = paid). */
export function applyFunding(ledger: FuturesLedger, amount: string): FuturesLedger {
  return {
    ...ledger,
    cash: Big(ledger.cash).plus(amount).toFixed(),
    funding: Big(ledger.funding ?? "0")
      .plus(amount)
      .toFixed(),
  };
}

/** Spot: price of each asset in the cash token (the cash at 1). Futures: mark price per symbol. */
export type Prices = Record<string, string>;

/** Value in the cash token. A spot asset without a price is counted at 0 and named in `unpriced`. */
export function valueLedger(ledger: PortfolioLedger, prices: Prices): { equity: Big; unpriced: string[] } {
  const unpriced: string[] = [];
  if (ledger.kind === "spot") {
    let equity = Big(0);
    for (const [asset, quantity] of Object.entries(ledger.assets)) {
      const price = prices[asset];
      if (price === undefined) {
        if (!Big(quantity).eq(0)) unpriced.push(asset);
        continue;
      }
      equity = equity.plus(Big(quantity).times(price));
    }
    return { equity, unpriced };
  }
  let equity = Big(ledger.cash);
  for (const [key, quantity] of Object.entries(ledger.positions)) {
    const symbol = key.split(":")[0] ?? key;
    const mark = prices[symbol];
    if (mark === undefined) {
      unpriced.push(symbol);
      continue;
    }
    equity = equity.plus(Big(quantity).times(mark));
  }
  return { equity, unpriced };
}

/** Signed quantity the ledger holds per symbol and position side. */
export function ledgerPositionSize(ledger: FuturesLedger, symbol: string, positionSide: string): Big {
  return Big(ledger.positions[positionKey(symbol, positionSide)] ?? "0");
}
