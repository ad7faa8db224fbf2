import Big from "big.js";
import type { ReviewInterval } from "../../../shared/api/portfolios.ts";
import type {
  DecisionInput,
  FuturesDecisionInput,
  MarketSignal,
  PreviousRun,
  SpotDecisionInput,
  SpotPosition,
} from "../../ai/decision-input.ts";
import { createMarketContextCache } from "../../ai/market-context.ts";
import type { ExchangeGateway } from "../../exchanges/contract.ts";
import { ledgerPositionSize } from "../ledger.ts";
import type { HistoryOrder, HistoryRun } from "../run-store.ts";
import { intervalMinutes } from "../schedule.ts";
import { type PortfolioRow, storedTokens } from "../store.ts";
import { gatewayMarket } from "../validation.ts";
import type { FuturesSnapshot, Snapshot, SpotSnapshot } from "./snapshot.ts";

/**
 * Step "snapshot", second half: the decision input a provider sees, from the snapshot, the portfolio's settings and
 * its recent runs. USD values count the cash token at its price on the venue's book (USDT is the reference dollar). The portfolio's risk limits become hard
 * numbers here (per-order cap, exposure cap, leverage) that the guards enforce whatever the model says.
 */

/** Allocations within ± this many points of target are left alone by the built-in strategy. */
const TOLERANCE_BAND_PCT = 2;
/** Stop-loss distance bounds from the mark price for every futures open, in percent. */
const STOP_LOSS_MIN_PCT = 0.3;
const STOP_LOSS_MAX_PCT = 15;
const RISK_PER_TRADE_PCT = 1;
const DEFAULT_LEVERAGE = 3;
/** How many earlier runs the decision input shows. */
export const PREVIOUS_RUNS = 5;

export type InputContext = {
  row: PortfolioRow;
  snapshot: Snapshot;
  /** Public market data (klines, book) for the market context. */
  marketData: Pick<ExchangeGateway, "klines" | "orderBookTop">;
  history: { run: HistoryRun; orders: HistoryOrder[] }[];
  /** News and sentiment read from D1 with the snapshot's reads (worker/market/signals.ts). */
  signals: MarketSignal[];
};

export async function buildDecisionInput(context: InputContext): Promise<DecisionInput> {
  return context.snapshot.kind === "spot"
    ? spotInput(context, context.snapshot)
    : futuresInput(context, context.snapshot);
}

/** The portfolio as every decision input names it (a backtest builds its inputs with it too). */
export function inputHeader(row: PortfolioRow) {
  return {
    id: row.id,
    name: row.name,
    venue: row.venue,
    reviewIntervalMinutes: intervalMinutes(row.reviewInterval as ReviewInterval),
    cashAsset: row.cashToken,
    instructions: row.instructions,
  };
}

function pctOf(equity: string, pct: string | null): string | null {
  return pct === null ? null : Big(equity).times(pct).div(100).round(2, Big.roundDown).toFixed();
}

function pnlOf(row: PortfolioRow, equity: string): SpotDecisionInput["pnl"] {
  if (row.startingEquity === null || row.startedAt === null) return null;
  const pnl = Big(equity).minus(row.startingEquity);
  const pct = Big(row.startingEquity).gt(0) ? pnl.div(row.startingEquity).times(100) : Big(0);
  return {
    startValueUsd: row.startingEquity,
    startedAt: row.startedAt.toISOString(),
    pnlUsd: pnl.toFixed(2),
    pnlPct: Number(pct.toFixed(4)),
  };
}

async function marketContexts(context: InputContext) {
  const cache = createMarketContextCache(context.marketData);
  const market = gatewayMarket(context.row.market);
  const quote = context.row.market === "futures" ? "USDT" : context.row.cashToken;
  return Promise.all(storedTokens(context.row).map(({ token }) => cache.get(market, token, `${token}${quote}`, quote)));
}

