import type { ConditionalOrder, Position } from "#lib/api/client.ts";

/**
 * The stop-loss and take-profit protecting a position: conditional orders on its symbol and position side (`both`
 * in one-way mode, `long`/`short` in hedge mode). Null where there is none.
 */
export function stopsOf(
  position: Pick<Position, "symbol" | "positionSide">,
  stops: readonly ConditionalOrder[],
): { stopLoss: string | null; takeProfit: string | null } {
  const mine = stops.filter((s) => s.symbol === position.symbol && s.positionSide === position.positionSide);
  return {
    stopLoss: mine.find((s) => s.kind === "stop_loss")?.triggerPrice ?? null,
    takeProfit: mine.find((s) => s.kind === "take_profit")?.triggerPrice ?? null,
  };
}
