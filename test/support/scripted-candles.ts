// Candles a test scripts into the simulator (POST /control/candles), shared by the worker tests (workerd) and the
// browser tests (Node).
import Big from "big.js";

export type ScriptedCandle = { open: string; high: string; low: string; close: string };

/**
 * 80 candles of an uptrend that zigzags (+2 %, −1.2 %) with 8 % wicks, up to a close of 20.00, built backwards
 * (the last a −1.2 % candle): at that close the built-in trend rule goes long (24- and 72-candle slopes up, RSI
 * about 64), with its stop at the widest distance allowed (2 × ATR is far above 15 %, so 15 %: 17.00) and its
 * take-profit twice as far (26.00).
 */
export function trendWarmUp(): ScriptedCandle[] {
  const closes = [Big("20.00")];
  for (let i = 1; i < 80; i++) {
    const later = closes[0] as Big;
    const factor = i % 2 === 1 ? Big("0.988") : Big("1.02");
    closes.unshift(later.div(factor).round(2));
  }
  return closes.map((close, i) => {
    const open = i === 0 ? close : (closes[i - 1] as Big);
    const top = open.gt(close) ? open : close;
    const bottom = open.lt(close) ? open : close;
    return {
      open: open.toFixed(2),
      high: top.times("1.08").round(2).toFixed(2),
      low: bottom.times("0.92").round(2).toFixed(2),
      close: close.toFixed(2),
    };
  });
}
