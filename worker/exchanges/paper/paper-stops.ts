import Big from "big.js";
import type { ConditionalOrder, Market, PositionSide, StopKind, StopsRequest } from "../contract.ts";
import { ExchangeError } from "../errors.ts";
import type { PaperAccount, PaperConditional, PaperOrder } from "./paper-account.ts";
import { checkTriggerTick } from "./paper-filters.ts";
import { findPosition } from "./paper-linear.ts";
import { executeFill, nextExchangeId, type PaperContext } from "./paper-orders.ts";
import { type Quote, takerPrice } from "./paper-quotes.ts";

/**
 * Close-position stop-loss and take-profit on a linear leg (Binance closePosition algo orders, Bybit trading-stop):
 * they watch the mark price and, once it crosses the trigger, close the whole leg with a reduce-only market fill.
 */

const MAX_CLIENT_ID = 36;
const SUFFIX: Record<StopKind, string> = { stop_loss: "sl", take_profit: "tp" };

export type StopsPlacement = { request: StopsRequest; market: Market };

/** A long's stop fires on a fall and its take-profit on a rise; mirrored for a short. */
function isTriggered(stop: Pick<PaperConditional, "kind" | "side">, trigger: Big, mark: Big): boolean {
  const firesOnFall = (stop.kind === "stop_loss") === (stop.side === "long");
  return firesOnFall ? mark.lte(trigger) : mark.gte(trigger);
}

function refuse(ctx: PaperContext, message: string): ExchangeError {
  return new ExchangeError("invalid_order", message, { venue: ctx.venue });
}

function ofLeg(stop: PaperConditional, symbol: string, positionSide: PositionSide): boolean {
  return stop.symbol === symbol && stop.positionSide === positionSide;
}

function toConditional(stop: PaperConditional): ConditionalOrder {
  return {
    symbol: stop.symbol,
    kind: stop.kind,
    positionSide: stop.positionSide,
    triggerPrice: stop.triggerPrice,
    clientId: stop.clientId,
    exchangeId: stop.exchangeId,
  };
}

export function conditionalViews(account: PaperAccount, symbol?: string): ConditionalOrder[] {
  return account.conditionals.filter((stop) => symbol === undefined || stop.symbol === symbol).map(toConditional);
}

export function cancelPaperStops(account: PaperAccount, symbol: string, positionSide: PositionSide): void {
  account.conditionals = account.conditionals.filter((stop) => !ofLeg(stop, symbol, positionSide));
}

/** Places or replaces both sides at once; a null price removes that side. Everything is checked before any change. */
export function setPaperStops(
  account: PaperAccount,
  ctx: PaperContext,
  placement: StopsPlacement,
  quote: Quote | undefined,
): ConditionalOrder[] {
  const { request, market } = placement;
  const expected =
    account.positionMode === "one_way" ? request.positionSide === "both" : request.positionSide !== "both";
  if (!expected) {
    throw refuse(
      ctx,
      `Position side ${request.positionSide} does not match the ${account.positionMode} position mode.`,
    );
  }
  const position = findPosition(account, request.symbol, request.positionSide);
  if (!position || position.side !== request.side || !quote) {
    throw refuse(ctx, `There is no open ${request.side} ${request.symbol} position to protect (no open position).`);
  }
  const mark = Big(quote.mark);
  const wanted: { kind: StopKind; price: string | null }[] = [
    { kind: "stop_loss", price: request.stopLoss },
    { kind: "take_profit", price: request.takeProfit },
  ];
  for (const { kind, price } of wanted) {
    if (price === null) continue;
    const what = kind === "stop_loss" ? "stop-loss" : "take-profit";
    const trigger = checkTriggerTick(market, price, what);
    if (isTriggered({ kind, side: request.side }, trigger, mark)) {
      throw refuse(
        ctx,
        `The ${what} ${price} for the ${request.side} ${request.symbol} position would trigger immediately: the mark price is ${quote.mark}.`,
      );
    }
  }
  cancelPaperStops(account, request.symbol, request.positionSide);
  for (const { kind, price } of wanted) {
    if (price === null) continue;
    account.conditionals.push({
      exchangeId: nextExchangeId(account),
      clientId: `${request.clientIdPrefix}-${SUFFIX[kind]}`.slice(0, MAX_CLIENT_ID),
      symbol: request.symbol,
      positionSide: request.positionSide,
      side: request.side,
      kind,
      triggerPrice: Big(price).toFixed(),
      createdAt: ctx.now,
      base: market.base,
      quote: market.quote,
    });
  }
  return conditionalViews(account, request.symbol).filter((stop) => stop.positionSide === request.positionSide);
}

/** Fires every stop whose trigger the mark has crossed; a fired stop takes its sibling with it. */
export function triggerStops(account: PaperAccount, ctx: PaperContext, linearQuotes: Map<string, Quote>): void {
  for (const stop of [...account.conditionals]) {
    if (!account.conditionals.includes(stop)) continue;
    const quote = linearQuotes.get(stop.symbol);
    if (!quote || !isTriggered(stop, Big(stop.triggerPrice), Big(quote.mark))) continue;
    cancelPaperStops(account, stop.symbol, stop.positionSide);
    closeLegAtMarket(account, ctx, stop, quote);
  }
}

function closeLegAtMarket(account: PaperAccount, ctx: PaperContext, stop: PaperConditional, quote: Quote): void {
  const position = findPosition(account, stop.symbol, stop.positionSide);
  if (!position) return;
  const side = position.side === "long" ? "sell" : "buy";
  const exchangeOrderId = nextExchangeId(account);
  // Unique per trigger: the same SL client id is reused whenever the engine replaces the stops.
  const suffix = `-${exchangeOrderId.slice("paper-".length)}`;
  const order: PaperOrder = {
    venue: ctx.venue,
    market: "linear",
    symbol: stop.symbol,
    clientOrderId: `${stop.clientId.slice(0, MAX_CLIENT_ID - suffix.length)}${suffix}`,
    exchangeOrderId,
    side,
    type: "market",
    status: "open",
    price: null,
    quantity: position.size,
    filledQuantity: "0",
    averagePrice: null,
    fees: [],
    reduceOnly: true,
    positionSide: stop.positionSide,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    timeInForce: "ioc",
    base: stop.base,
    quote: stop.quote,
    reserved: null,
  };
  account.orders[order.clientOrderId] = order;
  executeFill(account, ctx, order, takerPrice(quote, side, ctx.settings.slippageBps), Big(position.size), false);
}
