import Big from "big.js";
import { engineText } from "../../../shared/api/engine-messages.ts";
import type { RunNote } from "../../../shared/api/portfolio-runs.ts";
import type {
  Balance,
  ConditionalOrder,
  ExchangeGateway,
  FundingPayment,
  FuturesStats,
  FuturesWallet,
  Market,
  MarketType,
  Position,
  PositionMode,
  Ticker,
} from "../../exchanges/contract.ts";
import { runNote } from "../engine-text-columns.ts";
import { type FuturesLedger, type PortfolioLedger, type Prices, type SpotLedger, valueLedger } from "../ledger.ts";
import { type PortfolioRow, storedTokens } from "../store.ts";
import { gatewayMarket, portfolioSymbols } from "../validation.ts";
import { type BookedFunding, bookFunding, fundingSince } from "./funding.ts";
import { type CashPeg, readCashPeg, referencePeg } from "./stablecoin-peg.ts";

/**
 * Step "snapshot": what the account and the market look like right now, read through the broker, and what the
 * portfolio is worth by its ledger. Reads only; the ledger corrections it finds (assets that left the account outside
 * Ballast) are returned for the caller to save.
 */

export type SpotSnapshot = {
  kind: "spot";
  at: number;
  balances: Map<string, Balance>;
  tickers: Map<string, Ticker>;
  markets: Map<string, Market>;
  /** Asset → price in the cash token (the cash at 1). */
  prices: Prices;
  /** The cash token's USD price from the venue's book (the ledger stays in the cash token). */
  cashPeg: CashPeg;
  ledger: SpotLedger;
  equity: string;
  /** Lowering of the starting equity for assets that left the account outside Ballast. */
  outflow: string;
  notes: RunNote[];
};

export type FuturesSnapshot = {
  kind: "futures";
  at: number;
  wallet: FuturesWallet;
  positionMode: PositionMode;
  positions: Position[];
  stops: ConditionalOrder[];
  tickers: Map<string, Ticker>;
  markets: Map<string, Market>;
  /** Symbol → mark price. */
  prices: Prices;
  cashPeg: CashPeg;
  /** Funding rate, next funding time and open interest per contract (empty when the venue did not answer). */
  stats: FuturesStats[];
  /** Funding payments booked into `ledger` by this snapshot, to be saved with it. */
  funding: BookedFunding[];
  ledger: FuturesLedger;
  equity: string;
  outflow: string;
  notes: RunNote[];
};

export type Snapshot = SpotSnapshot | FuturesSnapshot;

export async function marketsOf(
  gateway: ExchangeGateway,
  market: MarketType,
  symbols: string[],
): Promise<Map<string, Market>> {
  const list = await Promise.all(symbols.map((symbol) => gateway.market(market, symbol)));
  return new Map(list.map((m) => [m.symbol, m]));
}

export async function tickersOf(
  gateway: ExchangeGateway,
  market: MarketType,
  symbols: string[],
): Promise<Map<string, Ticker>> {
  if (symbols.length === 0) return new Map();
  return new Map((await gateway.tickers(market, symbols)).map((t) => [t.symbol, t]));
}

/** Prices the ledger is valued at: spot last prices in the cash token, futures mark prices. */
export function ledgerPrices(row: PortfolioRow, tickers: Map<string, Ticker>): Prices {
  if (row.market === "futures") {
    return Object.fromEntries([...tickers.values()].map((t) => [t.symbol, t.mark ?? t.last]));
  }
  const prices: Prices = { [row.cashToken]: "1" };
  for (const { token } of storedTokens(row)) {
    const ticker = tickers.get(`${token}${row.cashToken}`);
    if (ticker) prices[token] = ticker.last;
  }
  return prices;
}

export async function takeSnapshot(
  gateway: ExchangeGateway,
  row: PortfolioRow,
  ledger: PortfolioLedger,
  now: number,
  /** Futures: venue ids of the funding payments already booked since `fundingSince`. */
  bookedFunding: ReadonlySet<string> = new Set(),
  /** Spot: the account's balances when the caller has just read them. */
  readBalances?: Balance[],
): Promise<Snapshot> {
  const symbols = portfolioSymbols(row);
  const market = gatewayMarket(row.market);
  if (ledger.kind === "spot") {
    const pegNotes: RunNote[] = [];
    const [balances, tickers, markets, cashPeg] = await Promise.all([
      readBalances ?? gateway.balances(),
      tickersOf(gateway, market, symbols),
      marketsOf(gateway, market, symbols),
      readCashPeg(gateway, row.cashToken, pegNotes),
    ]);
    const byAsset = new Map(balances.map((b) => [b.asset, b]));
    const prices = ledgerPrices(row, tickers);
    const corrected = capToAccount(ledger, byAsset, prices, row.cashToken);
    return {
      kind: "spot",
      at: now,
      balances: byAsset,
      tickers,
      markets,
      prices,
      cashPeg,
      ledger: corrected.ledger,
      equity: valueLedger(corrected.ledger, prices).equity.toFixed(),
      outflow: corrected.outflow.toFixed(),
      notes: [...pegNotes, ...corrected.notes],
    };
  }
  if (row.market !== "futures") throw new Error("a futures ledger on a spot portfolio");
  const since = fundingSince(row.startedAt, now);
  const readNotes: RunNote[] = [];
  const [wallet, positions, stops, positionMode, tickers, markets, stats, payments] = await Promise.all([
    gateway.futuresWallet(),
    gateway.positions(),
    gateway.conditionalOrders(),
    gateway.positionMode(),
    tickersOf(gateway, market, symbols),
    marketsOf(gateway, market, symbols),
    optionalRead(gateway.futuresStats(symbols), [] as FuturesStats[], "futures_stats", readNotes),
    // Funding is charged only on open positions: a ledger flat since the last review has none to book, and the log
    // costs weight (Binance income: 30).
    Object.keys(ledger.positions).length === 0
      ? ([] as FundingPayment[])
      : optionalRead(gateway.fundingPayments(since), [] as FundingPayment[], "funding_log", readNotes),
  ]);
  const own = new Set(symbols);
  const prices = ledgerPrices(row, tickers);
  const ownPositions = positions.filter((p) => own.has(p.symbol) && !Big(p.size).eq(0));
  const funded = bookFunding(ledger, payments, { booked: bookedFunding, symbols: own, since, positions: ownPositions });
  const settled = settleToPositions(funded.ledger, ownPositions, prices);
  return {
    kind: "futures",
    at: now,
    wallet,
    positionMode,
    positions: ownPositions,
    stops: stops.filter((s) => own.has(s.symbol)),
    tickers,
    markets,
    prices,
    // USDT margin is the reference dollar (stablecoin-peg.ts).
    cashPeg: referencePeg(wallet.asset),
    stats,
    funding: funded.booked,
    ledger: settled.ledger,
    equity: valueLedger(settled.ledger, prices).equity.toFixed(),
    outflow: "0",
    notes: [...readNotes, ...funded.notes, ...settled.notes],
  };
}

