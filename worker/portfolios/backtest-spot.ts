import Big from "big.js";
import type { BacktestRequest, BacktestResult, BacktestTrade } from "../../shared/api/portfolio-backtest.ts";
import { DEFAULT_PAPER_CAPITAL } from "../../shared/api/portfolios.ts";
import { builtinSpotPlan } from "../ai/builtin-strategy.ts";
import type { SpotDecisionInput } from "../ai/decision-input.ts";
import type { ExchangeGateway, Kline, Market, Ticker } from "../exchanges/contract.ts";
import { DEFAULT_PAPER_SETTINGS } from "../exchanges/paper/paper-gateway.ts";
import { ApiError } from "../http/api-error.ts";
import { closedCandles, closeTime, equityTotals, INTERVAL_MS } from "./backtest-equity.ts";
import { inputHeader, spotLimits } from "./engine/decision-input-builder.ts";
import { planOrders } from "./engine/planner.ts";
import { type PortfolioRow, storedTokens } from "./store.ts";

/**
 * Paper backtest of the built-in strategy over the venue's latest candles (spot portfolios). Each candle's close is a
 * review: the decision input is built from the virtual holdings at that close, the built-in strategy decides, the
 * review's planner and hard guards turn it into orders, and the orders fill at the next candle's open (a limit only
 * when that candle reaches its price, at the better of open and limit; the rest is canceled, as the next review
 * would) with the paper broker's spot fee of the asset received.
 *
 * The candles come in one public read per token (at most MAX_BACKTEST_CANDLES each); the rest is arithmetic.
 */

const FEE_RATE = DEFAULT_PAPER_SETTINGS.spotFeeRate;
/** Spot trades are all a review's orders, with no position behind them. */
const SPOT_TRADE = { trigger: "review", action: null, positionSide: null, realizedPnl: null } as const;

type Book = { cash: Big; assets: Map<string, Big> };
type Route = { token: string; symbol: string; market: Market; candles: Map<number, Kline> };

export async function backtestSpot(
  gateway: ExchangeGateway,
  row: PortfolioRow,
  request: BacktestRequest,
): Promise<BacktestResult> {
  const routes = await loadRoutes(gateway, row, request);
  const times = commonOpenTimes(routes);
  if (times.length < 2)
    throw new ApiError("backtest_no_history", "The venue has too few candles for these tokens.", { status: 422 });
  return simulate(row, routes, times, request);
}

async function loadRoutes(gateway: ExchangeGateway, row: PortfolioRow, request: BacktestRequest): Promise<Route[]> {
  const now = Date.now();
  return Promise.all(
    storedTokens(row).map(async ({ token }) => {
      const symbol = `${token}${row.cashToken}`;
      // One more than asked: the candle still open is left out, and the window is the last closed ones.
      const [market, klines] = await Promise.all([
        gateway.market("spot", symbol),
        gateway.klines("spot", symbol, request.interval, request.candles + 1),
      ]);
      const closed = closedCandles(klines, INTERVAL_MS[request.interval], now).slice(-request.candles);
      return { token, symbol, market, candles: new Map(closed.map((k) => [k.openTime, k])) };
    }),
  );
}

/** Candle open times every token has, oldest first. */
function commonOpenTimes(routes: Route[]): number[] {
  const [first, ...rest] = routes;
  if (!first) return [];
  return [...first.candles.keys()].filter((t) => rest.every((r) => r.candles.has(t))).sort((a, b) => a - b);
}

function simulate(row: PortfolioRow, routes: Route[], times: number[], request: BacktestRequest): BacktestResult {
  const capital = Big(row.paperCapital ?? DEFAULT_PAPER_CAPITAL);
  const book: Book = { cash: capital, assets: new Map(routes.map((r) => [r.token, Big(0)])) };
  const trades: BacktestTrade[] = [];
  let fees = Big(0);
  const candleAt = (route: Route, i: number) => route.candles.get(times[i] as number) as Kline;
  const closeAt = (i: number) => new Map(routes.map((r) => [r.token, Big(candleAt(r, i).close)]));
  const equityAt = (i: number) => bookValue(book, closeAt(i));
  const curve = [{ at: closeTime(times, 0), equity: equityAt(0) }];
  const settings: PortfolioRow = { ...row, executionMode: "automatic" };

  for (let i = 0; i < times.length - 1; i++) {
    const closes = closeAt(i);
    const input = spotInput(settings, routes, book, closes, closeTime(times, i));
    const plan = builtinSpotPlan(input);
    if (plan.ok) {
      const tickers = new Map<string, Ticker>(
        routes.map((r) => {
          const last = (closes.get(r.token) as Big).toFixed();
          return [
            r.symbol,
            { symbol: r.symbol, last, bid: last, ask: last, mark: null, fundingRate: null, time: times[i] as number },
          ];
        }),
      );
      const { orders } = planOrders({
        row: settings,
        run: { id: "backtest", seq: i + 1 },
        decisionInput: input,
        decision: { kind: "spot", ...plan.plan },
        tickers,
        now: new Date(closeTime(times, i)),
      });
      for (const order of orders) {
        if (order.status === "rejected") continue;
        const route = routes.find((r) => r.symbol === order.symbol);
        if (!route) continue;
        const next = candleAt(route, i + 1);
        const price = fillPrice(order.side, order.price ?? null, next);
        if (!price) continue;
        const trade = fill(book, route, order.side, Big(order.quantity), price, new Date(next.openTime).toISOString());
        if (!trade) continue;
        trades.push(trade.trade);
        fees = fees.plus(trade.feeValue);
      }
    }
    curve.push({ at: closeTime(times, i + 1), equity: equityAt(i + 1) });
  }
  const last = closeAt(times.length - 1);
  return {
    market: "spot",
    interval: request.interval,
    from: new Date(times[0] as number).toISOString(),
    to: closeTime(times, times.length - 1),
    cashToken: row.cashToken,
    feeRate: FEE_RATE,
    ...equityTotals(capital, curve),
    feesPaid: fees.toFixed(8),
    trades,
    holdings: routes.map((r) => ({
      asset: r.token,
      quantity: (book.assets.get(r.token) as Big).toFixed(),
      lastClose: (last.get(r.token) as Big).toFixed(),
    })),
    futures: null,
    notes: [],
  };
}

