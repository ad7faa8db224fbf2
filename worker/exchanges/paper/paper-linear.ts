import Big from "big.js";
import type { FuturesWallet, MarginMode, Position, PositionSide } from "../contract.ts";
import type { PaperAccount, PaperOrder, PaperPosition } from "./paper-account.ts";
import type { Quote } from "./paper-quotes.ts";

/**
 * USDT perpetual legs: one signed position per symbol in one-way mode, a long and a short leg in hedge mode. Entry is
 * the size-weighted average; reductions realize PnL and fees into the wallet (funding: paper-funding.ts). No
 * liquidation is modelled.
 */

/** What Binance and Bybit start a symbol at when leverage was never set. */
export const DEFAULT_LEVERAGE = 10;
const COLLATERAL = "USDT";

export function positionKey(symbol: string, positionSide: PositionSide): string {
  return `${symbol}:${positionSide}`;
}

export function leverageOf(account: PaperAccount, symbol: string): number {
  return account.leverage[symbol] ?? DEFAULT_LEVERAGE;
}

export function marginModeOf(account: PaperAccount, symbol: string): MarginMode {
  return account.marginMode[symbol] ?? "cross";
}

export function findPosition(account: PaperAccount, symbol: string, positionSide: PositionSide): PaperPosition | null {
  return account.positions[positionKey(symbol, positionSide)] ?? null;
}

/** Positive for a long, negative for a short, zero without a position. */
export function signedSize(account: PaperAccount, symbol: string, positionSide: PositionSide): Big {
  const position = findPosition(account, symbol, positionSide);
  if (!position) return Big(0);
  return position.side === "long" ? Big(position.size) : Big(position.size).neg();
}

/** An order that can only shrink its leg: reduce-only, or a hedge order against the leg it names. */
export function isClosingOrder(order: Pick<PaperOrder, "side" | "reduceOnly" | "positionSide">): boolean {
  if (order.reduceOnly) return true;
  return (
    (order.positionSide === "long" && order.side === "sell") || (order.positionSide === "short" && order.side === "buy")
  );
}

/** The part of an order that opens or adds exposure, and so needs initial margin. */
export function openingQuantity(account: PaperAccount, order: PaperOrder, quantity: Big): Big {
  if (isClosingOrder(order)) return Big(0);
  const current = signedSize(account, order.symbol, order.positionSide);
  const against = order.side === "buy" ? current.lt(0) : current.gt(0);
  if (!against) return quantity;
  const excess = quantity.minus(current.abs());
  return excess.gt(0) ? excess : Big(0);
}

export function addToWallet(account: PaperAccount, delta: Big): void {
  account.futuresWallet = Big(account.futuresWallet).plus(delta).toFixed();
}

/** Applies a fill to the order's leg; returns the realized PnL and the fee, both already booked in the wallet. */
export function applyLinearFill(
  account: PaperAccount,
  order: PaperOrder,
  price: Big,
  quantity: Big,
  feeRate: string,
  now: number,
): { realizedPnl: Big; fee: Big } {
  const key = positionKey(order.symbol, order.positionSide);
  const current = signedSize(account, order.symbol, order.positionSide);
  const entry = Big(account.positions[key]?.entryPrice ?? "0");
  const delta = order.side === "buy" ? quantity : quantity.neg();
  const next = current.plus(delta);
  let realizedPnl = Big(0);
  let nextEntry = entry;
  if (current.eq(0)) {
    nextEntry = price;
  } else if (current.gt(0) === delta.gt(0)) {
    // Averages keep 12 decimals: more than any tick, without an endless tail of division digits.
    nextEntry = current.abs().times(entry).plus(quantity.times(price)).div(next.abs()).round(12);
  } else {
    const closed = quantity.lt(current.abs()) ? quantity : current.abs();
    realizedPnl = closed.times(price.minus(entry)).times(current.gt(0) ? 1 : -1);
    if (quantity.gt(current.abs())) nextEntry = price;
  }
  const fee = price.times(quantity).times(feeRate).round(8, Big.roundUp);
  addToWallet(account, realizedPnl.minus(fee));
  const flipped = !current.eq(0) && !next.eq(0) && current.gt(0) !== next.gt(0);
  if (next.eq(0) || flipped) retireLeg(account, order, now);
  if (next.eq(0)) {
    delete account.positions[key];
  } else {
    account.positions[key] = {
      symbol: order.symbol,
      positionSide: order.positionSide,
      side: next.gt(0) ? "long" : "short",
      size: next.abs().toFixed(),
      entryPrice: nextEntry.toFixed(),
      leverage: leverageOf(account, order.symbol),
      marginMode: marginModeOf(account, order.symbol),
    };
  }
  return { realizedPnl, fee };
}