async function spotInput(context: InputContext, snapshot: SpotSnapshot): Promise<SpotDecisionInput> {
  const { row } = context;
  const cash = row.cashToken;
  const peg = snapshot.cashPeg.priceUsd;
  const total = Big(snapshot.equity).times(peg);
  const tokens = storedTokens(row);
  const position = (asset: string, floor: number, target: number | null): SpotPosition => {
    const owned = Big(snapshot.ledger.assets[asset] ?? "0");
    const free = Big(snapshot.balances.get(asset)?.free ?? "0");
    const usable = owned.lt(free) ? owned : free;
    // Prices are in the cash token; USD figures count it at its peg (stablecoin-peg.ts), allocations are unchanged.
    const price = Big(snapshot.prices[asset] ?? "0").times(peg);
    const value = owned.times(price);
    return {
      asset,
      free: usable.toFixed(),
      locked: owned.minus(usable).toFixed(),
      priceUsd: price.toFixed(),
      valueUsd: value.toFixed(2),
      allocationPct: total.gt(0) ? Number(value.div(total).times(100).toFixed(4)) : 0,
      minAllocationPct: floor,
      targetPct: target,
    };
  };
  const routes = tokens.flatMap(({ token }) => {
    const symbol = `${token}${cash}`;
    const ticker = snapshot.tickers.get(symbol);
    const market = snapshot.markets.get(symbol);
    if (!ticker || !market) return [];
    return [{ symbol, base: token, quote: cash, last: ticker.last, bid: ticker.bid, ask: ticker.ask, market }];
  });
  return {
    kind: "spot",
    at: new Date(snapshot.at).toISOString(),
    portfolio: inputHeader(row),
    totalValueUsd: total.toFixed(2),
    cashPeg: snapshot.cashPeg,
    positions: [position(cash, 0, null), ...tokens.map((t) => position(t.token, t.minAllocation, t.targetAllocation))],
    routes,
    pnl: pnlOf(row, snapshot.equity),
    previousRuns: previousRuns(context.history),
    marketContext: await marketContexts(context),
    signals: context.signals,
    limits: spotLimits(row, snapshot.equity),
  };
}

/** The spot limits as hard numbers at this equity (in the cash token); a what-if replay recomputes them too. */
export function spotLimits(row: Pick<PortfolioRow, "maxOrderPct">, equity: string): SpotDecisionInput["limits"] {
  return { maxOrderUsd: pctOf(equity, row.maxOrderPct), toleranceBandPct: TOLERANCE_BAND_PCT };
}

/** The futures limits as hard numbers at this equity (USDT margin balance). */
export function futuresLimits(
  row: Pick<PortfolioRow, "maxLeverage" | "maxExposurePct" | "maxOrderPct">,
  equity: string,
): FuturesDecisionInput["limits"] {
  const maxLeverage = row.maxLeverage ?? 1;
  const exposurePct = row.maxExposurePct ?? String(maxLeverage * 100);
  return {
    maxLeverage,
    defaultLeverage: Math.min(DEFAULT_LEVERAGE, maxLeverage),
    maxExposureUsd: pctOf(equity, exposurePct) ?? "0",
    maxOrderUsd: pctOf(equity, row.maxOrderPct),
    stopLossMinPct: STOP_LOSS_MIN_PCT,
    stopLossMaxPct: STOP_LOSS_MAX_PCT,
    riskPerTradePct: RISK_PER_TRADE_PCT,
  };
}

