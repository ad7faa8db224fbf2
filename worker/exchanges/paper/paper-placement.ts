import Big from "big.js";
import type { Market, Order, OrderBookTop, OrderRequest, PositionSide, TimeInForce } from "../contract.ts";
import { ExchangeError } from "../errors.ts";
import type { PaperAccount, PaperOrder } from "./paper-account.ts";
import { checkMinNotional, checkOrderShape } from "./paper-filters.ts";
import { availableMargin, isClosingOrder, marginFor, openingQuantity, signedSize } from "./paper-linear.ts";
import { closeOrder, executeFill, nextExchangeId, type PaperContext, toOrder } from "./paper-orders.ts";
import { isMarketable, type Quote, takerPrice } from "./paper-quotes.ts";
import { freeBalance, lockFunds } from "./paper-spot.ts";

/**
 * Accepting an order like a venue does: filters, position side, reduce-only, client id, funds; then a taker fill at
 * the slipped book price, or a resting limit that holds back its funds until lazy matching fills it.
 */

export type Placement = { request: OrderRequest; market: Market; book: OrderBookTop };

function refuse(ctx: PaperContext, message: string): ExchangeError {
  return new ExchangeError("invalid_order", message, { venue: ctx.venue });
}

function resolvePositionSide(account: PaperAccount, ctx: PaperContext, request: OrderRequest): PositionSide {
  if (request.market === "spot") return "both";
  const requested = request.positionSide ?? (account.positionMode === "one_way" ? "both" : null);
  if (account.positionMode === "one_way" && requested === "both") return "both";
  if (account.positionMode === "hedge" && (requested === "long" || requested === "short")) return requested;
  throw refuse(
    ctx,
    account.positionMode === "hedge"
      ? `The account is in hedge mode: ${request.symbol} orders need position side long or short.`
      : `The account is in one-way mode: ${request.symbol} orders take no long/short position side.`,
  );
}

/** A closing order must face an open leg at least as large: it may shrink a position, never grow or flip it. */
function checkReduction(account: PaperAccount, ctx: PaperContext, order: PaperOrder, quantity: Big): void {
  const size = signedSize(account, order.symbol, order.positionSide);
  const faces = order.side === "buy" ? size.lt(0) : size.gt(0);
  if (faces && quantity.lte(size.abs())) return;
  const held = size.eq(0) ? "there is no open position" : `the position is ${size.toFixed()}`;
  throw refuse(ctx, `Reduce-only ${order.side} of ${quantity.toFixed()} ${order.symbol} would not reduce: ${held}.`);
}

function checkClientOrderId(account: PaperAccount, ctx: PaperContext, clientOrderId: string): void {
  if (!account.orders[clientOrderId] && !account.closedOrders[clientOrderId]) return;
  throw new ExchangeError("duplicate_client_id", `Client order id ${clientOrderId} is already used on this account.`, {
    venue: ctx.venue,
  });
}

function insufficient(ctx: PaperContext, message: string): ExchangeError {
  return new ExchangeError("insufficient_funds", message, { venue: ctx.venue });
}

function newRecord(ctx: PaperContext, placement: Placement, positionSide: PositionSide, id: string): PaperOrder {
  const { request, market } = placement;
  const timeInForce: TimeInForce = request.type === "market" ? "ioc" : (request.timeInForce ?? "gtc");
  return {
    venue: ctx.venue,
    market: request.market,
    symbol: request.symbol,
    clientOrderId: request.clientOrderId,
    exchangeOrderId: id,
    side: request.side,
    type: request.type,
    status: "open",
    price: request.type === "limit" && request.price ? Big(request.price).toFixed() : null,
    quantity: Big(request.quantity).toFixed(),
    filledQuantity: "0",
    averagePrice: null,
    fees: [],
    reduceOnly: request.market === "linear" && request.reduceOnly === true,
    positionSide,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    timeInForce,
    base: market.base,
    quote: market.quote,
    reserved: null,
  };
}

/** Refuses an order the account cannot pay for; returns what it spends (spot) or holds as initial margin (linear). */
function checkFunds(
  account: PaperAccount,
  ctx: PaperContext,
  order: PaperOrder,
  quantity: Big,
  price: Big,
  linearQuotes: Map<string, Quote>,
): Big {
  if (order.market === "spot") {
    const asset = order.side === "buy" ? order.quote : order.base;
    const amount = order.side === "buy" ? price.times(quantity) : quantity;
    const free = freeBalance(account, asset);
    if (amount.gt(free)) {
      throw insufficient(
        ctx,
        `Not enough ${asset}: the order needs ${amount.toFixed()} and ${free.toFixed()} is free.`,
      );
    }
    return amount;
  }
  const margin = marginFor(account, order.symbol, openingQuantity(account, order, quantity), price);
  const available = availableMargin(account, linearQuotes);
  if (margin.gt(available)) {
    throw insufficient(
      ctx,
      `Not enough margin: the order needs ${margin.round(8).toFixed()} USDT and ${available.toFixed()} USDT is available.`,
    );
  }
  return margin;
}

export function placePaperOrder(
  account: PaperAccount,
  ctx: PaperContext,
  placement: Placement,
  linearQuotes: Map<string, Quote>,
): Order {
  const { request, market } = placement;
  const { quantity, limit } = checkOrderShape(market, request);
  const positionSide = resolvePositionSide(account, ctx, request);
  const order = newRecord(ctx, placement, positionSide, nextExchangeId(account));
  const closing = order.market === "linear" && isClosingOrder(order);
  if (closing) checkReduction(account, ctx, order, quantity);

  const book = { bid: placement.book.bidPrice, ask: placement.book.askPrice };
  const taker = takerPrice(book, order.side, ctx.settings.slippageBps);
  const taking = limit === null || isMarketable(book, order.side, limit);
  // A marketable limit takes at the slipped book price but never trades worse than its limit.
  const fillPrice = limit === null ? taker : order.side === "buy" ? minOf(limit, taker) : maxOf(limit, taker);
  if (!closing) checkMinNotional(market, (limit ?? taker).times(quantity));
  checkClientOrderId(account, ctx, order.clientOrderId);
  if (taking && order.timeInForce === "post_only") {
    throw refuse(ctx, `Post-only ${order.side} at ${limit?.toFixed()} would trade immediately against the book.`);
  }

  if (!taking && (order.timeInForce === "ioc" || order.timeInForce === "fok")) {
    account.orders[order.clientOrderId] = order;
    closeOrder(account, order, "expired", ctx.now);
    return toOrder(order);
  }
  const held = checkFunds(account, ctx, order, quantity, taking ? fillPrice : (limit ?? taker), linearQuotes);
  account.orders[order.clientOrderId] = order;
  if (taking) {
    executeFill(account, ctx, order, fillPrice, quantity, false);
    return toOrder(order);
  }
  if (held.gt(0)) {
    const asset = order.market === "spot" && order.side === "sell" ? order.base : order.quote;
    order.reserved = { asset, amount: held.toFixed() };
    if (order.market === "spot") lockFunds(account, asset, held);
  }
  return toOrder(order);
}

function minOf(a: Big, b: Big): Big {
  return a.lt(b) ? a : b;
}

function maxOf(a: Big, b: Big): Big {
  return a.gt(b) ? a : b;
}