function bookValue(book: Book, closes: Map<string, Big>): Big {
  let value = book.cash;
  for (const [asset, quantity] of book.assets) value = value.plus(quantity.times(closes.get(asset) ?? 0));
  return value;
}

/**
 * The decision input a review would build from these holdings at these closes (decision-input-builder's spot shape):
 * no earlier runs, market context or signals, which the built-in spot strategy does not read.
 */
function spotInput(
  row: PortfolioRow,
  routes: Route[],
  book: Book,
  closes: Map<string, Big>,
  at: string,
): SpotDecisionInput {
  const total = bookValue(book, closes);
  const tokens = new Map(storedTokens(row).map((t) => [t.token, t]));
  const share = (value: Big) => (total.gt(0) ? Number(value.div(total).times(100).toFixed(4)) : 0);
  const position = (asset: string, quantity: Big, price: Big) => ({
    asset,
    free: quantity.toFixed(),
    locked: "0",
    priceUsd: price.toFixed(),
    valueUsd: quantity.times(price).toFixed(2),
    allocationPct: share(quantity.times(price)),
    minAllocationPct: tokens.get(asset)?.minAllocation ?? 0,
    targetPct: tokens.get(asset)?.targetAllocation ?? null,
  });
  return {
    kind: "spot",
    at,
    portfolio: inputHeader(row),
    totalValueUsd: total.toFixed(2),
    positions: [
      position(row.cashToken, book.cash, Big(1)),
      ...routes.map((r) => position(r.token, book.assets.get(r.token) as Big, closes.get(r.token) as Big)),
    ],
    routes: routes.map((r) => {
      const last = (closes.get(r.token) as Big).toFixed();
      return { symbol: r.symbol, base: r.token, quote: row.cashToken, last, bid: last, ask: last, market: r.market };
    }),
    pnl: null,
    previousRuns: [],
    marketContext: [],
    signals: [],
    limits: spotLimits(row, total.toFixed()),
  };
}

/** Market orders at the next open; a limit only when the next candle reaches it, at the better of open and limit. */
function fillPrice(side: "buy" | "sell", limit: string | null, next: Kline): Big | null {
  const open = Big(next.open);
  if (limit === null) return open;
  const price = Big(limit);
  if (side === "buy") return Big(next.low).lte(price) ? (open.lt(price) ? open : price) : null;
  return Big(next.high).gte(price) ? (open.gt(price) ? open : price) : null;
}

/** The paper broker's spot fill: the fee is taken from what is received. Never more than the book holds. */
function fill(book: Book, route: Route, side: "buy" | "sell", quantity: Big, price: Big, at: string) {
  const held = book.assets.get(route.token) as Big;
  const notional = quantity.times(price);
  if (quantity.lte(0) || (side === "buy" ? notional.gt(book.cash) : quantity.gt(held))) return null;
  // A buy pays its fee in the asset bought, a sale in the cash received; feeValue is the fee in cash.
  const fee = (side === "buy" ? quantity : notional).times(FEE_RATE).round(8, Big.roundUp);
  if (side === "buy") {
    book.cash = book.cash.minus(notional);
    book.assets.set(route.token, held.plus(quantity).minus(fee));
  } else {
    book.cash = book.cash.plus(notional).minus(fee);
    book.assets.set(route.token, held.minus(quantity));
  }
  const trade = {
    at,
    symbol: route.symbol,
    side,
    quantity: quantity.toFixed(),
    price: price.toFixed(),
    fee: fee.toFixed(),
    feeAsset: side === "buy" ? route.token : route.market.quote,
    ...SPOT_TRADE,
  };
  return { trade, feeValue: side === "buy" ? fee.times(price) : fee };
}