async function futuresInput(context: InputContext, snapshot: FuturesSnapshot): Promise<FuturesDecisionInput> {
  const { row } = context;
  const equity = Big(snapshot.equity);
  const unrealized = snapshot.positions.reduce((sum, p) => sum.plus(p.unrealizedPnl), Big(0));
  const usedMargin = snapshot.positions.reduce(
    (sum, p) =>
      sum.plus(
        Big(p.size)
          .times(p.markPrice)
          .abs()
          .div(p.leverage || 1),
      ),
    Big(0),
  );
  // Free margin is the portfolio's share (equity minus its positions' margin), never more than the venue allows.
  const share = equity.minus(usedMargin);
  const venueAvailable = Big(snapshot.wallet.availableBalance);
  const availableBalance = (share.lt(venueAvailable) ? share : venueAvailable).round(8, Big.roundDown);
  // The portfolio sees only its share of positions the ledger holds (never another portfolio's size).
  const positions = snapshot.positions.map((p) => {
    const owned = ledgerPositionSize(snapshot.ledger, p.symbol, p.positionSide).abs();
    return owned.lt(p.size) ? { ...p, size: owned.toFixed() } : p;
  });
  const instruments = storedTokens(row).flatMap(({ token }) => {
    const symbol = `${token}USDT`;
    const ticker = snapshot.tickers.get(symbol);
    const market = snapshot.markets.get(symbol);
    if (!ticker || !market) return [];
    const stats = snapshot.stats.find((s) => s.symbol === symbol);
    return [
      {
        symbol,
        base: token,
        last: ticker.last,
        mark: ticker.mark ?? ticker.last,
        fundingRate: stats?.fundingRate ?? ticker.fundingRate,
        nextFundingAt: stats ? new Date(stats.nextFundingTime).toISOString() : null,
        openInterest: stats?.openInterest ?? null,
        openInterestUsd: stats?.openInterestValue ?? null,
        market,
      },
    ];
  });
  return {
    kind: "futures",
    at: new Date(snapshot.at).toISOString(),
    portfolio: inputHeader(row),
    wallet: {
      asset: snapshot.wallet.asset,
      walletBalance: equity.minus(unrealized).toFixed(),
      availableBalance: (availableBalance.gt(0) ? availableBalance : Big(0)).toFixed(),
      marginBalance: equity.toFixed(),
      unrealizedPnl: unrealized.toFixed(),
    },
    cashPeg: snapshot.cashPeg,
    positionMode: snapshot.positionMode,
    positions: positions.filter((p) => Big(p.size).gt(0)),
    stops: snapshot.stops,
    instruments,
    pnl: pnlOf(row, snapshot.equity),
    previousRuns: previousRuns(context.history),
    marketContext: await marketContexts(context),
    signals: context.signals,
    limits: futuresLimits(row, snapshot.equity),
  };
}

/** The last runs, newest first, as the model should learn from them: what was decided and what became of it. */
export function previousRuns(history: InputContext["history"]): PreviousRun[] {
  return history.slice(0, PREVIOUS_RUNS).map(({ run, orders }) => {
    const sent = orders.filter((o) => !["rejected", "pending_approval", "planned"].includes(o.status));
    const shift =
      run.equityBefore !== null && run.equityAfter !== null
        ? Big(run.equityAfter).minus(run.equityBefore).toFixed(2)
        : null;
    return {
      at: (run.startedAt ?? run.requestedAt).toISOString(),
      status: run.status === "failed" ? "failed" : sent.length === 0 ? "hold" : "decided",
      provider: run.provider ?? "builtin",
      strategy: run.strategy,
      summary: run.summary,
      error: run.errorMessage,
      pnlShiftUsd: shift,
      orders: sent.map((o) => ({
        symbol: o.symbol,
        side: o.side,
        quantity: o.quantity,
        price: o.price,
        status: previousStatus(o.status),
        filledQuantity: o.filledQuantity,
        reason: o.reason,
      })),
      rejected: orders
        .filter((o) => o.status === "rejected")
        .map((o) => ({ item: `${o.action} ${o.quantity} ${o.symbol}`, reason: o.reason ?? "refused" })),
    };
  });
}

function previousStatus(status: HistoryOrder["status"]): PreviousRun["orders"][number]["status"] {
  switch (status) {
    case "open":
    case "partially_filled":
    case "filled":
    case "canceled":
    case "expired":
      return status;
    case "sending":
    case "unknown":
      return "placed";
    default:
      return "rejected";
  }
}
