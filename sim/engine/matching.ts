import { type EngineContext, isOpen, tradingInstrument } from "./context.ts";
import { Dec, type Decimal, formatDecimal, minDecimal, ZERO } from "./decimal.ts";
import { checkLot, checkMinNotional, checkTick, parsePositive } from "./filters.ts";
import { applyLinearFill, futuresEquity, isClosingOrder, leverageOf, signedSize } from "./positions.ts";
import { type Account, type Instrument, type PlaceOrderInput, SimError, type SimFill, type SimOrder } from "./types.ts";
import { credit, debitLocked, lock, unlock } from "./wallet.ts";

/**
 * Order lifecycle for spot and linear: validation, immediate (taker) matching against the simulated book, resting
 * orders that fill as maker when the price crosses them, cancels. A spot order locks what it may spend (quote for a
 * buy, base for a sell) when accepted; fills spend from the lock and whatever is left is unlocked when it closes.
 */

const FEES = {
  spot: { taker: "0.001", maker: "0.001" },
  linear: { taker: "0.0005", maker: "0.0002" },
} as const;

type Book = { bidPrice: string; bidQty: string; askPrice: string; askQty: string };

function bookPrice(book: Book, side: "buy" | "sell"): Decimal {
  return new Dec(side === "buy" ? book.askPrice : book.bidPrice);
}

function crosses(book: Book, side: "buy" | "sell", limit: Decimal): boolean {
  return side === "buy" ? new Dec(book.askPrice).lte(limit) : new Dec(book.bidPrice).gte(limit);
}

export function placeOrder(ctx: EngineContext, account: Account, input: PlaceOrderInput): SimOrder {
  const instrument = tradingInstrument(ctx, input.market, input.symbol);
  const quantity = parsePositive(input.quantity, "quantity");
  const limit = input.type === "limit" ? parsePositive(input.price, "price") : null;
  const timeInForce = input.timeInForce ?? (input.type === "market" ? "ioc" : "gtc");
  if (limit) checkTick(instrument, limit);
  checkLot(instrument, quantity);
  const positionSide = input.market === "linear" ? checkPositionSide(account, input) : "both";
  const reduceOnly = input.market === "linear" && input.reduceOnly === true;
  const closing = input.market === "linear" && isClosingOrder({ side: input.side, reduceOnly, positionSide });
  if (closing) checkReduction(account, input.symbol, input.side, positionSide, quantity);
  const book = ctx.paths.bookTop(instrument, ctx.now());
  const reference = limit ?? bookPrice(book, input.side);
  // Reduce-only orders are exempt from the minimum notional (Binance -4164 "unless you choose reduce only").
  if (!closing) checkMinNotional(instrument, reference.times(quantity));
  checkClientOrderId(ctx, account, input);
  const taking = limit === null || crosses(book, input.side, limit);
  if (timeInForce === "post_only" && taking) {
    throw new SimError("post_only_would_take", "post-only order would immediately match and take");
  }
  if (
    input.market === "linear" &&
    !closing &&
    !reducesOneWay(account, input.symbol, input.side, positionSide, quantity)
  ) {
    checkMargin(ctx, account, input.symbol, reference.times(quantity));
  }

  const now = ctx.now();
  const order: SimOrder = {
    orderId: ctx.nextId(),
    clientOrderId: input.clientOrderId,
    venue: ctx.venue,
    market: input.market,
    symbol: instrument.symbol,
    side: input.side,
    type: input.type,
    timeInForce,
    price: limit ? limit.toFixed() : null,
    quantity: quantity.toFixed(),
    filledQuantity: "0",
    filledQuote: "0",
    status: "new",
    reduceOnly,
    positionSide,
    createdAt: now,
    updatedAt: now,
  };
  if (input.market === "spot") lockSpotFunds(ctx, account, instrument, order, reference.times(quantity));
  account.orders.set(order.orderId, order);
  matchOnArrival(ctx, account, instrument, order, book, taking);
  return order;
}

