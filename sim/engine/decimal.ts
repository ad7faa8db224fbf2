import Big from "big.js";

/**
 * The simulator's own big.js constructor, so its settings never leak into other users of big.js: plain notation for
 * every magnitude a price or quantity can take, and enough division places for fees and entry-price averages.
 */
export const Dec = Big();
Dec.DP = 30;
Dec.NE = -40;
Dec.PE = 60;
Dec.RM = Dec.roundHalfUp;

export type Decimal = Big;

export const ZERO = new Dec(0);

const DECIMAL_STRING = /^\d+(\.\d+)?$/;

/** True when `value` is a plain non-negative decimal string such as "0.001" (no sign, exponent or spaces). */
export function isDecimalString(value: string): boolean {
  return DECIMAL_STRING.test(value);
}

export function decimalsOf(step: string): number {
  const dot = step.indexOf(".");
  return dot < 0 ? 0 : step.length - dot - 1;
}

export function isMultipleOf(value: Decimal, step: string): boolean {
  return value.mod(step).eq(0);
}

export type Rounding = "down" | "up" | "nearest";

const ROUNDING = { down: Dec.roundDown, up: Dec.roundUp, nearest: Dec.roundHalfUp } as const;

/** Rounds to a whole number of steps, e.g. a quantity to the lot step or a price to the tick. */
export function roundToStep(value: Decimal, step: string, rounding: Rounding): Decimal {
  return value.div(step).round(0, ROUNDING[rounding]).times(step);
}

/** Formats with exactly the step's decimals ("95000.10" for tick 0.01), the way venues print prices and sizes. */
export function formatToStep(value: Decimal, step: string): string {
  return value.toFixed(decimalsOf(step));
}

/** Canonical form without trailing zeros ("1.5", "0", "-2.25"). */
export function formatDecimal(value: Decimal): string {
  return value.toString();
}

export function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a.lt(b) ? a : b;
}

export function maxDecimal(a: Decimal, b: Decimal): Decimal {
  return a.gt(b) ? a : b;
}
