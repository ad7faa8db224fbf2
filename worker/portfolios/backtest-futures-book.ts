import Big from "big.js";
import type { BacktestPosition, BacktestTrade, BacktestTrigger } from "../../shared/api/portfolio-backtest.ts";
import type { ConditionalOrder, Kline, MarginMode, Position, PositionSide } from "../exchanges/contract.ts";
import { estimateLiquidationPrice } from "../exchanges/liquidation.ts";
import { DEFAULT_LEVERAGE } from "../exchanges/paper/paper-linear.ts";

/**
 * The futures backtest's virtual account: a USDT wallet and one leg per (symbol, position side), each with its entry,
 * leverage and the SL/TP the plan set. Fills book realized PnL and the fee into the wallet as the paper broker does
 * (paper-linear.ts: size-weighted entry, fee = price × quantity × rate rounded up to 8 decimals). Within a candle a
 * leg's stop-loss, take-profit and liquidation trigger on the candle's range, the worse case first: the price is
 * assumed to move against the leg before it moves for it, so a candle reaching both the stop-loss and the
 * take-profit takes the stop-loss; a gap through a trigger fills at the open. Liquidation is estimated with the
 * isolated-margin formula (worker/exchanges/liquidation.ts) and loses the leg's margin, entry × size / leverage.
 */

export type Direction = "long" | "short";

type Leg = {
  symbol: string;
  positionSide: PositionSide;
  side: Direction;
  size: Big;
  entry: Big;
  leverage: number;
  stopLoss: string | null;
  takeProfit: string | null;
};

export type BookOrder = {
  symbol: string;
  action: "OPEN" | "INCREASE" | "REDUCE" | "CLOSE";
  side: "buy" | "sell";
  positionSide: PositionSide;
  quantity: string;
  leverage: number | null;
  stopLoss: string | null;
  takeProfit: string | null;
  /** A limit order's price (where the next candle must reach); null for market orders. */
  limitPrice: string | null;
};

export type FeeRates = { taker: string; maker: string };
type Marks = Map<string, Big>;

const COLLATERAL = "USDT";

export class FuturesBook {
  wallet: Big;
  fees = Big(0);
  fundingPaid = Big(0);
  fundingPayments = 0;
  readonly trades: BacktestTrade[] = [];
  readonly hits = { stop_loss: 0, take_profit: 0, liquidation: 0 };
  private readonly legs = new Map<string, Leg>();
  private readonly leverage = new Map<string, number>();

  private readonly rates: FeeRates;
  private readonly marginMode: MarginMode;

  constructor(capital: Big, rates: FeeRates, marginMode: MarginMode) {
    this.wallet = capital;
    this.rates = rates;
    this.marginMode = marginMode;
  }

  unrealized(marks: Marks): Big {
    let sum = Big(0);
    for (const leg of this.legs.values()) sum = sum.plus(legPnl(leg, marks.get(leg.symbol) ?? leg.entry));
    return sum;
  }

  equity(marks: Marks): Big {
    return this.wallet.plus(this.unrealized(marks));
  }

  /** Initial margin of the legs at these marks, as the live decision input counts it. */
  usedMargin(marks: Marks): Big {
    let used = Big(0);
    for (const leg of this.legs.values()) {
      used = used.plus(leg.size.times(marks.get(leg.symbol) ?? leg.entry).div(leg.leverage));
    }
    return used;
  }

  /** The legs as the gateway reports positions, for the decision input. */
  positions(marks: Marks): Position[] {
    return [...this.legs.values()].map((leg) => {
      const mark = marks.get(leg.symbol) ?? leg.entry;
      return {
        symbol: leg.symbol,
        side: leg.side,
        positionSide: leg.positionSide,
        size: leg.size.toFixed(),
        entryPrice: leg.entry.toFixed(),
        markPrice: mark.toFixed(),
        unrealizedPnl: legPnl(leg, mark).round(8).toFixed(),
        leverage: leg.leverage,
        liquidationPrice: liquidationOf(leg)?.round(8).toFixed() ?? null,
        marginMode: this.marginMode,
      };
    });
  }

  /** The legs' SL/TP as the gateway reports conditional orders. */
  stops(): ConditionalOrder[] {
    return [...this.legs.values()].flatMap((leg) =>
      (["stop_loss", "take_profit"] as const).flatMap((kind) => {
        const trigger = kind === "stop_loss" ? leg.stopLoss : leg.takeProfit;
        if (trigger === null) return [];
        const exchangeId = `backtest-${leg.symbol}-${leg.positionSide}-${kind}`;
        return [
          {
            symbol: leg.symbol,
            kind,
            positionSide: leg.positionSide,
            triggerPrice: trigger,
            clientId: null,
            exchangeId,
          },
        ];
      }),
    );
  }

