import { type EngineContext, findInstrument, isOpen } from "./context.ts";
import { Dec, type Decimal, formatDecimal, formatToStep, roundToStep, ZERO } from "./decimal.ts";
import type { Account, FuturesEquity, PositionView, SimOrder, SimPosition } from "./types.ts";
import { adjustFree } from "./wallet.ts";

/**
 * USDⓈ-M linear positions: sizes, entry prices, realized and unrealized PnL, margin. One-way mode keeps one signed
 * "both" position per symbol; hedge mode keeps a long and a short leg, each with a positive size.
 */

export const DEFAULT_LEVERAGE = 20;
const MAINTENANCE_MARGIN_RATE = "0.005";
const COLLATERAL_ASSET = "USDT";

type PositionSide = SimPosition["positionSide"];

export function positionKey(symbol: string, positionSide: PositionSide): string {
  return `${symbol}:${positionSide}`;
}

export function leverageOf(account: Account, symbol: string): number {
  return account.leverage.get(symbol) ?? DEFAULT_LEVERAGE;
}

export function marginModeOf(account: Account, symbol: string): "cross" | "isolated" {
  return account.marginMode.get(symbol) ?? "cross";
}

/** Signed size: negative for a one-way short and for every hedge short leg. */
export function signedSize(account: Account, symbol: string, positionSide: PositionSide): Decimal {
  const position = account.positions.get(positionKey(symbol, positionSide));
  if (!position) return ZERO;
  const size = new Dec(position.size);
  return positionSide === "short" ? size.neg() : size;
}

/** An order that can only shrink its position: reduce-only, or a hedge order on the leg it closes. */
export function isClosingOrder(order: Pick<SimOrder, "side" | "reduceOnly" | "positionSide">): boolean {
  if (order.reduceOnly) return true;
  return (
    (order.positionSide === "long" && order.side === "sell") || (order.positionSide === "short" && order.side === "buy")
  );
}

/** Binance keeps USDⓈ-M money in a separate futures wallet; a Bybit unified account margins with its spot USDT. */
function walletBalance(ctx: EngineContext, account: Account): Decimal {
  if (ctx.venue === "binance") return new Dec(account.futuresWallet);
  const usdt = account.spot.get(COLLATERAL_ASSET);
  return new Dec(usdt?.free ?? "0").plus(usdt?.locked ?? "0");
}

function lockedElsewhere(ctx: EngineContext, account: Account): Decimal {
  if (ctx.venue === "binance") return ZERO;
  return new Dec(account.spot.get(COLLATERAL_ASSET)?.locked ?? "0");
}

export function addToWallet(ctx: EngineContext, account: Account, delta: Decimal): void {
  if (ctx.venue === "bybit") {
    adjustFree(account, COLLATERAL_ASSET, delta);
    return;
  }
  account.futuresWallet = formatDecimal(new Dec(account.futuresWallet).plus(delta));
}

function markPrice(ctx: EngineContext, symbol: string): Decimal {
  return new Dec(ctx.paths.price(findInstrument(ctx, "linear", symbol), ctx.now()));
}

/**
 * Applies a fill of `quantity` at `price` to the order's position leg: weighted entry price on increases, realized
 * PnL on reductions (a one-way position may flip), fee and PnL into the wallet. Returns the realized PnL and fee.
 */
export function applyLinearFill(
  ctx: EngineContext,
  account: Account,
  order: SimOrder,
  price: Decimal,
  quantity: Decimal,
  feeRate: string,
): { realizedPnl: Decimal; fee: Decimal } {
  const key = positionKey(order.symbol, order.positionSide);
  const current = signedSize(account, order.symbol, order.positionSide);
  const entry = new Dec(account.positions.get(key)?.entryPrice ?? "0");
  const delta = order.side === "buy" ? quantity : quantity.neg();
  const next = current.plus(delta);
  let realizedPnl = ZERO;
  let nextEntry = entry;
  if (current.eq(0) || current.gt(0) === delta.gt(0)) {
    nextEntry = current.abs().times(entry).plus(quantity.times(price)).div(next.abs());
  } else {
    const closed = quantity.lt(current.abs()) ? quantity : current.abs();
    realizedPnl = closed.times(price.minus(entry)).times(current.gt(0) ? 1 : -1);
    if (quantity.gt(current.abs())) nextEntry = price;
  }
  const fee = price.times(quantity).times(feeRate).round(8);
  addToWallet(ctx, account, realizedPnl.minus(fee));
  if (next.eq(0)) {
    account.positions.delete(key);
    cancelLegProtection(ctx, account, order.symbol, order.positionSide);
  } else {
    account.positions.set(key, {
      symbol: order.symbol,
      positionSide: order.positionSide,
      size: formatDecimal(order.positionSide === "short" ? next.abs() : next),
      entryPrice: formatDecimal(nextEntry.round(8)),
      leverage: leverageOf(account, order.symbol),
      marginMode: marginModeOf(account, order.symbol),
    });
  }
  return { realizedPnl, fee };
}

