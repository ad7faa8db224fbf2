import Big from "big.js";
import type { CloseFuturesPosition, OpenFuturesPosition, SetStops } from "../../shared/api/accounts.ts";
import type { ConditionalOrder, ExchangeGateway, Market, Order, Position } from "../exchanges/contract.ts";
import { isExchangeError } from "../exchanges/errors.ts";
import {
  closePosition,
  type OpenPositionResult,
  openPosition,
  positionSideFor,
  protectEntry,
} from "../exchanges/futures.ts";
import { venueName } from "../exchanges/http.ts";
import { roundStopPrice, sizeOrder } from "../exchanges/precision.ts";
import { ApiError } from "../http/api-error.ts";

/**
 * Futures actions behind the HTTP surface. Orders are sized and checked against the market's filters before
 * anything is sent; an order whose outcome the venue did not confirm is looked up by its client id before we
 * answer, and with an Idempotency-Key (`resumable`) an earlier attempt's order is found before placing a new one.
 */

export type OrderIntent = { clientOrderId: string; resumable: boolean };

/** How often we ask the venue about an unconfirmed order before answering 502. */
const OUTCOME_LOOKUPS = 2;
const OUTCOME_LOOKUP_DELAY_MS = 300;

export async function openFuturesPosition(
  gateway: ExchangeGateway,
  input: OpenFuturesPosition,
  intent: OrderIntent,
): Promise<OpenPositionResult> {
  const finish = (order: Order) => protectFilledEntry(gateway, input, order, intent.clientOrderId);
  if (intent.resumable) {
    const earlier = await gateway.getOrder("linear", input.symbol, intent.clientOrderId);
    if (earlier) return finish(earlier);
  }
  const market = await gateway.market("linear", input.symbol);
  const reference = input.price ?? (await lastPrice(gateway, input.symbol));
  const quantity =
    input.quantity ??
    Big(input.notional ?? "0")
      .div(reference)
      .toFixed();
  const sized = checked(
    sizeOrder({ market, side: input.side === "long" ? "buy" : "sell", type: input.type, quantity, price: reference }),
    market,
  );
  const stops = roundedStops(market, input.side, reference, input);
  const positionMode = await gateway.positionMode();
  try {
    return await openPosition(gateway, {
      symbol: input.symbol,
      side: input.side,
      quantity: sized.quantity,
      type: input.type,
      price: input.type === "limit" ? sized.price : undefined,
      clientOrderId: intent.clientOrderId,
      positionMode,
      ...stops,
    });
  } catch (error) {
    if (!isExchangeError(error, "unknown_outcome")) throw error;
    return finish(await resolveOutcome(gateway, input.symbol, intent.clientOrderId));
  }
}

export async function closeFuturesPosition(
  gateway: ExchangeGateway,
  input: CloseFuturesPosition,
  intent: OrderIntent,
): Promise<Order> {
  if (intent.resumable) {
    const earlier = await gateway.getOrder("linear", input.symbol, intent.clientOrderId);
    if (earlier) return earlier;
  }
  const position = await openPositionFor(gateway, input.symbol, input.side);
  let quantity: string | undefined;
  let price = input.price;
  if (input.quantity !== undefined || price !== undefined) {
    const market = await gateway.market("linear", input.symbol);
    const sized = checked(
      sizeOrder({
        market,
        side: position.side === "long" ? "sell" : "buy",
        type: input.type,
        quantity: input.quantity ?? position.size,
        price: price ?? position.markPrice,
        reduceOnly: true,
      }),
      market,
    );
    // Asking for at least the whole size is a full close (which also removes the position's SL/TP).
    quantity = Big(sized.quantity).gte(position.size) ? undefined : sized.quantity;
    price = price === undefined ? undefined : sized.price;
  }
  try {
    return await closePosition(gateway, {
      position,
      quantity,
      type: input.type,
      price,
      clientOrderId: intent.clientOrderId,
    });
  } catch (error) {
    if (!isExchangeError(error, "unknown_outcome")) throw error;
    return resolveOutcome(gateway, input.symbol, intent.clientOrderId);
  }
}

/** Sets or replaces the stop-loss and take-profit of an open position (null removes that side). */
export async function replaceStops(
  gateway: ExchangeGateway,
  symbol: string,
  input: SetStops,
): Promise<ConditionalOrder[]> {
  const position = await openPositionFor(gateway, symbol, input.side);
  const market = await gateway.market("linear", symbol);
  const stops = roundedStops(market, position.side, position.markPrice, input);
  return gateway.setStops({
    symbol,
    positionSide: position.positionSide,
    side: position.side,
    stopLoss: stops.stopLoss ?? null,
    takeProfit: stops.takeProfit ?? null,
    clientIdPrefix: `s${Date.now().toString(36)}${crypto.randomUUID().slice(0, 8)}`,
  });
}

/** Cancels SL/TP of one side, or of every side of the symbol when none is named. */
export async function removeStops(gateway: ExchangeGateway, symbol: string, side?: "long" | "short"): Promise<void> {
  const mode = await gateway.positionMode();
  const sides = side ? [positionSideFor(mode, side)] : mode === "hedge" ? (["long", "short"] as const) : ["both"];
  for (const positionSide of sides) await gateway.cancelStops(symbol, positionSide as "both" | "long" | "short");
}