function matchOnArrival(
  ctx: EngineContext,
  account: Account,
  instrument: Instrument,
  order: SimOrder,
  book: Book,
  taking: boolean,
): void {
  const quantity = new Dec(order.quantity);
  const available = new Dec(order.side === "buy" ? book.askQty : book.bidQty);
  // Market orders sweep the whole (simulated, deep) book; a crossing limit takes only what the top level shows.
  const takeQuantity = !taking ? ZERO : order.type === "market" ? quantity : minDecimal(quantity, available);
  const fillOrKillFails = order.timeInForce === "fok" && takeQuantity.lt(quantity);
  if (takeQuantity.gt(0) && !fillOrKillFails) {
    executeFill(ctx, account, instrument, order, bookPrice(book, order.side), takeQuantity, false);
  }
  if (!isOpen(order)) return;
  if (order.type === "market" || order.timeInForce === "ioc" || order.timeInForce === "fok") {
    closeOrder(ctx, account, order, "expired");
  }
}

/** One matching step for an account: each crossed resting order fills up to the book quantity at its limit price. */
export function matchRestingOrders(ctx: EngineContext, account: Account): void {
  for (const order of [...account.orders.values()]) {
    if (!isOpen(order) || order.price === null) continue;
    const instrument = tradingInstrument(ctx, order.market, order.symbol);
    const book = ctx.paths.bookTop(instrument, ctx.now());
    const limit = new Dec(order.price);
    if (!crosses(book, order.side, limit)) continue;
    const remaining = new Dec(order.quantity).minus(order.filledQuantity);
    let quantity = minDecimal(remaining, new Dec(order.side === "buy" ? book.askQty : book.bidQty));
    if (order.market === "linear" && isClosingOrder(order)) {
      quantity = minDecimal(quantity, signedSize(account, order.symbol, order.positionSide).abs());
    }
    if (quantity.lte(0)) {
      closeOrder(ctx, account, order, "expired");
      continue;
    }
    executeFill(ctx, account, instrument, order, limit, quantity, true);
  }
}

export function cancelOrder(ctx: EngineContext, account: Account, order: SimOrder): SimOrder {
  if (!isOpen(order)) throw new SimError("order_not_found", `order ${order.orderId} is already ${order.status}`);
  closeOrder(ctx, account, order, "canceled");
  return order;
}

/** A reduce-only market order closing `quantity` of a leg (what a triggered SL/TP sends). */
export function closeAtMarket(
  ctx: EngineContext,
  account: Account,
  input: { symbol: string; side: "buy" | "sell"; positionSide: SimOrder["positionSide"]; quantity: Decimal },
  clientOrderId: string,
): SimOrder {
  const instrument = tradingInstrument(ctx, "linear", input.symbol);
  const now = ctx.now();
  const order: SimOrder = {
    orderId: ctx.nextId(),
    clientOrderId,
    venue: ctx.venue,
    market: "linear",
    symbol: input.symbol,
    side: input.side,
    type: "market",
    timeInForce: "ioc",
    price: null,
    quantity: input.quantity.toFixed(),
    filledQuantity: "0",
    filledQuote: "0",
    status: "new",
    reduceOnly: true,
    positionSide: input.positionSide,
    createdAt: now,
    updatedAt: now,
  };
  account.orders.set(order.orderId, order);
  const book = ctx.paths.bookTop(instrument, now);
  executeFill(ctx, account, instrument, order, bookPrice(book, order.side), input.quantity, false);
  return order;
}

function executeFill(
  ctx: EngineContext,
  account: Account,
  instrument: Instrument,
  order: SimOrder,
  price: Decimal,
  quantity: Decimal,
  maker: boolean,
): void {
  const rate = FEES[order.market][maker ? "maker" : "taker"];
  const settled =
    order.market === "spot"
      ? { ...settleSpotFill(ctx, account, instrument, order, price, quantity, rate), realizedPnl: ZERO }
      : { ...applyLinearFill(ctx, account, order, price, quantity, rate), feeAsset: instrument.quote };
  const fill: SimFill = {
    tradeId: ctx.nextId(),
    orderId: order.orderId,
    clientOrderId: order.clientOrderId,
    market: order.market,
    symbol: order.symbol,
    side: order.side,
    price: price.toFixed(),
    quantity: quantity.toFixed(),
    fee: formatDecimal(settled.fee),
    feeAsset: settled.feeAsset,
    maker,
    realizedPnl: formatDecimal(settled.realizedPnl.round(8)),
    time: ctx.now(),
  };
  account.fills.push(fill);
  const filled = new Dec(order.filledQuantity).plus(quantity);
  order.filledQuantity = filled.toFixed();
  order.filledQuote = formatDecimal(new Dec(order.filledQuote).plus(price.times(quantity)));
  order.updatedAt = fill.time;
  if (filled.eq(order.quantity)) closeOrder(ctx, account, order, "filled");
  else if (isOpen(order)) order.status = "partially_filled";
}

