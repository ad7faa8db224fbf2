import Big from "big.js";
import type {
  BacktestNote,
  BacktestRefusal,
  BacktestRequest,
  BacktestResult,
} from "../../shared/api/portfolio-backtest.ts";
import { DEFAULT_PAPER_CAPITAL } from "../../shared/api/portfolios.ts";
import { builtinFuturesPlan } from "../ai/builtin-strategy.ts";
import type { FuturesDecisionInput, TokenMarketContext } from "../ai/decision-input.ts";
import type { FuturesStopsIntent } from "../ai/intents.ts";
import { riskFlags } from "../ai/market-context.ts";
import type { ExchangeGateway, FundingRateRecord, Kline, Market, Ticker } from "../exchanges/contract.ts";
import { FUNDING_INTERVAL_MS } from "../exchanges/paper/paper-funding.ts";
import { DEFAULT_PAPER_SETTINGS } from "../exchanges/paper/paper-gateway.ts";
import { ApiError } from "../http/api-error.ts";
import { marketContext } from "../market/indicators.ts";
import { closedCandles, closeTime, equityTotals, INTERVAL_MS } from "./backtest-equity.ts";
import { type BookOrder, FuturesBook } from "./backtest-futures-book.ts";
import { futuresLimits, inputHeader } from "./engine/decision-input-builder.ts";
import { planOrders } from "./engine/planner.ts";
import { type PortfolioRow, storedTokens } from "./store.ts";

/**
 * Paper backtest of the built-in strategy on a USDT-perpetual futures portfolio. Each closed candle is a review, as
 * the live one runs it: a futures decision input (decision-input-builder's shape: wallet, positions with their
 * liquidation estimate, SL/TP, instruments, the portfolio's limits at that equity, market context from the candles
 * up to that close), the built-in strategy's futures plan, the review's planner with every hard guard (leverage,
 * exposure, order cap, margin, stop distance, stop beyond liquidation). Planned orders fill at the next candle's open
 * (a limit only when that candle reaches it; the rest is canceled, as the next review would) with the paper broker's
 * taker and maker fees of the notional; then the candle's range runs the legs' SL/TP and liquidations
 * (backtest-futures-book.ts). Funding comes from the venue's public funding history through the gateway; funding
 * times it does not cover are left out and the result says so.
 */

/** A review reads at most this many candles up to its close, as the live review's market context (200 hourly). */
const CONTEXT_CANDLES = 200;

type Route = {
  token: string;
  symbol: string;
  market: Market;
  /** Closed candles, oldest first, with each open time's index. */
  candles: Kline[];
  index: Map<number, number>;
  funding: FundingRateRecord[] | null;
};

export async function backtestFutures(
  gateway: ExchangeGateway,
  row: PortfolioRow,
  request: BacktestRequest,
): Promise<BacktestResult> {
  const step = INTERVAL_MS[request.interval];
  const routes = await loadRoutes(gateway, row, request, step);
  const times = windowTimes(routes, request.candles);
  if (times.length < 2)
    throw new ApiError("backtest_no_history", "The venue has too few candles for these tokens.", { status: 422 });
  await loadFunding(gateway, routes, times[1] as number);
  return simulate(row, routes, times, request, step);
}

async function loadRoutes(
  gateway: ExchangeGateway,
  row: PortfolioRow,
  request: BacktestRequest,
  step: number,
): Promise<Route[]> {
  const now = Date.now();
  return Promise.all(
    storedTokens(row).map(async ({ token }) => {
      const symbol = `${token}USDT`;
      // The window, the candles the first review reads before it, and the candle still open (left out).
      const [market, klines] = await Promise.all([
        gateway.market("linear", symbol),
        gateway.klines("linear", symbol, request.interval, request.candles + CONTEXT_CANDLES),
      ]);
      const candles = closedCandles(klines, step, now);
      return { token, symbol, market, candles, index: new Map(candles.map((k, i) => [k.openTime, i])), funding: null };
    }),
  );
}

/** The last `count` open times every contract has a closed candle for, oldest first. */
function windowTimes(routes: Route[], count: number): number[] {
  const [first, ...rest] = routes;
  if (!first) return [];
  const common = first.candles.map((k) => k.openTime).filter((t) => rest.every((r) => r.index.has(t)));
  return common.slice(-count);
}

