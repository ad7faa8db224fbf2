import Big from "big.js";
import type { BacktestResult, EquityCurve } from "#lib/api/client.ts";

/** A backtest's equity as the portfolio chart draws a curve: each point with its PnL from the starting equity. */
export function backtestCurve(result: BacktestResult): EquityCurve {
  const start = Big(result.startingEquity);
  return {
    cashToken: result.cashToken,
    startingEquity: result.startingEquity,
    points: result.equityCurve.map((point) => ({
      at: point.at,
      equity: point.equity,
      pnl: Big(point.equity).minus(start).toFixed(),
    })),
  };
}

type StopTrigger = "stop_loss" | "take_profit" | "liquidation";

/** The trades a futures position's stop-loss, take-profit or liquidation filled, to mark on the equity curve. */
export function backtestMarkers(result: BacktestResult): { at: string; trigger: StopTrigger; tone: "good" | "bad" }[] {
  return result.trades.flatMap((trade) =>
    trade.trigger === "review"
      ? []
      : [{ at: trade.at, trigger: trade.trigger, tone: trade.trigger === "take_profit" ? "good" : "bad" }],
  );
}