/**
 * A closed or flipped leg takes its SL/TP and its other resting closing orders with it: they protected or reduced a
 * position that no longer exists (both venues cancel them too).
 */
function retireLeg(account: PaperAccount, filling: PaperOrder, now: number): void {
  const { symbol, positionSide } = filling;
  account.conditionals = account.conditionals.filter((c) => c.symbol !== symbol || c.positionSide !== positionSide);
  for (const order of Object.values(account.orders)) {
    if (order.clientOrderId === filling.clientOrderId || order.market !== "linear") continue;
    if (order.symbol !== symbol || order.positionSide !== positionSide || !isClosingOrder(order)) continue;
    if (order.status !== "open" && order.status !== "partially_filled") continue;
    // Closing orders hold no margin, so there is nothing to give back.
    order.status = "expired";
    order.reserved = null;
    order.updatedAt = now;
  }
}

function markOf(quotes: Map<string, Quote>, position: PaperPosition): Big {
  const quote = quotes.get(position.symbol);
  return Big(quote?.mark ?? position.entryPrice);
}

function unrealizedPnl(position: PaperPosition, mark: Big): Big {
  const size = position.side === "long" ? Big(position.size) : Big(position.size).neg();
  return size.times(mark.minus(position.entryPrice));
}

export function positionViews(account: PaperAccount, quotes: Map<string, Quote>, symbol?: string): Position[] {
  return Object.values(account.positions)
    .filter((position) => symbol === undefined || position.symbol === symbol)
    .filter((position) => !Big(position.size).eq(0))
    .map((position) => {
      const mark = markOf(quotes, position);
      return {
        symbol: position.symbol,
        side: position.side,
        positionSide: position.positionSide,
        size: position.size,
        entryPrice: position.entryPrice,
        markPrice: mark.toFixed(),
        unrealizedPnl: unrealizedPnl(position, mark).round(8).toFixed(),
        leverage: position.leverage,
        // Not modelled: the paper broker never liquidates.
        liquidationPrice: null,
        marginMode: position.marginMode,
      };
    });
}

/** Initial margin of positions at mark plus the margin resting opening orders hold back. */
function usedMargin(account: PaperAccount, quotes: Map<string, Quote>): Big {
  let used = Big(0);
  for (const position of Object.values(account.positions)) {
    used = used.plus(Big(position.size).times(markOf(quotes, position)).div(position.leverage));
  }
  for (const order of Object.values(account.orders)) {
    if (order.market !== "linear" || !order.reserved) continue;
    used = used.plus(order.reserved.amount);
  }
  return used;
}

function totalUnrealized(account: PaperAccount, quotes: Map<string, Quote>): Big {
  let unrealized = Big(0);
  for (const position of Object.values(account.positions)) {
    unrealized = unrealized.plus(unrealizedPnl(position, markOf(quotes, position)));
  }
  return unrealized;
}

/** Margin balance minus the margin in use; negative when the account is over-committed. */
export function freeMargin(account: PaperAccount, quotes: Map<string, Quote>): Big {
  return Big(account.futuresWallet).plus(totalUnrealized(account, quotes)).minus(usedMargin(account, quotes));
}

export function futuresWalletView(account: PaperAccount, quotes: Map<string, Quote>): FuturesWallet {
  const wallet = Big(account.futuresWallet);
  const unrealized = totalUnrealized(account, quotes);
  const marginBalance = wallet.plus(unrealized);
  const available = freeMargin(account, quotes);
  return {
    asset: COLLATERAL,
    walletBalance: wallet.round(8).toFixed(),
    availableBalance: (available.gt(0) ? available : Big(0)).round(8).toFixed(),
    marginBalance: marginBalance.round(8).toFixed(),
    unrealizedPnl: unrealized.round(8).toFixed(),
  };
}

export function availableMargin(account: PaperAccount, quotes: Map<string, Quote>): Big {
  return Big(futuresWalletView(account, quotes).availableBalance);
}

/** New leverage applies to the symbol's open legs too, as on both venues; lowering it needs the margin to cover. */
export function applyLeverage(account: PaperAccount, symbol: string, leverage: number): void {
  account.leverage[symbol] = leverage;
  for (const position of Object.values(account.positions)) {
    if (position.symbol === symbol) position.leverage = leverage;
  }
}

/** Margin a resting opening order holds back at its limit price and the symbol's leverage. */
export function marginFor(account: PaperAccount, symbol: string, quantity: Big, price: Big): Big {
  return quantity.times(price).div(leverageOf(account, symbol));
}
