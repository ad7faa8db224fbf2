import { Dec, type Decimal, isDecimalString, isMultipleOf } from "./decimal.ts";
import { type Instrument, SimError } from "./types.ts";

/** The venue filters every order passes before it reaches the book (exchanges.md §1.5 PRICE_FILTER, LOT_SIZE, NOTIONAL). */

export function parsePositive(value: string | undefined, name: string): Decimal {
  if (value === undefined || !isDecimalString(value)) {
    throw new SimError("invalid_parameter", `${name} must be a positive decimal string`);
  }
  const parsed = new Dec(value);
  if (parsed.lte(0)) throw new SimError("invalid_parameter", `${name} must be positive`);
  return parsed;
}

export function checkTick(instrument: Instrument, price: Decimal): void {
  if (!isMultipleOf(price, instrument.tickSize)) {
    throw new SimError("filter_tick_size", `price ${price} is not a multiple of tick ${instrument.tickSize}`);
  }
}

export function checkLot(instrument: Instrument, quantity: Decimal): void {
  if (!isMultipleOf(quantity, instrument.stepSize)) {
    throw new SimError("filter_step_size", `quantity ${quantity} is not a multiple of step ${instrument.stepSize}`);
  }
  if (quantity.lt(instrument.minQty)) {
    throw new SimError("filter_min_qty", `quantity ${quantity} is below the minimum ${instrument.minQty}`);
  }
  if (quantity.gt(instrument.maxQty)) {
    throw new SimError("filter_max_qty", `quantity ${quantity} is above the maximum ${instrument.maxQty}`);
  }
}

export function checkMinNotional(instrument: Instrument, notional: Decimal): void {
  if (notional.lt(instrument.minNotional)) {
    throw new SimError("filter_min_notional", `notional ${notional} is below the minimum ${instrument.minNotional}`);
  }
}