  /** The legs still open, for the result. */
  openPositions(marks: Marks): BacktestPosition[] {
    return [...this.legs.values()].map((leg) => ({
      symbol: leg.symbol,
      side: leg.side,
      size: leg.size.toFixed(),
      entryPrice: leg.entry.toFixed(),
      leverage: leg.leverage,
      margin: marginOf(leg).round(8).toFixed(),
      stopLoss: leg.stopLoss,
      takeProfit: leg.takeProfit,
      liquidationPrice: liquidationOf(leg)?.round(8).toFixed() ?? null,
      unrealizedPnl: legPnl(leg, marks.get(leg.symbol) ?? leg.entry)
        .round(8)
        .toFixed(),
    }));
  }

  /**
   * An order of a review, filled at `price` (maker: a limit filled at its own price). An opening order needs its
   * margin free at the fill, as the paper broker refuses one that lacks it: the answer is then the margin it needed.
   */
  fill(order: BookOrder, price: Big, maker: boolean, at: string, marks: Marks): { needed: Big; free: Big } | null {
    const opening = order.action === "OPEN" || order.action === "INCREASE";
    const direction: Direction = (order.side === "buy") === opening ? "long" : "short";
    const key = legKey(order.symbol, order.positionSide);
    const leg = this.legs.get(key);
    const quantity = Big(order.quantity);
    const rate = maker ? this.rates.maker : this.rates.taker;
    if (opening) {
      if (order.leverage !== null) this.setLeverage(order.symbol, order.leverage);
      const leverage = this.leverage.get(order.symbol) ?? DEFAULT_LEVERAGE;
      const needed = quantity.times(price).div(leverage);
      const free = this.equity(marks).minus(this.usedMargin(marks));
      if (needed.gt(free)) return { needed, free };
      const fee = feeOf(price, quantity, rate);
      this.book(fee, Big(0));
      if (leg && leg.side === direction) {
        const size = leg.size.plus(quantity);
        leg.entry = leg.size.times(leg.entry).plus(quantity.times(price)).div(size).round(12);
        leg.size = size;
      } else {
        this.legs.set(key, {
          symbol: order.symbol,
          positionSide: order.positionSide,
          side: direction,
          size: quantity,
          entry: price,
          leverage,
          stopLoss: null,
          takeProfit: null,
        });
      }
      this.record(order.symbol, order.side, quantity, price, fee, "review", order.action, direction, Big(0), at);
      if (order.stopLoss !== null || order.takeProfit !== null) {
        this.protect(order.symbol, order.positionSide, order.stopLoss, order.takeProfit, price);
      }
      return null;
    }
    if (!leg) return null;
    const closed = quantity.lt(leg.size) ? quantity : leg.size;
    const fee = feeOf(price, closed, rate);
    const realized = legPnl({ ...leg, size: closed }, price);
    this.book(fee, realized);
    leg.size = leg.size.minus(closed);
    if (leg.size.lte(0)) this.legs.delete(key);
    this.record(order.symbol, order.side, closed, price, fee, "review", order.action, leg.side, realized, at);
    return null;
  }

  /**
   * Sets a leg's SL/TP; a side left null keeps its trigger. Like the paper broker, a pair that would trigger at once
   * (the price already beyond it) is refused whole, and the leg keeps what it had.
   */
  protect(symbol: string, positionSide: PositionSide, stopLoss: string | null, takeProfit: string | null, price: Big) {
    const leg = this.legs.get(legKey(symbol, positionSide));
    if (!leg) return;
    const nextStop = stopLoss ?? leg.stopLoss;
    const nextTake = takeProfit ?? leg.takeProfit;
    const long = leg.side === "long";
    if (nextStop !== null && (long ? price.lte(nextStop) : price.gte(nextStop))) return;
    if (nextTake !== null && (long ? price.gte(nextTake) : price.lte(nextTake))) return;
    leg.stopLoss = nextStop;
    leg.takeProfit = nextTake;
  }

  /** Funding at one funding time on the symbol's legs: −(signed size × mark × rate), a long paying a positive rate. */
  chargeFunding(symbol: string, rate: string, mark: Big): void {
    for (const leg of this.legs.values()) {
      if (leg.symbol !== symbol) continue;
      const signed = leg.side === "long" ? leg.size : leg.size.neg();
      const amount = signed.times(mark).times(rate).neg().round(8);
      if (amount.eq(0)) continue;
      this.wallet = this.wallet.plus(amount);
      this.fundingPaid = this.fundingPaid.minus(amount);
      this.fundingPayments++;
    }
  }

