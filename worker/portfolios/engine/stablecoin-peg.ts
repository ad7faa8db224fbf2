import Big from "big.js";
import type { CashPeg } from "../../../shared/api/decision-input.ts";
import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import type { RunNote } from "../../../shared/api/portfolio-runs.ts";
import type { ExchangeGateway, Ticker, Venue } from "../../exchanges/contract.ts";
import { runNote } from "../engine-text-columns.ts";

/**
 * What the portfolio's stablecoins are really worth, read from the venue's own books, and the depeg guard.
 *
 * USDT is the reference dollar: both venues quote everything in it and list no USD book, so a USDT depeg cannot be
 * measured here (it would show as every other stablecoin rising against it). A USDC cash token is priced from the
 * venue's USDCUSDT book (mid of the top); a stablecoin the portfolio holds as a token is priced by its own pair
 * against the cash. When a book cannot be read the coin counts at 1 and a run note says so.
 */

export const STABLECOINS: ReadonlySet<string> = new Set(["USDT", "USDC", "FDUSD", "DAI", "TUSD", "USDE", "USD1"]);
const REFERENCE = "USDT";
/** A stablecoin more than this far from 1 pauses the portfolio before anything is planned. */
export const DEPEG_THRESHOLD_PCT = "2";

export type { CashPeg };

export function referencePeg(asset: string): CashPeg {
  return { asset, priceUsd: "1", pair: null, source: "reference" };
}

export async function readCashPeg(
  gateway: Pick<ExchangeGateway, "orderBookTop">,
  cashToken: string,
  notes: RunNote[],
): Promise<CashPeg> {
  if (cashToken === REFERENCE) return referencePeg(cashToken);
  const pair = `${cashToken}${REFERENCE}`;
  try {
    const top = await gateway.orderBookTop("spot", pair);
    const mid = Big(top.bidPrice).plus(top.askPrice).div(2);
    if (mid.lte(0)) throw new Error(`${pair} has an empty book`);
    return { asset: cashToken, priceUsd: mid.toFixed(), pair, source: "book" };
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const detail = error.message.slice(0, 120);
    notes.push(
      runNote(
        "info",
        pair,
        engineText(
          "note_peg_unread",
          { asset: cashToken, pair, detail },
          `${cashToken}'s price could not be read from the ${pair} book (${detail}); it is counted at 1 USD this review.`,
        ),
      ),
    );
    return { asset: cashToken, priceUsd: "1", pair, source: "assumed" };
  }
}

export type PegReading = { asset: string; pair: string; price: string; quote: string };

/**
 * The stablecoins whose price the review knows: the cash token from its book, and every stablecoin the portfolio
 * holds as a token from its pair against the cash (mid of bid and ask when the venue gives both).
 */
export function pegReadings(peg: CashPeg, tokens: string[], tickers: Map<string, Ticker>): PegReading[] {
  const readings: PegReading[] = [];
  if (peg.source === "book" && peg.pair) {
    readings.push({ asset: peg.asset, pair: peg.pair, price: peg.priceUsd, quote: REFERENCE });
  }
  for (const token of tokens) {
    if (!STABLECOINS.has(token)) continue;
    const pair = `${token}${peg.asset}`;
    const ticker = tickers.get(pair);
    if (!ticker) continue;
    const price = ticker.bid && ticker.ask ? Big(ticker.bid).plus(ticker.ask).div(2).toFixed() : ticker.last;
    readings.push({ asset: token, pair, price, quote: peg.asset });
  }
  return readings;
}

/** The pause message for the first stablecoin past the threshold, or null. */
export function depegReason(
  venue: Venue,
  readings: PegReading[],
  thresholdPct: string = DEPEG_THRESHOLD_PCT,
): EngineText | null {
  for (const reading of readings) {
    const offPct = Big(reading.price).minus(1).abs().times(100);
    if (offPct.lte(thresholdPct)) continue;
    const venueName = venue === "binance" ? "Binance" : "Bybit";
    const params = {
      asset: reading.asset,
      price: Big(reading.price).toFixed(4),
      quote: reading.quote,
      venue: venueName,
      pair: reading.pair,
      offPct: offPct.toFixed(2),
      thresholdPct,
    };
    return engineText(
      "stablecoin_depeg",
      params,
      `${reading.asset} trades at ${params.price} ${reading.quote} on ${venueName}'s ${reading.pair} book, ${params.offPct} % off its 1:1 peg (the depeg threshold is ${thresholdPct} %). Paused before planning any order; start the portfolio again once the peg holds.`,
    );
  }
  return null;
}