/** A read the review can do without: its failure becomes a note and the fallback, never a failed review. */
const READ_NAMES = { futures_stats: "Funding and open interest", funding_log: "The funding log" } as const;

async function optionalRead<T>(
  read: Promise<T>,
  fallback: T,
  readKind: keyof typeof READ_NAMES,
  notes: RunNote[],
): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const detail = error.message.slice(0, 160);
    notes.push(
      runNote(
        "info",
        null,
        engineText("note_read_failed", { readKind, detail }, `${READ_NAMES[readKind]} could not be read: ${detail}`),
      ),
    );
    return fallback;
  }
}

/**
 * An asset the ledger holds more of than the account (withdrawn, sold by hand, spent by another tool) is capped at
 * what is there. The difference is an outflow, not a loss: the caller lowers the starting equity by its value.
 */
function capToAccount(
  ledger: SpotLedger,
  balances: Map<string, Balance>,
  prices: Prices,
  cashToken: string,
): { ledger: SpotLedger; outflow: Big; notes: RunNote[] } {
  const assets = { ...ledger.assets };
  const notes: RunNote[] = [];
  let outflow = Big(0);
  for (const [asset, quantity] of Object.entries(ledger.assets)) {
    const onAccount = Big(balances.get(asset)?.total ?? "0");
    if (Big(quantity).lte(onAccount)) continue;
    const gone = Big(quantity).minus(onAccount);
    const value = gone.times(prices[asset] ?? "0");
    outflow = outflow.plus(value);
    assets[asset] = onAccount.toFixed();
    const params = {
      asset,
      accountQty: onAccount.toFixed(),
      portfolioQty: quantity,
      goneQty: gone.toFixed(),
      goneAmount: value.round(2).toFixed(),
      cash: cashToken,
    };
    notes.push(
      runNote(
        "info",
        null,
        engineText(
          "note_spot_outflow",
          params,
          `The account holds ${params.accountQty} ${asset}, less than the portfolio's ${quantity}: ${params.goneQty} ${asset} (${params.goneAmount} ${cashToken}) left outside Ballast and is taken off the starting equity, not counted as a loss.`,
        ),
      ),
    );
  }
  return { ledger: { ...ledger, assets }, outflow, notes };
}

/**
 * The positions on the portfolio's contracts are the truth (fills on them are recorded, including venue-triggered
 * SL/TP). A ledger position the venue no longer has (closed by hand, liquidated) is settled at the mark price.
 */
function settleToPositions(
  ledger: FuturesLedger,
  positions: Position[],
  prices: Prices,
): { ledger: FuturesLedger; notes: RunNote[] } {
  const actual = new Map(
    positions.map((p) => [`${p.symbol}:${p.positionSide}`, p.side === "long" ? Big(p.size) : Big(p.size).neg()]),
  );
  let cash = Big(ledger.cash);
  const next: Record<string, string> = {};
  const notes: RunNote[] = [];
  for (const [key, quantity] of Object.entries(ledger.positions)) {
    const symbol = key.split(":")[0] ?? key;
    const held = Big(quantity);
    const onVenue = actual.get(key) ?? Big(0);
    // Same direction and at most what the venue holds: the ledger's part of it stays.
    const kept = held.gt(0) ? minBig(held, maxBig(onVenue, Big(0))) : maxBig(held, minBig(onVenue, Big(0)));
    if (!kept.eq(0)) next[key] = kept.toFixed();
    const gone = held.minus(kept);
    if (gone.eq(0)) continue;
    const mark = prices[symbol];
    if (mark === undefined) {
      next[key] = quantity;
      continue;
    }
    cash = cash.plus(gone.times(mark));
    notes.push(
      runNote(
        "info",
        symbol,
        engineText(
          "note_futures_outflow",
          { symbol, goneQty: gone.abs().toFixed(), markPrice: mark },
          `The venue's ${symbol} position is smaller than the portfolio's (${gone.abs().toFixed()} closed outside Ballast); settled at the mark price ${mark}.`,
        ),
      ),
    );
  }
  return { ledger: { ...ledger, cash: cash.toFixed(), positions: next }, notes };
}

const minBig = (a: Big, b: Big) => (a.lt(b) ? a : b);
const maxBig = (a: Big, b: Big) => (a.gt(b) ? a : b);
