import Big from "big.js";
import { type EngineText, engineText } from "../../shared/api/engine-messages.ts";
import type { Market, OrderSide, OrderType } from "./contract.ts";
import type { OrderFilter } from "./errors.ts";

/**
 * Decimal rounding to exchange filters (big.js, never float `toFixed`): quantities are floored to the step so we
 * never sell more than we hold, prices are rounded to the tick, stops are rounded in the protective direction.
 */

const VENUE_NAMES = { binance: "Binance", bybit: "Bybit" } as const;

/** Number of decimals a step or tick expresses ("0.0010" → 3, "1" → 0, "0.5" → 1). */
export function decimalsOf(step: string): number {
  const [, fraction = ""] = Big(step).toFixed().split(".");
  return fraction.length;
}

function toStepString(value: Big, step: string): string {
  return value.toFixed(decimalsOf(step));
}

/**
 * `value` as a multiple of `step`, rounded with `rm`, written with the step's decimals. A step of 1, 0.1, 0.01…
 * (most venues' ticks and steps) is a number of decimals to round to; any other (0.5, 0.05, 10) is divided into the
 * value first, which big.js does by long division to 20 places, many times the cost.
 */
function roundToMultiple(value: string, step: string, rm: Big.RoundingMode): string {
  const s = Big(step);
  if (s.lte(0)) return Big(value).toFixed();
  const decimals = decimalsOf(step);
  const rounded = s.eq(`1e-${decimals}`) ? Big(value).round(decimals, rm) : Big(value).div(s).round(0, rm).times(s);
  return rounded.toFixed(decimals);
}

/** Largest multiple of `step` that is ≤ value. */
export function floorToStep(value: string, step: string): string {
  return roundToMultiple(value, step, Big.roundDown);
}

/** Smallest multiple of `step` that is ≥ value. */
export function ceilToStep(value: string, step: string): string {
  return roundToMultiple(value, step, Big.roundUp);
}

export type RoundingMode = "nearest" | "down" | "up";

export function roundToTick(price: string, tick: string, mode: RoundingMode = "nearest"): string {
  return roundToMultiple(price, tick, mode === "down" ? Big.roundDown : mode === "up" ? Big.roundUp : Big.roundHalfUp);
}

/**
 * Trigger prices of protective orders round so that they fire no later than asked: a long's stop-loss and a short's
 * take-profit round up, a short's stop-loss and a long's take-profit round down.
 */
export function roundStopPrice(
  price: string,
  tick: string,
  position: "long" | "short",
  kind: "stop_loss" | "take_profit",
): string {
  const up = (position === "long") === (kind === "stop_loss");
  return roundToTick(price, tick, up ? "up" : "down");
}

export type SizingInput = {
  market: Market;
  side: OrderSide;
  type: OrderType;
  /** Wanted base quantity, any precision. */
  quantity: string;
  /** Limit price, or the reference (last) price for market orders. */
  price: string;
  /** What can be spent: base asset for sells, quote asset for buys. Omit for reduce-only futures closes. */
  available?: string;
  /** Raise a quantity below the minimum notional up to it when the balance allows. */
  bumpToMinNotional?: boolean;
  /** Reduce-only orders are exempt from minimum notional on both venues' futures. */
  reduceOnly?: boolean;
};

export type SizedOrder =
  | { ok: true; quantity: string; price: string; notional: string }
  | { ok: false; filter: OrderFilter; reason: string; text: EngineText };

/** A refusal with its English reason and the same as an engine text (shared/api/engine-messages.ts). */
const refused = (filter: OrderFilter, text: EngineText): SizedOrder => ({ ok: false, filter, reason: text.text, text });

/** Rounds an order to the market's filters and checks it before anything is sent, with a precise reason. */
export function sizeOrder(input: SizingInput): SizedOrder {
  const { market } = input;
  const venue = VENUE_NAMES[market.venue];
  const step = input.type === "market" && market.marketStepSize ? market.marketStepSize : market.stepSize;
  // Limit buys round down and sells up, so the order never trades at a worse price than asked.
  const price =
    input.type === "limit"
      ? roundToTick(input.price, market.tickSize, input.side === "buy" ? "down" : "up")
      : input.price;
  if (Big(price).lte(0))
    return refused(
      "tick_size",
      engineText("filter_price_not_positive", { price: input.price }, `Price ${input.price} is not positive.`),
    );

  let quantity = Big(floorToStep(input.quantity, step));
  const cap = affordable(input, price, step);
  if (cap !== null && quantity.gt(cap)) quantity = cap;

  const minQty = Big(market.minQty);
  if (quantity.lte(0) || quantity.lt(minQty)) {
    const roundedQty = toStepString(quantity, step);
    return refused(
      "min_qty",
      engineText(
        "filter_min_qty",
        {
          quantityQty: input.quantity,
          base: market.base,
          roundedQty,
          stepQty: step,
          venue,
          minQty: market.minQty,
          symbol: market.symbol,
        },
        `Quantity ${input.quantity} ${market.base} rounds to ${roundedQty} at step ${step}, below ${venue}'s minimum of ${market.minQty} ${market.base} for ${market.symbol}.`,
      ),
    );
  }
  const maxQty = input.type === "market" && market.maxMarketQty ? market.maxMarketQty : market.maxQty;
  if (maxQty && Big(maxQty).gt(0) && quantity.gt(maxQty)) {
    const roundedQty = toStepString(quantity, step);
    return refused(
      "max_qty",
      engineText(
        "filter_max_qty",
        { roundedQty, base: market.base, venue, maxQty, symbol: market.symbol },
        `Quantity ${roundedQty} ${market.base} is above ${venue}'s maximum of ${maxQty} ${market.base} for ${market.symbol}.`,
      ),
    );
  }

  const minNotional = Big(market.minNotional);
  let notional = quantity.times(price);
  if (!input.reduceOnly && notional.lt(minNotional)) {
    const needed = Big(ceilToStep(minNotional.div(price).toFixed(), step));
    const fits = (cap === null || needed.lte(cap)) && (!maxQty || Big(maxQty).lte(0) || needed.lte(maxQty));
    if (!input.bumpToMinNotional || !fits) {
      const params = {
        notionalAmount: notional.round(8).toFixed(),
        quote: market.quote,
        venue,
        minAmount: market.minNotional,
        symbol: market.symbol,
      };
      return refused(
        "min_notional",
        engineText(
          input.bumpToMinNotional ? "filter_min_notional_unaffordable" : "filter_min_notional",
          params,
          `Order value ${params.notionalAmount} ${market.quote} is below ${venue}'s minimum of ${market.minNotional} ${market.quote} for ${market.symbol}${input.bumpToMinNotional ? ", and the balance cannot cover the minimum" : ""}.`,
        ),
      );
    }
    quantity = needed;
    notional = quantity.times(price);
  }
  return { ok: true, quantity: toStepString(quantity, step), price, notional: notional.toFixed() };
}

/** The most the balance allows, floored to the step; `null` when no balance limit applies. */
function affordable(input: SizingInput, price: string, step: string): Big | null {
  if (input.available === undefined) return null;
  const base = input.side === "sell" ? Big(input.available) : Big(input.available).div(price);
  return Big(floorToStep(base.toFixed(), step));
}