/** Spot fees come out of the asset received (0.1%), as on Binance without BNB discounts. */
function settleSpotFill(
  ctx: EngineContext,
  account: Account,
  instrument: Instrument,
  order: SimOrder,
  price: Decimal,
  quantity: Decimal,
  rate: string,
): { fee: Decimal; feeAsset: string } {
  const quote = price.times(quantity);
  const spent =
    order.side === "buy" ? { asset: instrument.quote, amount: quote } : { asset: instrument.base, amount: quantity };
  debitLocked(account, spent.asset, spent.amount);
  const held = ctx.locks.get(order.orderId);
  if (held) held.amount = held.amount.minus(spent.amount);
  const received =
    order.side === "buy" ? { asset: instrument.base, amount: quantity } : { asset: instrument.quote, amount: quote };
  const fee = received.amount.times(rate).round(8);
  credit(account, received.asset, received.amount.minus(fee));
  return { fee, feeAsset: received.asset };
}

function lockSpotFunds(
  ctx: EngineContext,
  account: Account,
  instrument: Instrument,
  order: SimOrder,
  quoteValue: Decimal,
): void {
  const held =
    order.side === "buy"
      ? { asset: instrument.quote, amount: quoteValue }
      : { asset: instrument.base, amount: new Dec(order.quantity) };
  lock(account, held.asset, held.amount);
  ctx.locks.set(order.orderId, held);
}

function closeOrder(
  ctx: EngineContext,
  account: Account,
  order: SimOrder,
  status: "filled" | "canceled" | "expired",
): void {
  order.status = status;
  order.updatedAt = ctx.now();
  const held = ctx.locks.get(order.orderId);
  if (!held) return;
  ctx.locks.delete(order.orderId);
  if (held.amount.gt(0)) unlock(account, held.asset, held.amount);
}

function checkPositionSide(account: Account, input: PlaceOrderInput): SimOrder["positionSide"] {
  const requested = input.positionSide ?? (account.positionMode === "one_way" ? "both" : undefined);
  if (account.positionMode === "one_way" && requested === "both") return "both";
  if (account.positionMode === "hedge" && (requested === "long" || requested === "short")) return requested;
  throw new SimError(
    "position_side_mismatch",
    `position side ${input.positionSide ?? "(none)"} does not match the ${account.positionMode} position mode`,
  );
}

/** A closing order must face an open position at least as large (one-way: opposite sign; hedge: its own leg). */
function checkReduction(
  account: Account,
  symbol: string,
  side: "buy" | "sell",
  positionSide: SimOrder["positionSide"],
  quantity: Decimal,
): void {
  const size = signedSize(account, symbol, positionSide);
  const opposite = side === "buy" ? size.lt(0) : size.gt(0);
  if (!opposite || quantity.gt(size.abs())) {
    throw new SimError(
      "reduce_only_rejected",
      `reduce-only ${side} ${quantity} ${symbol} would not reduce the ${positionSide} position ${size}`,
    );
  }
}

/** A plain one-way order against an open position that does not flip it needs no new margin. */
function reducesOneWay(
  account: Account,
  symbol: string,
  side: "buy" | "sell",
  positionSide: SimOrder["positionSide"],
  quantity: Decimal,
): boolean {
  if (positionSide !== "both") return false;
  const size = signedSize(account, symbol, positionSide);
  const opposite = side === "buy" ? size.lt(0) : size.gt(0);
  return opposite && quantity.lte(size.abs());
}

function checkMargin(ctx: EngineContext, account: Account, symbol: string, notional: Decimal): void {
  const required = notional.div(leverageOf(account, symbol));
  const available = new Dec(futuresEquity(ctx, account).availableBalance);
  if (required.gt(available)) {
    throw new SimError(
      "insufficient_balance",
      `margin is insufficient: need ${required.round(8)} USDT, available ${available}`,
    );
  }
}

function checkClientOrderId(ctx: EngineContext, account: Account, input: PlaceOrderInput): void {
  for (const order of account.orders.values()) {
    if (order.market !== input.market || order.clientOrderId !== input.clientOrderId) continue;
    // Binance: unique among open orders only (a filled id may be reused); Bybit: orderLinkId is always unique.
    if (ctx.venue === "bybit" || isOpen(order)) {
      throw new SimError("duplicate_client_id", `client order id ${input.clientOrderId} is already used`);
    }
  }
}
