import Big from "big.js";
import { describe, expect, it } from "vitest";
import { type BookOrder, FuturesBook } from "../../../worker/portfolios/backtest-futures-book.ts";

/**
 * The futures backtest's virtual account on its own (no venue involved), for the short side and the cases the
 * scripted-candle tests (backtest-futures.test.ts) do not reach: a short's stop above and take-profit below, a gap
 * through the take-profit, a liquidation on the candle's range, a limit filled as maker, and stops that would trigger
 * at once. A short of 2 at 100, 5× leverage: margin 40, liquidation 100 × (1 + 1/5) / (1 + 0.005) ≈ 119.40298507.
 */

const RATES = { taker: "0.0005", maker: "0.0002" };
const AT = "2026-01-01T00:00:00.000Z";
const CLOSED = "2026-01-01T04:00:00.000Z";

function shortAt100(stopLoss: string | null, takeProfit: string | null) {
  const book = new FuturesBook(Big(1000), RATES, "cross");
  const order: BookOrder = {
    symbol: "SOLUSDT",
    action: "OPEN",
    side: "sell",
    positionSide: "both",
    quantity: "2",
    leverage: 5,
    stopLoss,
    takeProfit,
    limitPrice: null,
  };
  expect(book.fill(order, Big(100), false, AT, new Map([["SOLUSDT", Big(100)]]))).toBeNull();
  return book;
}

const candle = (open: string, high: string, low: string, close: string) => ({
  openTime: 0,
  open,
  high,
  low,
  close,
  volume: "1",
});

describe("the futures backtest's book", () => {
  it("opens a short with the taker fee and reports it as the gateway reports positions", () => {
    const book = shortAt100("105", "90");
    // 100 × 2 × 0.0005 = 0.1.
    expect(book.wallet.toFixed()).toBe("999.9");
    expect(book.positions(new Map([["SOLUSDT", Big(98)]]))).toEqual([
      {
        symbol: "SOLUSDT",
        side: "short",
        positionSide: "both",
        size: "2",
        entryPrice: "100",
        markPrice: "98",
        unrealizedPnl: "4",
        leverage: 5,
        liquidationPrice: "119.40298507",
        marginMode: "cross",
      },
    ]);
    expect(book.stops().map((s) => [s.kind, s.triggerPrice])).toEqual([
      ["stop_loss", "105"],
      ["take_profit", "90"],
    ]);
  });

  it("takes a short's stop-loss (above) before its take-profit (below) when one candle reaches both", () => {
    const book = shortAt100("105", "90");
    book.watch("SOLUSDT", candle("100", "106", "89", "95"), AT, CLOSED);
    // 2 × (100 − 105) = −10; 105 × 2 × 0.0005 = 0.105: 1000 − 0.1 − 10 − 0.105.
    expect(book.trades.at(-1)).toMatchObject({ trigger: "stop_loss", side: "buy", price: "105", fee: "0.105" });
    expect(book.trades.at(-1)?.realizedPnl).toBe("-10");
    expect(book.wallet.toFixed()).toBe("989.795");
    expect(book.hits).toEqual({ stop_loss: 1, take_profit: 0, liquidation: 0 });
  });

  it("fills a take-profit the candle gaps past at the open", () => {
    const book = shortAt100("105", "90");
    book.watch("SOLUSDT", candle("89", "89.5", "88", "88.5"), AT, CLOSED);
    // 2 × (100 − 89) = 22; 89 × 2 × 0.0005 = 0.089: 1000 − 0.1 + 22 − 0.089.
    expect(book.trades.at(-1)).toMatchObject({ trigger: "take_profit", price: "89", fee: "0.089", at: AT });
    expect(book.wallet.toFixed()).toBe("1021.811");
  });

  it("liquidates an unprotected short whose candle reaches the liquidation price, the margin lost", () => {
    const book = shortAt100(null, null);
    book.watch("SOLUSDT", candle("110", "120", "109", "118"), AT, CLOSED);
    expect(book.trades.at(-1)).toMatchObject({
      trigger: "liquidation",
      price: "119.40298507",
      fee: "0",
      realizedPnl: "-40",
      at: CLOSED,
    });
    expect(book.wallet.toFixed()).toBe("959.9");
    expect(book.positions(new Map())).toEqual([]);
  });

  it("keeps the stops it had when new ones would trigger at once, as the paper broker refuses them", () => {
    const book = shortAt100("105", "90");
    book.protect("SOLUSDT", "both", "99", null, Big(100));
    expect(book.stops().map((s) => s.triggerPrice)).toEqual(["105", "90"]);
    book.protect("SOLUSDT", "both", "103", null, Big(100));
    expect(book.stops().map((s) => s.triggerPrice)).toEqual(["103", "90"]);
  });

  it("refuses an open the free margin cannot carry at the fill, and closes in part with the maker fee", () => {
    const book = shortAt100("105", "90");
    const marks = new Map([["SOLUSDT", Big(100)]]);
    const tooBig: BookOrder = {
      symbol: "SOLUSDT",
      action: "INCREASE",
      side: "sell",
      positionSide: "both",
      quantity: "60",
      leverage: null,
      stopLoss: null,
      takeProfit: null,
      limitPrice: null,
    };
    // 60 × 100 / 5 = 1200 needed; 999.9 − 40 = 959.9 free.
    const refused = book.fill(tooBig, Big(100), false, AT, marks);
    expect(refused?.needed.toFixed()).toBe("1200");
    expect(refused?.free.toFixed()).toBe("959.9");
    const reduce: BookOrder = { ...tooBig, action: "REDUCE", side: "buy", quantity: "0.5", limitPrice: "95" };
    expect(book.fill(reduce, Big(95), true, AT, marks)).toBeNull();
    // 0.5 × (100 − 95) = 2.5; 95 × 0.5 × 0.0002 = 0.0095.
    expect(book.trades.at(-1)).toMatchObject({ action: "REDUCE", fee: "0.0095", realizedPnl: "2.5" });
    expect(book.positions(marks)[0]?.size).toBe("1.5");
  });
});
