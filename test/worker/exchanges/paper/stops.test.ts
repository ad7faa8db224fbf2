import Big from "big.js";
import { describe, expect, it } from "vitest";
import type { ExchangeGateway } from "../../../../worker/exchanges/contract.ts";
import { caught, clientId, dec, holdPrice, paperSetup, SLIPPED, VENUES } from "./harness.ts";

// Linear symbols of this file: ADAUSDT and DOGEUSDT (held prices are shared with other test files).

const TAKER = "0.0005";

function takerFee(price: Big, quantity: Big.BigSource): Big {
  return price.times(quantity).times(TAKER).round(8, Big.roundUp);
}

function open(gateway: ExchangeGateway, symbol: string, side: "buy" | "sell", quantity: string) {
  return gateway.placeOrder({
    market: "linear",
    symbol,
    side,
    type: "market",
    quantity,
    clientOrderId: clientId("open"),
  });
}

describe.each(VENUES)("paper stop-loss and take-profit on %s", (venue) => {
  it("places SL/TP on a long; the stop fires when the mark falls through it and closes the whole position", async () => {
    const entryBook = await holdPrice(venue, "linear", "ADAUSDT", "0.9");
    const { gateway } = paperSetup(venue);
    await open(gateway, "ADAUSDT", "buy", "1000");
    const entry = entryBook.ask.times(SLIPPED.buy);
    const prefix = clientId("sl");
    const stops = await gateway.setStops({
      symbol: "ADAUSDT",
      positionSide: "both",
      side: "long",
      stopLoss: "0.85",
      takeProfit: "0.95",
      clientIdPrefix: prefix,
    });
    expect(stops.map((s) => [s.kind, s.triggerPrice, s.clientId, s.positionSide])).toEqual([
      ["stop_loss", "0.85", `${prefix}-sl`, "both"],
      ["take_profit", "0.95", `${prefix}-tp`, "both"],
    ]);
    for (const stop of stops) expect(stop.exchangeId).toMatch(/^paper-\d+$/);
    expect(await gateway.conditionalOrders("ADAUSDT")).toEqual(stops);
    expect(await gateway.conditionalOrders("DOGEUSDT")).toEqual([]);

    await holdPrice(venue, "linear", "ADAUSDT", "0.87");
    expect(await gateway.positions()).toHaveLength(1);
    const fallen = await holdPrice(venue, "linear", "ADAUSDT", "0.84");
    expect(await gateway.positions()).toEqual([]);
    expect(await gateway.conditionalOrders()).toEqual([]);
    const exit = fallen.bid.times(SLIPPED.sell);
    const fills = await gateway.fills("linear", "ADAUSDT", 0);
    expect(fills).toHaveLength(2);
    expect(fills[1]).toMatchObject({
      side: "sell",
      quantity: "1000",
      price: dec(exit),
      maker: false,
      fee: dec(takerFee(exit, 1000)),
    });
    expect(fills[1]?.clientOrderId?.startsWith(`${prefix}-sl-`)).toBe(true);
    const closing = await gateway.getOrder("linear", "ADAUSDT", fills[1]?.clientOrderId ?? "");
    expect(closing).toMatchObject({ type: "market", reduceOnly: true, status: "filled", filledQuantity: "1000" });
    const pnl = exit.minus(entry).times(1000);
    const wallet = Big(10000).minus(takerFee(entry, 1000)).plus(pnl).minus(takerFee(exit, 1000));
    expect(await gateway.futuresWallet()).toEqual({
      asset: "USDT",
      walletBalance: dec(wallet),
      availableBalance: dec(wallet),
      marginBalance: dec(wallet),
      unrealizedPnl: "0",
    });
  });

  it("takes profit on a short when the mark falls to the take-profit", async () => {
    const entryBook = await holdPrice(venue, "linear", "DOGEUSDT", "0.35");
    const { gateway } = paperSetup(venue);
    await open(gateway, "DOGEUSDT", "sell", "1000");
    const entry = entryBook.bid.times(SLIPPED.sell);
    await gateway.setStops({
      symbol: "DOGEUSDT",
      positionSide: "both",
      side: "short",
      stopLoss: "0.37",
      takeProfit: "0.33",
      clientIdPrefix: clientId("tp"),
    });
    const fallen = await holdPrice(venue, "linear", "DOGEUSDT", "0.32");
    expect(await gateway.positions("DOGEUSDT")).toEqual([]);
    const exit = fallen.ask.times(SLIPPED.buy);
    const [, close] = await gateway.fills("linear", "DOGEUSDT", 0);
    expect(close).toMatchObject({ side: "buy", quantity: "1000", price: dec(exit) });
    const pnl = entry.minus(exit).times(1000);
    expect(pnl.gt(0)).toBe(true);
    const wallet = Big(10000).minus(takerFee(entry, 1000)).plus(pnl).minus(takerFee(exit, 1000));
    expect((await gateway.futuresWallet()).walletBalance).toBe(dec(wallet));
    expect(await gateway.conditionalOrders()).toEqual([]);
  });

  it("refuses stops without a position or on the wrong side of the mark; replaces, clears one side, cancels", async () => {
    await holdPrice(venue, "linear", "ADAUSDT", "0.9");
    const { gateway } = paperSetup(venue);
    const request = {
      symbol: "ADAUSDT",
      positionSide: "both" as const,
      side: "long" as const,
      stopLoss: "0.85",
      takeProfit: null,
      clientIdPrefix: clientId("stops"),
    };
    const none = await caught(() => gateway.setStops(request));
    expect(none.kind).toBe("invalid_order");

    await open(gateway, "ADAUSDT", "buy", "100");
    expect(await caught(() => gateway.setStops({ ...request, stopLoss: "0.95" }))).toMatchObject({
      kind: "invalid_order",
    });
    expect(await caught(() => gateway.setStops({ ...request, side: "short" }))).toMatchObject({
      kind: "invalid_order",
    });
    expect(await caught(() => gateway.setStops({ ...request, positionSide: "long" }))).toMatchObject({
      kind: "invalid_order",
    });
    expect(await caught(() => gateway.setStops({ ...request, stopLoss: "0.85005" }))).toMatchObject({
      kind: "invalid_order",
      filter: "tick_size",
    });

    await gateway.setStops({ ...request, takeProfit: "0.99" });
    const replaced = await gateway.setStops({ ...request, stopLoss: "0.8", takeProfit: null });
    expect(replaced.map((s) => [s.kind, s.triggerPrice])).toEqual([["stop_loss", "0.8"]]);
    expect(await gateway.conditionalOrders()).toEqual(replaced);
    await gateway.cancelStops("ADAUSDT", "both");
    expect(await gateway.conditionalOrders()).toEqual([]);
  });

  it("removes the stops of a position closed in full by a reduce-only order", async () => {
    await holdPrice(venue, "linear", "ADAUSDT", "0.9");
    const { gateway } = paperSetup(venue);
    await open(gateway, "ADAUSDT", "buy", "100");
    await gateway.setStops({
      symbol: "ADAUSDT",
      positionSide: "both",
      side: "long",
      stopLoss: "0.8",
      takeProfit: "1",
      clientIdPrefix: clientId("closed"),
    });
    await gateway.placeOrder({
      market: "linear",
      symbol: "ADAUSDT",
      side: "sell",
      type: "market",
      quantity: "100",
      reduceOnly: true,
      clientOrderId: clientId("close"),
    });
    expect(await gateway.positions()).toEqual([]);
    expect(await gateway.conditionalOrders()).toEqual([]);
  });

  it("protects hedge legs separately: a fired stop closes only its own leg", async () => {
    await holdPrice(venue, "linear", "DOGEUSDT", "0.35");
    const { gateway } = paperSetup(venue);
    await gateway.setPositionMode("hedge");
    for (const [side, positionSide] of [
      ["buy", "long"],
      ["sell", "short"],
    ] as const) {
      await gateway.placeOrder({
        market: "linear",
        symbol: "DOGEUSDT",
        side,
        type: "market",
        quantity: "1000",
        positionSide,
        clientOrderId: clientId("leg"),
      });
    }
    await gateway.setStops({
      symbol: "DOGEUSDT",
      positionSide: "long",
      side: "long",
      stopLoss: "0.34",
      takeProfit: null,
      clientIdPrefix: clientId("long"),
    });
    await gateway.setStops({
      symbol: "DOGEUSDT",
      positionSide: "short",
      side: "short",
      stopLoss: "0.37",
      takeProfit: null,
      clientIdPrefix: clientId("short"),
    });
    await holdPrice(venue, "linear", "DOGEUSDT", "0.339");
    expect(await gateway.positions()).toMatchObject([{ positionSide: "short", size: "1000" }]);
    expect(await gateway.conditionalOrders()).toMatchObject([{ positionSide: "short", kind: "stop_loss" }]);
  });
});
