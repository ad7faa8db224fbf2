import Big from "big.js";
import { describe, expect, it } from "vitest";
import type { ExchangeGateway, OrderRequest } from "../../../../worker/exchanges/contract.ts";
import { caught, clientId, dec, holdPrice, paperSetup, SLIPPED, VENUES } from "./harness.ts";

// Linear symbol of this file: XRPUSDT (held prices are shared with other test files).

const TAKER = "0.0005";
const MAKER = "0.0002";

function takerFee(price: Big, quantity: Big.BigSource): Big {
  return price.times(quantity).times(TAKER).round(8, Big.roundUp);
}

function xrp(gateway: ExchangeGateway, fields: Partial<OrderRequest> & Pick<OrderRequest, "side" | "quantity">) {
  return gateway.placeOrder({
    market: "linear",
    symbol: "XRPUSDT",
    type: "market",
    clientOrderId: clientId("xrp"),
    ...fields,
  });
}

describe.each(VENUES)("paper USDT perpetuals on %s", (venue) => {
  it("opens a long at market with the set leverage and reports position and wallet exactly", async () => {
    const book = await holdPrice(venue, "linear", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue);
    await gateway.setLeverage("XRPUSDT", 5);
    const order = await xrp(gateway, { side: "buy", quantity: "1000" });
    const entry = book.ask.times(SLIPPED.buy);
    const fee = takerFee(entry, 1000);
    expect(order).toMatchObject({
      market: "linear",
      status: "filled",
      positionSide: "both",
      reduceOnly: false,
      averagePrice: dec(entry),
      fees: [{ asset: "USDT", amount: dec(fee) }],
    });
    expect(await gateway.positions()).toEqual([
      {
        symbol: "XRPUSDT",
        side: "long",
        positionSide: "both",
        size: "1000",
        entryPrice: dec(entry),
        markPrice: dec(book.price),
        unrealizedPnl: dec(book.price.minus(entry).times(1000)),
        leverage: 5,
        liquidationPrice: null,
        marginMode: "cross",
      },
    ]);
    expect(await gateway.positions("ADAUSDT")).toEqual([]);
    const wallet = Big(10000).minus(fee);
    const unrealized = book.price.minus(entry).times(1000);
    const margin = book.price.times(1000).div(5);
    expect(await gateway.futuresWallet()).toEqual({
      asset: "USDT",
      walletBalance: dec(wallet),
      unrealizedPnl: dec(unrealized),
      marginBalance: dec(wallet.plus(unrealized)),
      availableBalance: dec(wallet.plus(unrealized).minus(margin)),
    });
  });

  it("opens a short with the default leverage 10 and the cross margin mode", async () => {
    const book = await holdPrice(venue, "linear", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue);
    const order = await xrp(gateway, { side: "sell", quantity: "400" });
    const entry = book.bid.times(SLIPPED.sell);
    expect(order.averagePrice).toBe(dec(entry));
    const [position] = await gateway.positions("XRPUSDT");
    expect(position).toMatchObject({ side: "short", size: "400", entryPrice: dec(entry), leverage: 10 });
    expect(position?.unrealizedPnl).toBe(dec(entry.minus(book.price).times(400)));
    const wallet = await gateway.futuresWallet();
    expect(wallet.walletBalance).toBe(dec(Big(10000).minus(takerFee(entry, 400))));
    expect(wallet.availableBalance).toBe(dec(Big(wallet.marginBalance).minus(book.price.times(400).div(10))));
  });

  it("realizes PnL on a partial reduce-only close and refuses reduce-only orders that would grow or flip", async () => {
    const open = await holdPrice(venue, "linear", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue);
    await xrp(gateway, { side: "buy", quantity: "1000" });
    const entry = open.ask.times(SLIPPED.buy);

    const later = await holdPrice(venue, "linear", "XRPUSDT", "2.6");
    const reduce = await xrp(gateway, { side: "sell", quantity: "400", reduceOnly: true });
    const exit = later.bid.times(SLIPPED.sell);
    expect(reduce).toMatchObject({ status: "filled", reduceOnly: true, averagePrice: dec(exit) });
    const pnl = exit.minus(entry).times(400);
    const wallet = Big(10000).minus(takerFee(entry, 1000)).plus(pnl).minus(takerFee(exit, 400));
    expect((await gateway.futuresWallet()).walletBalance).toBe(dec(wallet));
    expect(await gateway.positions()).toMatchObject([{ side: "long", size: "600", entryPrice: dec(entry) }]);

    expect(await caught(() => xrp(gateway, { side: "sell", quantity: "700", reduceOnly: true }))).toMatchObject({
      kind: "invalid_order",
    });
    expect(await caught(() => xrp(gateway, { side: "buy", quantity: "10", reduceOnly: true }))).toMatchObject({
      kind: "invalid_order",
    });
    // Reduce-only is exempt from the minimum notional (1 XRP is about 2.6 USDT).
    expect(await xrp(gateway, { side: "sell", quantity: "1", reduceOnly: true })).toMatchObject({ status: "filled" });
    expect(await caught(() => xrp(gateway, { side: "buy", quantity: "1" }))).toMatchObject({
      kind: "invalid_order",
      filter: "min_notional",
    });

    await xrp(gateway, { side: "sell", quantity: "599", reduceOnly: true });
    expect(await gateway.positions()).toEqual([]);
  });

  it("rests a limit entry holding its margin, fills it as maker when crossed; cancel gives the margin back", async () => {
    await holdPrice(venue, "linear", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue);
    const id = clientId("lin-rest");
    const resting = await xrp(gateway, {
      side: "buy",
      type: "limit",
      price: "2.4",
      quantity: "1000",
      clientOrderId: id,
    });
    expect(resting).toMatchObject({ status: "open", price: "2.4" });
    expect(await gateway.futuresWallet()).toMatchObject({ walletBalance: "10000", availableBalance: "9760" });

    const other = clientId("lin-cancel");
    await xrp(gateway, { side: "sell", type: "limit", price: "2.7", quantity: "500", clientOrderId: other });
    expect((await gateway.futuresWallet()).availableBalance).toBe("9625");
    expect((await gateway.cancelOrder("linear", "XRPUSDT", other)).status).toBe("canceled");
    expect((await gateway.futuresWallet()).availableBalance).toBe("9760");

    await holdPrice(venue, "linear", "XRPUSDT", "2.3");
    const filled = await gateway.getOrder("linear", "XRPUSDT", id);
    const fee = Big("2.4").times(1000).times(MAKER);
    expect(filled).toMatchObject({
      status: "filled",
      averagePrice: "2.4",
      fees: [{ asset: "USDT", amount: dec(fee) }],
    });
    expect(await gateway.positions()).toMatchObject([{ side: "long", size: "1000", entryPrice: "2.4" }]);
    const [fill] = await gateway.fills("linear", "XRPUSDT", 0);
    expect(fill).toMatchObject({ maker: true, price: "2.4", fee: dec(fee), feeAsset: "USDT", clientOrderId: id });
    expect((await gateway.futuresWallet()).walletBalance).toBe(dec(Big(10000).minus(fee)));
  });

  it("refuses an order the margin cannot cover", async () => {
    await holdPrice(venue, "linear", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue, { futuresWallet: "100" });
    expect(await caught(() => xrp(gateway, { side: "buy", quantity: "1000" }))).toMatchObject({
      kind: "insufficient_funds",
    });
    expect(await xrp(gateway, { side: "buy", quantity: "300" })).toMatchObject({ status: "filled" });
    expect(await gateway.positions()).toHaveLength(1);
  });

  it("keeps long and short legs apart in hedge mode and checks position sides against the mode", async () => {
    await holdPrice(venue, "linear", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue);
    expect(await caught(() => xrp(gateway, { side: "buy", quantity: "100", positionSide: "long" }))).toMatchObject({
      kind: "invalid_order",
    });
    await gateway.setPositionMode("hedge");
    expect(await gateway.positionMode()).toBe("hedge");
    expect(await caught(() => xrp(gateway, { side: "buy", quantity: "100", positionSide: "both" }))).toMatchObject({
      kind: "invalid_order",
    });
    await xrp(gateway, { side: "buy", quantity: "100", positionSide: "long" });
    await xrp(gateway, { side: "sell", quantity: "300", positionSide: "short" });
    const legs = await gateway.positions("XRPUSDT");
    expect(legs.map((p) => [p.positionSide, p.side, p.size]).sort()).toEqual([
      ["long", "long", "100"],
      ["short", "short", "300"],
    ]);
    expect(await caught(() => gateway.setPositionMode("one_way"))).toMatchObject({ kind: "invalid_order" });
    // A sell on the long leg closes it and leaves the short alone; it may not close more than the leg.
    expect(await caught(() => xrp(gateway, { side: "sell", quantity: "200", positionSide: "long" }))).toMatchObject({
      kind: "invalid_order",
    });
    await xrp(gateway, { side: "sell", quantity: "100", positionSide: "long" });
    expect(await gateway.positions()).toMatchObject([{ positionSide: "short", size: "300" }]);
    await xrp(gateway, { side: "buy", quantity: "300", positionSide: "short" });
    expect(await gateway.positions()).toEqual([]);
    await gateway.setPositionMode("one_way");
    expect(await gateway.positionMode()).toBe("one_way");
  });

  it("validates leverage and refuses a margin-mode change while a position is open", async () => {
    await holdPrice(venue, "linear", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue);
    for (const leverage of [0, 126, 2.5]) {
      expect(await caught(() => gateway.setLeverage("XRPUSDT", leverage))).toMatchObject({ kind: "invalid_order" });
    }
    expect(await caught(() => gateway.setLeverage("NOPEUSDT", 5))).toMatchObject({ kind: "bad_symbol" });
    await gateway.setMarginMode("XRPUSDT", "isolated");
    await gateway.setLeverage("XRPUSDT", 20);
    await xrp(gateway, { side: "buy", quantity: "100" });
    expect(await gateway.positions()).toMatchObject([{ leverage: 20, marginMode: "isolated" }]);
    expect(await caught(() => gateway.setMarginMode("XRPUSDT", "cross"))).toMatchObject({ kind: "invalid_order" });
    await gateway.setMarginMode("XRPUSDT", "isolated");
    await gateway.setLeverage("XRPUSDT", 4);
    expect(await gateway.positions()).toMatchObject([{ leverage: 4 }]);
  });
});