/** Settled fundings from the first fill on; a read the venue refused leaves that contract's funding unknown. */
async function loadFunding(gateway: ExchangeGateway, routes: Route[], firstFill: number): Promise<void> {
  await Promise.all(
    routes.map(async (route) => {
      route.funding = await gateway.fundingHistory(route.symbol, firstFill - 1).catch(() => null);
    }),
  );
}

type Context = {
  settings: PortfolioRow;
  routes: Route[];
  book: FuturesBook;
  refusals: BacktestRefusal[];
  request: BacktestRequest;
  step: number;
  funding: FundingSchedule;
};

function simulate(
  row: PortfolioRow,
  routes: Route[],
  times: number[],
  request: BacktestRequest,
  step: number,
): BacktestResult {
  const capital = Big(row.paperCapital ?? DEFAULT_PAPER_CAPITAL);
  const rates = { taker: DEFAULT_PAPER_SETTINGS.takerFeeRate, maker: DEFAULT_PAPER_SETTINGS.makerFeeRate };
  const context: Context = {
    settings: { ...row, executionMode: "automatic" },
    routes,
    book: new FuturesBook(capital, rates, row.marginMode ?? "cross"),
    refusals: [],
    request,
    step,
    funding: fundingSchedule(routes, times, step),
  };
  const { book } = context;
  const curve = [{ at: closeTime(times, 0), equity: capital }];
  for (let i = 0; i < times.length - 1; i++) {
    const planned = review(context, i + 1, times[i] as number, closeTime(times, i));
    const next = times[i + 1] as number;
    playCandle(context, next, closeTime(times, i + 1), planned);
    curve.push({ at: closeTime(times, i + 1), equity: book.equity(pricesAt(routes, next, "close")) });
  }

  return {
    market: "futures",
    interval: request.interval,
    from: new Date(times[0] as number).toISOString(),
    to: closeTime(times, times.length - 1),
    cashToken: "USDT",
    feeRate: rates.taker,
    ...equityTotals(capital, curve),
    feesPaid: book.fees.toFixed(8),
    trades: book.trades,
    holdings: [],
    futures: {
      takerFeeRate: rates.taker,
      makerFeeRate: rates.maker,
      stopLossHits: book.hits.stop_loss,
      takeProfitHits: book.hits.take_profit,
      liquidations: book.hits.liquidation,
      fundingPaid: book.fundingPaid.toFixed(8),
      fundingPayments: book.fundingPayments,
      refusals: context.refusals,
      positions: book.openPositions(pricesAt(routes, times[times.length - 1] as number, "close")),
    },
    notes: notes(request, context.funding.coverage),
  };
}

function candleAt(route: Route, time: number): Kline {
  return route.candles[route.index.get(time) as number] as Kline;
}

function pricesAt(routes: Route[], time: number, field: "open" | "close"): Map<string, Big> {
  return new Map(routes.map((r) => [r.symbol, Big(candleAt(r, time)[field])]));
}

/**
 * The review at the close of the candle opening at `time`: the decision input, the built-in strategy and the
 * review's planner with its guards. The guards' refusals are kept; the accepted orders and HOLD stops are returned.
 */
function review(
  context: Context,
  seq: number,
  time: number,
  at: string,
): { orders: BookOrder[]; stops: FuturesStopsIntent[] } {
  const { routes, settings } = context;
  const closes = pricesAt(routes, time, "close");
  const input = futuresInput(settings, routes, context.book, time, closes, at, context.request);
  const plan = builtinFuturesPlan(input);
  if (!plan.ok) return { orders: [], stops: [] };
  const decision = { kind: "futures" as const, ...plan.plan };
  const planned = planOrders({
    row: settings,
    run: { id: "backtest", seq },
    decisionInput: input,
    decision,
    tickers: tickersAt(routes, closes, time),
    now: new Date(at),
  });
  for (const refusal of planned.refusals) {
    const item = decision.actions[refusal.leg];
    if (!item) continue;
    context.refusals.push({ at, symbol: item.symbol, action: item.action, code: refusal.code, reason: refusal.reason });
  }
  const orders = planned.orders.flatMap((order): BookOrder[] =>
    order.status === "rejected" || order.market !== "linear"
      ? []
      : [
          {
            symbol: order.symbol,
            action: order.action as BookOrder["action"],
            side: order.side,
            positionSide: order.positionSide ?? "both",
            quantity: order.quantity,
            leverage: order.leverage ?? null,
            stopLoss: order.stopLoss ?? null,
            takeProfit: order.takeProfit ?? null,
            limitPrice: order.type === "limit" ? (order.price ?? null) : null,
          },
        ],
  );
  return { orders, stops: planned.stops };
}