  /** The symbol's legs through one candle: stops, take-profits and liquidations, the worse case first. */
  watch(symbol: string, candle: Kline, openedAt: string, closedAt: string): void {
    for (const [key, leg] of [...this.legs]) {
      if (leg.symbol !== symbol) continue;
      const outcome = triggered(leg, candle);
      if (!outcome) continue;
      this.legs.delete(key);
      this.hits[outcome.trigger]++;
      const at = outcome.atOpen ? openedAt : closedAt;
      const closing = leg.side === "long" ? "sell" : "buy";
      if (outcome.trigger === "liquidation") {
        const margin = marginOf(leg);
        this.wallet = this.wallet.minus(margin);
        this.record(
          symbol,
          closing,
          leg.size,
          outcome.price.round(8),
          Big(0),
          "liquidation",
          "CLOSE",
          leg.side,
          margin.neg(),
          at,
        );
        continue;
      }
      const fee = feeOf(outcome.price, leg.size, this.rates.taker);
      const realized = legPnl(leg, outcome.price);
      this.book(fee, realized);
      this.record(symbol, closing, leg.size, outcome.price, fee, outcome.trigger, "CLOSE", leg.side, realized, at);
    }
  }

  private setLeverage(symbol: string, leverage: number): void {
    this.leverage.set(symbol, leverage);
    // As on both venues, the symbol's open legs take the new leverage too.
    for (const leg of this.legs.values()) if (leg.symbol === symbol) leg.leverage = leverage;
  }

  private book(fee: Big, realized: Big): void {
    this.wallet = this.wallet.plus(realized).minus(fee);
    this.fees = this.fees.plus(fee);
  }

  private record(
    symbol: string,
    side: "buy" | "sell",
    quantity: Big,
    price: Big,
    fee: Big,
    trigger: BacktestTrigger,
    action: BookOrder["action"],
    positionSide: Direction,
    realizedPnl: Big,
    at: string,
  ): void {
    this.trades.push({
      at,
      symbol,
      side,
      quantity: quantity.toFixed(),
      price: price.toFixed(),
      fee: fee.toFixed(),
      feeAsset: COLLATERAL,
      trigger,
      action,
      positionSide,
      realizedPnl: realizedPnl.round(8).toFixed(),
    });
  }
}

function legKey(symbol: string, positionSide: PositionSide): string {
  return `${symbol}:${positionSide}`;
}

function legPnl(leg: Pick<Leg, "side" | "size" | "entry">, mark: Big): Big {
  const pnl = leg.size.times(mark.minus(leg.entry));
  return leg.side === "long" ? pnl : pnl.neg();
}

function marginOf(leg: Leg): Big {
  return leg.entry.times(leg.size).div(leg.leverage);
}

function liquidationOf(leg: Leg): Big | null {
  return estimateLiquidationPrice({ side: leg.side, entryPrice: leg.entry.toFixed(), leverage: leg.leverage });
}

function feeOf(price: Big, quantity: Big, rate: string): Big {
  return price.times(quantity).times(rate).round(8, Big.roundUp);
}

type Outcome = { trigger: "stop_loss" | "take_profit" | "liquidation"; price: Big; atOpen: boolean };

/**
 * What ends a leg within a candle, if anything. Against the leg first (a long's fall, a short's rise): of the
 * stop-loss and the liquidation price, the one the price reaches first; a gap past it at the open fills at the open
 * (a liquidation always loses the margin). Only then the take-profit.
 */
function triggered(leg: Leg, candle: Kline): Outcome | null {
  const long = leg.side === "long";
  const open = Big(candle.open);
  const worst = Big(long ? candle.low : candle.high);
  const best = Big(long ? candle.high : candle.low);
  const against = (price: Big, level: Big) => (long ? price.lte(level) : price.gte(level));
  const liquidation = liquidationOf(leg);
  const stop = leg.stopLoss === null ? null : Big(leg.stopLoss);
  // The level a move against the leg reaches first: the stop-loss unless the liquidation price lies before it.
  const stopFirst = stop !== null && (liquidation === null || against(liquidation, stop));
  const first = stopFirst
    ? { trigger: "stop_loss" as const, level: stop as Big }
    : liquidation
      ? { trigger: "liquidation" as const, level: liquidation }
      : null;
  if (first) {
    if (liquidation && against(open, liquidation)) return { trigger: "liquidation", price: liquidation, atOpen: true };
    if (against(open, first.level))
      return { trigger: first.trigger, price: first.trigger === "liquidation" ? first.level : open, atOpen: true };
    if (against(worst, first.level)) return { trigger: first.trigger, price: first.level, atOpen: false };
  }
  if (leg.takeProfit === null) return null;
  const take = Big(leg.takeProfit);
  const reached = (price: Big) => (long ? price.gte(take) : price.lte(take));
  if (reached(open)) return { trigger: "take_profit", price: open, atOpen: true };
  if (reached(best)) return { trigger: "take_profit", price: take, atOpen: false };
  return null;
}
