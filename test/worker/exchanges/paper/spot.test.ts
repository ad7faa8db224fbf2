import Big from "big.js";
import { describe, expect, it } from "vitest";
import { caught, clientId, dec, holdPrice, paperSetup, SLIPPED, VENUES } from "./harness.ts";

// Spot symbols of this file: XRPUSDT and ADAUSDT (held prices are shared with other test files).

const balanceOf = (balances: { asset: string; free: string; locked: string }[], asset: string) =>
  balances.find((b) => b.asset === asset) ?? null;

describe.each(VENUES)("paper spot on %s", (venue) => {
  it("fills a market buy and a market sell at the slipped book price, with the fee in the received asset", async () => {
    const book = await holdPrice(venue, "spot", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue);
    const since = Date.now() - 1_000;

    const buyId = clientId("buy");
    const buy = await gateway.placeOrder({
      market: "spot",
      symbol: "XRPUSDT",
      side: "buy",
      type: "market",
      quantity: "100",
      clientOrderId: buyId,
    });
    const buyPrice = book.ask.times(SLIPPED.buy);
    expect(buy).toMatchObject({
      venue,
      market: "spot",
      status: "filled",
      quantity: "100",
      filledQuantity: "100",
      averagePrice: dec(buyPrice),
      fees: [{ asset: "XRP", amount: "0.1" }],
      clientOrderId: buyId,
    });
    expect(buy.exchangeOrderId).toMatch(/^paper-\d+$/);
    const spent = buyPrice.times(100);
    let balances = await gateway.balances();
    expect(balanceOf(balances, "USDT")).toEqual({
      asset: "USDT",
      free: dec(Big(10000).minus(spent)),
      locked: "0",
      total: dec(Big(10000).minus(spent)),
    });
    expect(balanceOf(balances, "XRP")).toEqual({ asset: "XRP", free: "99.9", locked: "0", total: "99.9" });

    const sell = await gateway.placeOrder({
      market: "spot",
      symbol: "XRPUSDT",
      side: "sell",
      type: "market",
      quantity: "50",
      clientOrderId: clientId("sell"),
    });
    const sellPrice = book.bid.times(SLIPPED.sell);
    const received = sellPrice.times(50);
    const sellFee = received.times("0.001").round(8, Big.roundUp);
    expect(sell).toMatchObject({
      status: "filled",
      averagePrice: dec(sellPrice),
      fees: [{ asset: "USDT", amount: dec(sellFee) }],
    });
    balances = await gateway.balances();
    expect(balanceOf(balances, "USDT")?.free).toBe(dec(Big(10000).minus(spent).plus(received).minus(sellFee)));
    expect(balanceOf(balances, "XRP")?.free).toBe("49.9");

    const fills = await gateway.fills("spot", "XRPUSDT", since);
    expect(fills).toHaveLength(2);
    expect(fills[0]).toMatchObject({
      clientOrderId: buyId,
      exchangeOrderId: buy.exchangeOrderId,
      side: "buy",
      price: dec(buyPrice),
      quantity: "100",
      fee: "0.1",
      feeAsset: "XRP",
      maker: false,
    });
    expect(fills[1]).toMatchObject({ side: "sell", fee: dec(sellFee), feeAsset: "USDT", maker: false });
    expect(await gateway.fills("linear", "XRPUSDT", since)).toEqual([]);
  });

  it("rests a limit buy with its quote locked, then fills it as maker once the price crosses it", async () => {
    await holdPrice(venue, "spot", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue);
    const id = clientId("rest");
    const resting = await gateway.placeOrder({
      market: "spot",
      symbol: "XRPUSDT",
      side: "buy",
      type: "limit",
      price: "2.4",
      quantity: "100",
      timeInForce: "gtc",
      clientOrderId: id,
    });
    expect(resting).toMatchObject({ status: "open", price: "2.4", filledQuantity: "0", averagePrice: null, fees: [] });
    expect(balanceOf(await gateway.balances(), "USDT")).toEqual({
      asset: "USDT",
      free: "9760",
      locked: "240",
      total: "10000",
    });
    expect((await gateway.openOrders("spot")).map((o) => o.clientOrderId)).toEqual([id]);
    expect(await gateway.openOrders("spot", "ADAUSDT")).toEqual([]);

    await holdPrice(venue, "spot", "XRPUSDT", "2.3");
    const filled = await gateway.getOrder("spot", "XRPUSDT", id);
    expect(filled).toMatchObject({ status: "filled", filledQuantity: "100", averagePrice: "2.4" });
    expect(filled?.fees).toEqual([{ asset: "XRP", amount: "0.1" }]);
    const balances = await gateway.balances();
    expect(balanceOf(balances, "USDT")).toEqual({ asset: "USDT", free: "9760", locked: "0", total: "9760" });
    expect(balanceOf(balances, "XRP")?.free).toBe("99.9");
    const [fill] = await gateway.fills("spot", "XRPUSDT", 0);
    expect(fill).toMatchObject({ price: "2.4", quantity: "100", maker: true, fee: "0.1", clientOrderId: id });
    expect(await gateway.openOrders("spot")).toEqual([]);
  });

  it("fills a marketable limit as taker at the slipped price, never worse than its limit", async () => {
    const book = await holdPrice(venue, "spot", "ADAUSDT", "0.9");
    const { gateway } = paperSetup(venue);
    const generous = await gateway.placeOrder({
      market: "spot",
      symbol: "ADAUSDT",
      side: "buy",
      type: "limit",
      price: "1",
      quantity: "100",
      clientOrderId: clientId("lim-take"),
    });
    expect(generous).toMatchObject({ status: "filled", averagePrice: dec(book.ask.times(SLIPPED.buy)) });
    // At the ask exactly, the slipped price would be worse: the fill stays at the limit.
    const tight = await gateway.placeOrder({
      market: "spot",
      symbol: "ADAUSDT",
      side: "buy",
      type: "limit",
      price: dec(book.ask),
      quantity: "100",
      clientOrderId: clientId("lim-tight"),
    });
    expect(tight).toMatchObject({ status: "filled", averagePrice: dec(book.ask) });
    const [, second] = await gateway.fills("spot", "ADAUSDT", 0);
    expect(second?.maker).toBe(false);
  });

  it("expires an IOC limit that cannot trade and refuses a post-only limit that would", async () => {
    const book = await holdPrice(venue, "spot", "ADAUSDT", "0.9");
    const { gateway } = paperSetup(venue);
    const ioc = await gateway.placeOrder({
      market: "spot",
      symbol: "ADAUSDT",
      side: "buy",
      type: "limit",
      price: "0.8",
      quantity: "100",
      timeInForce: "ioc",
      clientOrderId: clientId("ioc"),
    });
    expect(ioc).toMatchObject({ status: "expired", filledQuantity: "0" });
    expect(balanceOf(await gateway.balances(), "USDT")).toMatchObject({ free: "10000", locked: "0" });
    const postOnly = await caught(() =>
      gateway.placeOrder({
        market: "spot",
        symbol: "ADAUSDT",
        side: "buy",
        type: "limit",
        price: dec(book.ask),
        quantity: "100",
        timeInForce: "post_only",
        clientOrderId: clientId("po"),
      }),
    );
    expect(postOnly.kind).toBe("invalid_order");
  });

  it("cancels a resting sell and releases its locked base; a second cancel is order_not_found", async () => {
    await holdPrice(venue, "spot", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue, { spot: { USDT: "100", XRP: "200" } });
    const id = clientId("cancel");
    await gateway.placeOrder({
      market: "spot",
      symbol: "XRPUSDT",
      side: "sell",
      type: "limit",
      price: "3",
      quantity: "50",
      clientOrderId: id,
    });
    expect(balanceOf(await gateway.balances(), "XRP")).toEqual({
      asset: "XRP",
      free: "150",
      locked: "50",
      total: "200",
    });
    const canceled = await gateway.cancelOrder("spot", "XRPUSDT", id);
    expect(canceled).toMatchObject({ status: "canceled", clientOrderId: id, filledQuantity: "0" });
    expect(balanceOf(await gateway.balances(), "XRP")).toEqual({
      asset: "XRP",
      free: "200",
      locked: "0",
      total: "200",
    });
    expect((await caught(() => gateway.cancelOrder("spot", "XRPUSDT", id))).kind).toBe("order_not_found");
    expect((await caught(() => gateway.cancelOrder("spot", "XRPUSDT", "never-placed"))).kind).toBe("order_not_found");
    expect(await gateway.getOrder("spot", "XRPUSDT", "never-placed")).toBeNull();
  });

  it("answers order_not_found when cancelling an order that already filled; getOrder shows it filled", async () => {
    await holdPrice(venue, "spot", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue);
    const id = clientId("filled");
    await gateway.placeOrder({
      market: "spot",
      symbol: "XRPUSDT",
      side: "buy",
      type: "market",
      quantity: "10",
      clientOrderId: id,
    });
    expect((await caught(() => gateway.cancelOrder("spot", "XRPUSDT", id))).kind).toBe("order_not_found");
    expect(await gateway.getOrder("spot", "XRPUSDT", id)).toMatchObject({ status: "filled", filledQuantity: "10" });
  });

  it("refuses orders the balance cannot pay for and leaves the balance as it was", async () => {
    await holdPrice(venue, "spot", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue, { spot: { USDT: "100", XRP: "10" } });
    const buy = await caught(() =>
      gateway.placeOrder({
        market: "spot",
        symbol: "XRPUSDT",
        side: "buy",
        type: "market",
        quantity: "40",
        clientOrderId: clientId("poor"),
      }),
    );
    expect(buy.kind).toBe("insufficient_funds");
    const sell = await caught(() =>
      gateway.placeOrder({
        market: "spot",
        symbol: "XRPUSDT",
        side: "sell",
        type: "limit",
        price: "3",
        quantity: "10.1",
        clientOrderId: clientId("poor"),
      }),
    );
    expect(sell.kind).toBe("insufficient_funds");
    expect(await gateway.balances()).toEqual([
      { asset: "USDT", free: "100", locked: "0", total: "100" },
      { asset: "XRP", free: "10", locked: "0", total: "10" },
    ]);
    expect(await gateway.openOrders("spot")).toEqual([]);
  });

  it("checks step, tick, minimum quantity and notional, the symbol, and client id reuse like the venue", async () => {
    await holdPrice(venue, "spot", "XRPUSDT", "2.5");
    const { gateway } = paperSetup(venue);
    const order = (fields: { quantity: string; price?: string; symbol?: string; clientOrderId?: string }) =>
      gateway.placeOrder({
        market: "spot",
        symbol: fields.symbol ?? "XRPUSDT",
        side: "buy",
        type: fields.price ? "limit" : "market",
        price: fields.price,
        quantity: fields.quantity,
        clientOrderId: fields.clientOrderId ?? clientId("filter"),
      });
    expect(await caught(() => order({ quantity: "10.05" }))).toMatchObject({
      kind: "invalid_order",
      filter: "step_size",
    });
    expect(await caught(() => order({ quantity: "10", price: "2.40005" }))).toMatchObject({
      kind: "invalid_order",
      filter: "tick_size",
    });
    expect(await caught(() => order({ quantity: "1" }))).toMatchObject({
      kind: "invalid_order",
      filter: "min_notional",
    });
    expect(await caught(() => order({ quantity: "1.9", price: "2.4" }))).toMatchObject({
      kind: "invalid_order",
      filter: "min_notional",
    });
    expect(await caught(() => order({ quantity: "0" }))).toMatchObject({ kind: "invalid_order" });
    expect(await caught(() => order({ quantity: "10", symbol: "NOPEUSDT" }))).toMatchObject({ kind: "bad_symbol" });

    const id = clientId("dup");
    await order({ quantity: "10", clientOrderId: id });
    expect(await caught(() => order({ quantity: "10", clientOrderId: id }))).toMatchObject({
      kind: "duplicate_client_id",
    });
    expect((await gateway.fills("spot", "XRPUSDT", 0)).length).toBe(1);
  });
});