/**
 * The candle after a review: the funding at its open (on the legs held through it), the review's orders at the
 * open, the HOLDs' stops, fundings inside it (daily candles), then its range against every leg.
 */
function playCandle(
  context: Context,
  time: number,
  closedAt: string,
  planned: { orders: BookOrder[]; stops: FuturesStopsIntent[] },
): void {
  const { book, routes } = context;
  const openedAt = new Date(time).toISOString();
  const opens = pricesAt(routes, time, "open");
  const charge = (t: number) => {
    for (const due of context.funding.due.get(t) ?? []) book.chargeFunding(due.symbol, due.rate, due.mark);
  };
  charge(time);
  for (const order of planned.orders) {
    const route = routes.find((r) => r.symbol === order.symbol);
    const fill = route ? fillPrice(order.side, order.limitPrice, candleAt(route, time)) : null;
    if (!fill) continue;
    const refused = book.fill(order, fill.price, fill.maker, openedAt, opens);
    if (!refused) continue;
    context.refusals.push({
      at: openedAt,
      symbol: order.symbol,
      action: order.action,
      code: "insufficient_margin",
      reason: `At the fill the order needed ${refused.needed.toFixed(2)} USDT of margin; ${refused.free.toFixed(2)} was free.`,
    });
  }
  for (const stop of planned.stops) {
    const price = opens.get(stop.symbol);
    if (price) book.protect(stop.symbol, stop.positionSide, stop.stopLoss, stop.takeProfit, price);
  }
  for (let t = nextFundingTime(time + 1); t < time + context.step; t += FUNDING_INTERVAL_MS) charge(t);
  for (const route of routes) book.watch(route.symbol, candleAt(route, time), openedAt, closedAt);
}

function notes(request: BacktestRequest, coverage: BacktestNote): BacktestNote[] {
  const list: BacktestNote[] = ["stop_loss_first", "liquidation_estimated", coverage];
  if (request.interval !== "1h") list.push("candle_indicators");
  return list;
}

/** Prices at a review: the candle's close as last, mark, bid and ask (candles carry no book). */
function tickersAt(routes: Route[], closes: Map<string, Big>, time: number): Map<string, Ticker> {
  return new Map(
    routes.map((r) => {
      const last = (closes.get(r.symbol) as Big).toFixed();
      return [r.symbol, { symbol: r.symbol, last, bid: last, ask: last, mark: last, fundingRate: null, time }];
    }),
  );
}

/** Market orders at the next open (taker); a limit when the candle reaches it: at the open if already through
 * (taker), else at its price (maker). */
function fillPrice(side: "buy" | "sell", limit: string | null, next: Kline): { price: Big; maker: boolean } | null {
  const open = Big(next.open);
  if (limit === null) return { price: open, maker: false };
  const price = Big(limit);
  if (side === "buy") {
    if (open.lte(price)) return { price: open, maker: false };
    return Big(next.low).lte(price) ? { price, maker: true } : null;
  }
  if (open.gte(price)) return { price: open, maker: false };
  return Big(next.high).gte(price) ? { price, maker: true } : null;
}

