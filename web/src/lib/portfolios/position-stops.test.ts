import { describe, expect, it } from "vitest";
import type { ConditionalOrder } from "#lib/api/client.ts";
import { stopsOf } from "./position-stops.ts";

const stop = (
  symbol: string,
  kind: ConditionalOrder["kind"],
  positionSide: ConditionalOrder["positionSide"],
  price: string,
) =>
  ({
    symbol,
    kind,
    positionSide,
    triggerPrice: price,
    clientId: null,
    exchangeId: `${symbol}-${kind}`,
  }) satisfies ConditionalOrder;

describe("stopsOf", () => {
  const stops = [
    stop("SOLUSDT", "stop_loss", "both", "95"),
    stop("SOLUSDT", "take_profit", "both", "110"),
    stop("BTCUSDT", "stop_loss", "long", "58000"),
    stop("BTCUSDT", "take_profit", "short", "50000"),
  ];

  it("finds the stop-loss and take-profit of a one-way position", () => {
    expect(stopsOf({ symbol: "SOLUSDT", positionSide: "both" }, stops)).toEqual({ stopLoss: "95", takeProfit: "110" });
  });

  it("keeps hedge-mode sides apart", () => {
    expect(stopsOf({ symbol: "BTCUSDT", positionSide: "long" }, stops)).toEqual({
      stopLoss: "58000",
      takeProfit: null,
    });
  });

  it("answers nulls for an unprotected position", () => {
    expect(stopsOf({ symbol: "ETHUSDT", positionSide: "both" }, stops)).toEqual({ stopLoss: null, takeProfit: null });
  });
});
