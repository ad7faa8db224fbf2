import Big from "big.js";
import { ClientOrderId, type Market, type OrderRequest } from "../contract.ts";
import { ExchangeError, type OrderFilter } from "../errors.ts";

/** The checks a venue makes on an order before it looks at the account: status, tick, step, size limits, notional. */

const VENUE_NAMES = { binance: "Binance", bybit: "Bybit" } as const;

function refuse(market: Market, message: string, filter: OrderFilter | null = null): ExchangeError {
  return new ExchangeError("invalid_order", message, { venue: market.venue, filter });
}

function isMultiple(value: Big, step: string): boolean {
  return Big(step).lte(0) || value.mod(step).eq(0);
}

function positive(market: Market, value: string | undefined, what: string): Big {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value) || Big(value).lte(0)) {
    throw refuse(market, `The ${what} must be a positive decimal number, got ${value ?? "none"}.`);
  }
  return Big(value);
}

/** Validates everything about the request that does not depend on balances or positions; returns the limit price. */
export function checkOrderShape(market: Market, request: OrderRequest): { quantity: Big; limit: Big | null } {
  const venue = VENUE_NAMES[market.venue];
  if (market.status !== "trading") {
    throw refuse(market, `${market.symbol} is not trading on ${venue} ${market.type} (${market.status}).`);
  }
  if (!ClientOrderId.safeParse(request.clientOrderId).success) {
    throw refuse(market, `Client order id ${request.clientOrderId} must be 1-36 characters of A-Z, a-z, 0-9, - and _.`);
  }
  const quantity = positive(market, request.quantity, "quantity");
  const limit = request.type === "limit" ? positive(market, request.price, "limit price") : null;
  if (limit && !isMultiple(limit, market.tickSize)) {
    throw refuse(
      market,
      `Price ${request.price} is not a multiple of ${venue}'s tick size ${market.tickSize} for ${market.symbol}.`,
      "tick_size",
    );
  }
  const step = request.type === "market" && market.marketStepSize ? market.marketStepSize : market.stepSize;
  if (!isMultiple(quantity, step)) {
    throw refuse(
      market,
      `Quantity ${request.quantity} ${market.base} is not a multiple of ${venue}'s step ${step} for ${market.symbol}.`,
      "step_size",
    );
  }
  if (quantity.lt(market.minQty)) {
    throw refuse(
      market,
      `Quantity ${request.quantity} ${market.base} is below ${venue}'s minimum of ${market.minQty} ${market.base} for ${market.symbol}.`,
      "min_qty",
    );
  }
  const maxQty = request.type === "market" && market.maxMarketQty ? market.maxMarketQty : market.maxQty;
  if (maxQty && Big(maxQty).gt(0) && quantity.gt(maxQty)) {
    throw refuse(
      market,
      `Quantity ${request.quantity} ${market.base} is above ${venue}'s maximum of ${maxQty} ${market.base} for ${market.symbol}.`,
      "max_qty",
    );
  }
  return { quantity, limit };
}

/** Reduce-only orders are exempt, as on both venues' futures. */
export function checkMinNotional(market: Market, notional: Big): void {
  if (notional.gte(market.minNotional)) return;
  const venue = VENUE_NAMES[market.venue];
  throw refuse(
    market,
    `Order value ${notional.round(8).toFixed()} ${market.quote} is below ${venue}'s minimum of ${market.minNotional} ${market.quote} for ${market.symbol}.`,
    "min_notional",
  );
}

export function checkTriggerTick(market: Market, price: string, what: string): Big {
  const trigger = positive(market, price, what);
  if (!isMultiple(trigger, market.tickSize)) {
    throw refuse(
      market,
      `The ${what} ${price} is not a multiple of the tick size ${market.tickSize} for ${market.symbol}.`,
      "tick_size",
    );
  }
  return trigger;
}
