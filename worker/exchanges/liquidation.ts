import Big from "big.js";

/**
 * Where a USDT-perpetual position would be liquidated, estimated from what every venue publishes: entry, leverage
 * and side. The position's own margin is entry × size / leverage (isolated); it is liquidated once what is left of
 * it equals the maintenance margin, mmr × size × L:
 *   long:  L = entry × (1 − 1/leverage) / (1 − mmr)
 *   short: L = entry × (1 + 1/leverage) / (1 + mmr)
 * This is the isolated-margin liquidation formula the venues publish for USDT perpetuals, with the maintenance amount
 * (a per-bracket deduction) and closing fees left out, and the simulator's own (sim/engine/positions.ts). Cross margin
 * draws on the whole wallet, so its liquidation lies further away: the isolated figure is the conservative one. The
 * gateway does not expose the venues' per-symbol maintenance brackets, so the rate is the lowest tier of the majors
 * (0.4–0.5 %), taken at the larger; wherever the venue reports a position's liquidation price, that is used instead.
 */
export const DEFAULT_MAINTENANCE_MARGIN_RATE = "0.005";

export function estimateLiquidationPrice(input: {
  side: "long" | "short";
  entryPrice: string;
  leverage: number;
  maintenanceMarginRate?: string;
}): Big | null {
  const entry = Big(input.entryPrice);
  const mmr = Big(input.maintenanceMarginRate ?? DEFAULT_MAINTENANCE_MARGIN_RATE);
  if (entry.lte(0) || input.leverage < 1) return null;
  const inverse = Big(1).div(input.leverage);
  const price =
    input.side === "long"
      ? entry.times(Big(1).minus(inverse)).div(Big(1).minus(mmr))
      : entry.times(Big(1).plus(inverse)).div(Big(1).plus(mmr));
  // 1× long: no positive price liquidates it.
  return price.gt(0) ? price : null;
}

/**
 * How far a stop-loss triggers before liquidation, in % of the liquidation price: positive when the stop comes
 * first (above a long's liquidation, below a short's), zero or negative when the position would be liquidated first.
 */
export function stopDistanceFromLiquidationPct(side: "long" | "short", stopLoss: Big, liquidation: Big): Big {
  const ahead = side === "long" ? stopLoss.minus(liquidation) : liquidation.minus(stopLoss);
  return ahead.div(liquidation).times(100);
}