function nextFundingTime(t: number): number {
  return Math.ceil(t / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS;
}

type Charge = { symbol: string; rate: string; mark: Big };

/**
 * The fundings to charge, by funding time, from the first fill to the last candle's close, and how much of the
 * window the venue's history covers. A record without the venue's mark price is charged at the price of the candle
 * opening at that time; one inside a candle without it is left out (its price is not known).
 */
type FundingSchedule = { due: Map<number, Charge[]>; coverage: BacktestNote };

function fundingSchedule(routes: Route[], times: number[], step: number): FundingSchedule {
  const from = times[1] as number;
  const to = (times[times.length - 1] as number) + step;
  const due = new Map<number, Charge[]>();
  const firstGrid = nextFundingTime(from);
  const spans = firstGrid < to;
  let coverage: BacktestNote = "funding_charged";
  const worse = (note: BacktestNote) => {
    if (coverage !== "funding_unavailable") coverage = note;
  };
  for (const route of routes) {
    const records = (route.funding ?? []).filter((r) => r.fundingTime >= from && r.fundingTime < to);
    if (spans && (route.funding === null || records.length === 0)) {
      coverage = "funding_unavailable";
      continue;
    }
    if (records.length > 0 && (records[0] as FundingRateRecord).fundingTime > firstGrid) worse("funding_partial");
    for (const record of records) {
      const opening = route.index.has(record.fundingTime)
        ? Big((route.candles[route.index.get(record.fundingTime) as number] as Kline).open)
        : null;
      const mark = record.markPrice !== null ? Big(record.markPrice) : opening;
      if (mark === null) {
        worse("funding_partial");
        continue;
      }
      const list = due.get(record.fundingTime) ?? [];
      list.push({ symbol: route.symbol, rate: record.fundingRate, mark });
      due.set(record.fundingTime, list);
    }
  }
  return { due, coverage };
}

/**
 * The decision input a review would build at this close (decision-input-builder's futures shape): the wallet and
 * legs at the closes, free margin as equity less the legs' margin, the limits at that equity, and the market context
 * from the candles up to the close. No earlier runs, news or open interest: the built-in strategy reads none.
 */
function futuresInput(
  row: PortfolioRow,
  routes: Route[],
  book: FuturesBook,
  time: number,
  closes: Map<string, Big>,
  at: string,
  request: BacktestRequest,
): FuturesDecisionInput {
  const unrealized = book.unrealized(closes);
  const equity = book.wallet.plus(unrealized);
  const available = equity.minus(book.usedMargin(closes)).round(8, Big.roundDown);
  return {
    kind: "futures",
    at,
    portfolio: inputHeader(row),
    wallet: {
      asset: "USDT",
      walletBalance: book.wallet.toFixed(),
      availableBalance: (available.gt(0) ? available : Big(0)).toFixed(),
      marginBalance: equity.toFixed(),
      unrealizedPnl: unrealized.toFixed(),
    },
    positionMode: row.positionMode ?? "one_way",
    positions: book.positions(closes),
    stops: book.stops(),
    instruments: routes.map((r) => {
      const last = (closes.get(r.symbol) as Big).toFixed();
      const rate = (r.funding ?? []).filter((f) => f.fundingTime <= time).at(-1)?.fundingRate ?? null;
      return { symbol: r.symbol, base: r.token, last, mark: last, fundingRate: rate, market: r.market };
    }),
    pnl: null,
    previousRuns: [],
    marketContext: routes.map((r) => tokenContext(r, time, request)),
    signals: [],
    limits: futuresLimits(row, equity.toFixed()),
  };
}

/** market-context.ts's figures from the candles up to this close; hourly-only parts only on hourly candles. */
function tokenContext(route: Route, time: number, request: BacktestRequest): TokenMarketContext {
  const end = (route.index.get(time) as number) + 1;
  const candles = marketContext(route.candles.slice(Math.max(0, end - CONTEXT_CANDLES), end));
  const hourly = request.interval === "1h";
  const context: TokenMarketContext = {
    asset: route.token,
    symbol: route.symbol,
    interval: request.interval,
    lastClose: candles.lastClose > 0 ? candles.lastClose : null,
    returns: candles.returns,
    rsi14: candles.rsi14,
    atr14Pct: candles.atr14Pct,
    trendSlopePct: candles.trendSlopePct,
    volumeAnomaly: candles.volumeAnomaly,
    ...(hourly ? { timeframes: candles.timeframes, volatility: candles.volatility } : { volatility: null }),
    btc: null,
    book: null,
    riskFlags: [],
    error: null,
  };
  context.riskFlags = riskFlags(context);
  return context;
}