export async function setLeverage(gateway: ExchangeGateway, symbol: string, leverage: number): Promise<void> {
  const market = await gateway.market("linear", symbol);
  const min = market.minLeverage ?? 1;
  if (leverage < min || (market.maxLeverage !== null && leverage > market.maxLeverage))
    throw new ApiError(
      "leverage_out_of_range",
      `${venueName(market.venue)} allows leverage ${min}–${market.maxLeverage ?? "?"}x for ${symbol}, not ${leverage}x.`,
      { status: 422, details: { venue: market.venue, min, max: market.maxLeverage } },
    );
  await gateway.setLeverage(symbol, leverage);
}

export async function setMarginMode(
  gateway: ExchangeGateway,
  symbol: string,
  mode: "cross" | "isolated",
): Promise<void> {
  await gateway.market("linear", symbol);
  await gateway.setMarginMode(symbol, mode);
}

async function protectFilledEntry(
  gateway: ExchangeGateway,
  input: OpenFuturesPosition,
  order: Order,
  clientOrderId: string,
): Promise<OpenPositionResult> {
  // Stops are checked and rounded against the actual fill; protectEntry decides whether they can be placed yet.
  const filled = Big(order.filledQuantity).gt(0) && Boolean(input.stopLoss || input.takeProfit);
  const stops = filled
    ? roundedStops(
        await gateway.market("linear", input.symbol),
        input.side,
        order.averagePrice ?? order.price ?? (await lastPrice(gateway, input.symbol)),
        input,
      )
    : input;
  // setStops replaces, so repeating it for a resumed request leaves the same protection.
  return protectEntry(gateway, order, {
    symbol: input.symbol,
    positionSide: order.positionSide,
    side: input.side,
    stopLoss: stops.stopLoss ?? null,
    takeProfit: stops.takeProfit ?? null,
    clientIdPrefix: clientOrderId.slice(0, 28),
  });
}

/** The venue did not confirm an order: ask for it by client id (twice) before answering. */
async function resolveOutcome(gateway: ExchangeGateway, symbol: string, clientOrderId: string): Promise<Order> {
  for (let attempt = 0; attempt < OUTCOME_LOOKUPS; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, OUTCOME_LOOKUP_DELAY_MS));
    try {
      const order = await gateway.getOrder("linear", symbol, clientOrderId);
      if (order) return order;
    } catch (error) {
      if (!isExchangeError(error) || !error.retryable) throw error;
    }
  }
  throw new ApiError(
    "exchange_unknown_outcome",
    `${venueName(gateway.venue)} did not confirm order ${clientOrderId} and it could not be found yet. Nothing was ` +
      "resent; the order will be reconciled by its client order id. Retry with the same Idempotency-Key to check again.",
    { status: 502, details: { venue: gateway.venue, clientOrderId } },
  );
}

async function openPositionFor(gateway: ExchangeGateway, symbol: string, side?: "long" | "short"): Promise<Position> {
  const open = (await gateway.positions(symbol)).filter(
    (p) => p.symbol === symbol && Big(p.size).gt(0) && (!side || p.side === side),
  );
  const [position] = open;
  if (!position)
    throw new ApiError("position_not_found", `There is no open ${side ? `${side} ` : ""}${symbol} position.`, {
      status: 404,
    });
  if (open.length > 1)
    throw new ApiError("validation_failed", `Both a long and a short ${symbol} position are open: say which (side).`);
  return position;
}

async function lastPrice(gateway: ExchangeGateway, symbol: string): Promise<string> {
  const [ticker] = await gateway.tickers("linear", [symbol]);
  if (!ticker) throw new Error(`the gateway answered no ticker for ${symbol}`);
  return ticker.last;
}

function checked(sized: ReturnType<typeof sizeOrder>, market: Market) {
  if (sized.ok) return sized;
  throw new ApiError("exchange_invalid_order", sized.reason, {
    status: 422,
    details: { venue: market.venue, filter: sized.filter },
  });
}

/**
 * Protective prices rounded to the tick in the direction that fires no later than asked, and on the right side of
 * the reference price (a long's stop-loss below it, its take-profit above).
 */
function roundedStops(
  market: Market,
  side: "long" | "short",
  reference: string,
  input: { stopLoss?: string | null; takeProfit?: string | null },
): { stopLoss?: string | null; takeProfit?: string | null } {
  const below = (kind: "stop_loss" | "take_profit") => (side === "long") === (kind === "stop_loss");
  const round = (price: string | null | undefined, kind: "stop_loss" | "take_profit") => {
    if (!price) return price;
    const rounded = roundStopPrice(price, market.tickSize, side, kind);
    const wrongSide = below(kind) ? Big(rounded).gte(reference) : Big(rounded).lte(reference);
    if (wrongSide)
      throw new ApiError(
        "exchange_invalid_order",
        `A ${side}'s ${kind === "stop_loss" ? "stop-loss" : "take-profit"} must be ${below(kind) ? "below" : "above"} the current price ${reference} ${market.quote}; got ${price}.`,
        { status: 422, details: { venue: market.venue, filter: "price_band" } },
      );
    return rounded;
  };
  return { stopLoss: round(input.stopLoss, "stop_loss"), takeProfit: round(input.takeProfit, "take_profit") };
}
