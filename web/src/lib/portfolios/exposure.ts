import { numberOf } from "./draft.ts";

/**
 * Above 300% of equity (3× leverage) a move of a third against the positions takes the whole equity: past that the
 * form warns, before saving and in the saved settings. The API refuses what the maximum leverage cannot reach
 * (leverage × 100%) and, for every market, more than 12,500%.
 */
export const RISKY_EXPOSURE_PCT = 300;

export type ExposureWarning =
  /** Futures above RISKY_EXPOSURE_PCT: `move` is the price move (%) against the positions that takes the equity. */
  | { kind: "risky"; exposure: number; move: number }
  /** Futures above maxLeverage × 100%: the API refuses it. */
  | { kind: "overLeverage"; exposure: number; ceiling: number; leverage: number }
  /** Spot above 100%: a spot portfolio never holds more than its equity, so the limit never applies. */
  | { kind: "spotOver100"; exposure: number };

/** What to say about a maximum exposure as typed ("" is no limit), or null when it is unremarkable. */
export function exposureWarning(
  input: string | null,
  market: "spot" | "futures",
  maxLeverage: number | null,
): ExposureWarning | null {
  const exposure = input === null ? null : numberOf(input);
  if (exposure === null || !Number.isFinite(exposure) || exposure <= 0) return null;
  if (market === "spot") return exposure > 100 ? { kind: "spotOver100", exposure } : null;
  if (maxLeverage !== null && Number.isFinite(maxLeverage) && exposure > maxLeverage * 100)
    return { kind: "overLeverage", exposure, ceiling: maxLeverage * 100, leverage: maxLeverage };
  if (exposure > RISKY_EXPOSURE_PCT)
    return { kind: "risky", exposure, move: Math.round((10_000 / exposure) * 10) / 10 };
  return null;
}