/** A closed leg takes its SL/TP and its resting reduce-only orders with it (nothing is left to protect or reduce). */
function cancelLegProtection(ctx: EngineContext, account: Account, symbol: string, positionSide: PositionSide): void {
  const now = ctx.now();
  for (const conditional of account.conditionals.values()) {
    if (conditional.symbol !== symbol || conditional.positionSide !== positionSide || conditional.status !== "new") {
      continue;
    }
    conditional.status = "canceled";
    conditional.updatedAt = now;
  }
  for (const order of account.orders.values()) {
    if (order.market !== "linear" || order.symbol !== symbol || order.positionSide !== positionSide) continue;
    if (!isOpen(order) || !isClosingOrder(order)) continue;
    order.status = "expired";
    order.updatedAt = now;
  }
}

export function positionView(ctx: EngineContext, account: Account, position: SimPosition): PositionView {
  const instrument = findInstrument(ctx, "linear", position.symbol);
  const mark = markPrice(ctx, position.symbol);
  const size = signedSize(account, position.symbol, position.positionSide);
  const entry = new Dec(position.entryPrice);
  return {
    ...position,
    markPrice: formatToStep(mark, instrument.tickSize),
    unrealizedPnl: formatDecimal(size.times(mark.minus(entry)).round(8)),
    liquidationPrice: liquidationPrice(ctx, account, position, size, entry),
    notional: formatDecimal(size.times(mark).round(8)),
  };
}

/**
 * Where the margin left for this position would equal its maintenance margin, from
 * margin + size·(L − entry) = mmr·|size|·L. Cross positions draw on the whole wallet, isolated ones on their own
 * initial margin. An estimate: other positions and fees are ignored. Null when no positive price liquidates.
 */
function liquidationPrice(
  ctx: EngineContext,
  account: Account,
  position: SimPosition,
  size: Decimal,
  entry: Decimal,
): string | null {
  const instrument = findInstrument(ctx, "linear", position.symbol);
  const margin =
    position.marginMode === "isolated"
      ? size.abs().times(entry).div(position.leverage)
      : walletBalance(ctx, account).minus(lockedElsewhere(ctx, account));
  const mmr = new Dec(MAINTENANCE_MARGIN_RATE);
  const price = size.gt(0)
    ? size
        .times(entry)
        .minus(margin)
        .div(size.times(new Dec(1).minus(mmr)))
    : margin.plus(size.abs().times(entry)).div(size.abs().times(new Dec(1).plus(mmr)));
  if (price.lte(0)) return null;
  return formatToStep(roundToStep(price, instrument.tickSize, "nearest"), instrument.tickSize);
}

export function positionViews(ctx: EngineContext, account: Account, symbol?: string): PositionView[] {
  return [...account.positions.values()]
    .filter((position) => symbol === undefined || position.symbol === symbol)
    .map((position) => positionView(ctx, account, position));
}

function initialMargin(ctx: EngineContext, account: Account): Decimal {
  let total = ZERO;
  for (const position of account.positions.values()) {
    total = total.plus(new Dec(position.size).abs().times(markPrice(ctx, position.symbol)).div(position.leverage));
  }
  for (const order of account.orders.values()) {
    if (order.market !== "linear" || !isOpen(order) || isClosingOrder(order) || order.price === null) continue;
    const remaining = new Dec(order.quantity).minus(order.filledQuantity);
    total = total.plus(remaining.times(order.price).div(leverageOf(account, order.symbol)));
  }
  return total;
}

export function futuresEquity(ctx: EngineContext, account: Account): FuturesEquity {
  const wallet = walletBalance(ctx, account);
  let unrealized = ZERO;
  for (const position of account.positions.values()) {
    const size = signedSize(account, position.symbol, position.positionSide);
    unrealized = unrealized.plus(size.times(markPrice(ctx, position.symbol).minus(position.entryPrice)));
  }
  const margin = initialMargin(ctx, account);
  const marginBalance = wallet.plus(unrealized);
  const available = marginBalance.minus(margin).minus(lockedElsewhere(ctx, account));
  return {
    walletBalance: formatDecimal(wallet.round(8)),
    unrealizedPnl: formatDecimal(unrealized.round(8)),
    marginBalance: formatDecimal(marginBalance.round(8)),
    availableBalance: formatDecimal((available.gt(0) ? available : ZERO).round(8)),
    initialMargin: formatDecimal(margin.round(8)),
  };
}
