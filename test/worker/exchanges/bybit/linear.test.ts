import { describe, expect, it } from "vitest";
import { closePosition, openPosition } from "../../../../worker/exchanges/futures.ts";
import { bybitGateway, clientId, createAccount, dumpAccount, setPrice, signedV5 } from "./harness.ts";

describe("Bybit USDT perpetuals against the simulator", () => {
  it("reads the unified wallet as futures collateral", async () => {
    const account = await createAccount({ spot: { USDT: "5000" }, futuresWallet: "0" });
    const wallet = await bybitGateway(account).gateway.futuresWallet();
    expect(wallet).toEqual({
      asset: "USDT",
      walletBalance: "5000",
      availableBalance: "5000",
      marginBalance: "5000",
      unrealizedPnl: "0",
    });
  });

  it("sets leverage; unchanged leverage counts as success", async () => {
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    await gateway.setLeverage("ETHUSDT", 5);
    await gateway.setLeverage("ETHUSDT", 5); // 110043 leverage not modified
    expect(traffic.filter((t) => t.retCode === 110043)).toHaveLength(1);
    const dump = (await dumpAccount(account.apiKey)) as unknown as { leverage: Record<string, number> };
    expect(dump.leverage.ETHUSDT).toBe(5);
    await expect(gateway.setLeverage("ETHUSDT", 500)).rejects.toMatchObject({ kind: "invalid_order" });
  });

  it("sets the unified account's margin mode (account-wide), and only when it differs", async () => {
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    const settings = () =>
      traffic
        .filter((t) =>
          /\/v5\/(account\/(info|set-margin-mode)|position\/switch-isolated)$/.test(new URL(t.url).pathname),
        )
        .map((t) => `${t.method} ${new URL(t.url).pathname} ${t.retCode}`);
    await gateway.setMarginMode("ETHUSDT", "isolated");
    // Already the account's mode: read, not sent again.
    await gateway.setMarginMode("SOLUSDT", "isolated");
    expect(settings()).toEqual([
      "GET /v5/account/info 0",
      "POST /v5/account/set-margin-mode 0",
      "GET /v5/account/info 0",
    ]);
    const dump = (await dumpAccount(account.apiKey)) as unknown as { marginMode: Record<string, string> };
    // One mode for every USDT perpetual of the account, not only the symbols named.
    expect([dump.marginMode.ETHUSDT, dump.marginMode.SOLUSDT, dump.marginMode.BTCUSDT]).toEqual([
      "isolated",
      "isolated",
      "isolated",
    ]);

    const open = await gateway.placeOrder({
      market: "linear",
      symbol: "ETHUSDT",
      side: "buy",
      type: "market",
      quantity: "0.01",
      clientOrderId: clientId("iso-open"),
    });
    expect(open.status).toBe("filled");
    // position/list's tradeMode is always 0 on unified accounts: the mode comes from account/info.
    expect((await gateway.positions()).map((p) => [p.symbol, p.marginMode])).toEqual([["ETHUSDT", "isolated"]]);
    // Bybit refuses to move open positions between margin modes, and says why.
    await expect(gateway.setMarginMode("BTCUSDT", "cross")).rejects.toMatchObject({
      kind: "invalid_order",
      venueCode: "3400045",
      message:
        "Bybit rejected account/set-margin-mode: Set margin mode failed: cannot change the account's margin mode with open orders or positions",
    });
  });

  it("answers like a unified account: switch-isolated 100028, account/info, trading-stop on no position 10001", async () => {
    const account = await createAccount();
    expect(
      await signedV5(account, "POST", "/v5/position/switch-isolated", {
        category: "linear",
        symbol: "ETHUSDT",
        tradeMode: 1,
        buyLeverage: "10",
        sellLeverage: "10",
      }),
    ).toMatchObject({ retCode: 100028, retMsg: "unified account is forbidden" });
    expect(await signedV5(account, "GET", "/v5/account/info", {})).toMatchObject({
      retCode: 0,
      result: { marginMode: "REGULAR_MARGIN", unifiedMarginStatus: 5 },
    });
    expect(
      await signedV5(account, "POST", "/v5/account/set-margin-mode", { setMarginMode: "ISOLATED_MARGIN" }),
    ).toMatchObject({ retCode: 0, result: { reasons: [] } });
    expect(await signedV5(account, "GET", "/v5/account/info", {})).toMatchObject({
      result: { marginMode: "ISOLATED_MARGIN" },
    });
    expect(
      await signedV5(account, "POST", "/v5/position/trading-stop", {
        category: "linear",
        symbol: "ETHUSDT",
        tpslMode: "Full",
        positionIdx: 0,
        takeProfit: "0",
        stopLoss: "0",
      }),
    ).toEqual(expect.objectContaining({ retCode: 10001, retMsg: "can not set tp/sl/ts for zero position" }));
  });

  it("sends no trading-stop to a position a full close removed (Bybit drops its TP/SL with it)", async () => {
    // TESTUSDT: a contract no other test file holds a price for.
    await setPrice("linear", "TESTUSDT", "10");
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    const tradingStops = () => traffic.filter((t) => t.url.endsWith("/v5/position/trading-stop"));
    const opened = await openPosition(gateway, {
      symbol: "TESTUSDT",
      side: "long",
      quantity: "1",
      type: "market",
      clientOrderId: clientId("ts-open"),
      positionMode: "one_way",
      stopLoss: "8",
      takeProfit: "12",
    });
    expect(opened.stops.map((s) => s.kind).sort()).toEqual(["stop_loss", "take_profit"]);
    expect(tradingStops().map((t) => t.retCode)).toEqual([0]);

    // The route's full close: a reduce-only order, then the position's stops are removed only if it still has some.
    const [position] = await gateway.positions("TESTUSDT");
    if (!position) throw new Error("the long should be open");
    const closed = await closePosition(gateway, { position, type: "market", clientOrderId: clientId("ts-close") });
    expect(closed.status).toBe("filled");
    // The engine's: after a filled CLOSE it asks the gateway to remove the leg's stops.
    await gateway.cancelStops("TESTUSDT", "both");
    expect(tradingStops().map((t) => t.retCode)).toEqual([0]);
    expect(await gateway.conditionalOrders("TESTUSDT")).toEqual([]);
  });

  it("switches position mode for all USDT perpetuals; the same mode again is success", async () => {
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    expect(await gateway.positionMode()).toBe("one_way");
    await gateway.setPositionMode("hedge");
    expect(await gateway.positionMode()).toBe("hedge");
    await gateway.setPositionMode("hedge"); // 110025
    expect(traffic.filter((t) => t.retCode === 110025)).toHaveLength(1);
    await gateway.setPositionMode("one_way");
    expect(await gateway.positionMode()).toBe("one_way");
  });

  it("opens a long at market, reports the position and fills, and closes it reduce-only", async () => {
    await setPrice("linear", "SOLUSDT", "180");
    const account = await createAccount();
    const { gateway } = bybitGateway(account);
    await gateway.setLeverage("SOLUSDT", 10);
    const since = Date.now() - 1_000;
    const open = await gateway.placeOrder({
      market: "linear",
      symbol: "SOLUSDT",
      side: "buy",
      type: "market",
      quantity: "2",
      clientOrderId: clientId("lin-open"),
    });
    expect(open).toMatchObject({ market: "linear", status: "filled", filledQuantity: "2", positionSide: "both" });

    const [position] = await gateway.positions();
    expect(position).toMatchObject({ symbol: "SOLUSDT", side: "long", positionSide: "both", size: "2", leverage: 10 });
    expect(position?.marginMode).toBe("cross");
    expect(await gateway.positions("SOLUSDT")).toHaveLength(1);
    expect(await gateway.positions("ETHUSDT")).toEqual([]);
    expect(await gateway.positionMode()).toBe("one_way");
    const wallet = await gateway.futuresWallet();
    expect(Number(wallet.availableBalance)).toBeLessThan(Number(wallet.walletBalance));

    const close = await gateway.placeOrder({
      market: "linear",
      symbol: "SOLUSDT",
      side: "sell",
      type: "market",
      quantity: "2",
      reduceOnly: true,
      clientOrderId: clientId("lin-close"),
    });
    expect(close).toMatchObject({ status: "filled", reduceOnly: true });
    expect(await gateway.positions()).toEqual([]);
    const fills = await gateway.fills("linear", "SOLUSDT", since);
    expect(fills.map((f) => f.side)).toEqual(["buy", "sell"]);
    expect(fills[0]?.feeAsset).toBe("USDT");
  });

  it("position reads made at once share one request; a read after a write is sent afresh", async () => {
    await setPrice("linear", "SOLUSDT", "180");
    const account = await createAccount();
    let release = () => {};
    let held: Promise<void> | null = null;
    let writeHeld: Promise<void> | null = null;
    const { gateway, traffic } = bybitGateway(account, {
      beforeSend: (url) =>
        (url.includes("/v5/position/list") && held) ||
        (url.includes("/v5/position/set-leverage") && writeHeld) ||
        Promise.resolve(),
    });
    const positionReads = () => traffic.filter((t) => t.url.includes("/v5/position/list")).length;
    await gateway.placeOrder({
      market: "linear",
      symbol: "SOLUSDT",
      side: "buy",
      type: "market",
      quantity: "1",
      clientOrderId: clientId("join-open"),
    });

    // A snapshot asks for positions, stops and the position mode together: one position/list request answers all.
    const [positions, stops, mode] = await Promise.all([
      gateway.positions(),
      gateway.conditionalOrders(),
      gateway.positionMode(),
    ]);
    expect(positionReads()).toBe(1);
    expect(positions).toEqual([expect.objectContaining({ symbol: "SOLUSDT", size: "1" })]);
    expect(stops).toEqual([]);
    expect(mode).toBe("one_way");
    // Reads one after the other are each sent: nothing is kept once answered.
    await gateway.positions();
    expect(positionReads()).toBe(2);

    // A read still in flight when a write is sent is not joined by a read made after the write.
    held = new Promise((resolve) => {
      release = resolve;
    });
    const beforeWrite = gateway.positions();
    await expect.poll(positionReads).toBe(3);
    await gateway.setLeverage("SOLUSDT", 7);
    const afterWrite = gateway.positions();
    const joined = gateway.positions();
    await expect.poll(positionReads).toBe(4);
    held = null;
    release();
    const [, after, again] = await Promise.all([beforeWrite, afterWrite, joined]);
    expect(positionReads()).toBe(4);
    expect(after).toEqual([expect.objectContaining({ symbol: "SOLUSDT", leverage: 7 })]);
    expect(again).toEqual(after);

    // Reads made while a write is in flight may not see it: each is sent on its own.
    let releaseWrite = () => {};
    writeHeld = new Promise((resolve) => {
      releaseWrite = resolve;
    });
    const writing = gateway.setLeverage("SOLUSDT", 8);
    await expect.poll(() => traffic.filter((t) => t.url.includes("/v5/position/set-leverage")).length).toBe(2);
    const during = [gateway.positions(), gateway.positions()];
    await expect.poll(positionReads).toBe(6);
    writeHeld = null;
    releaseWrite();
    await Promise.all([writing, ...during]);
    expect(await gateway.positions()).toEqual([expect.objectContaining({ leverage: 8 })]);
  });

  it("rests, lists and cancels a limit order; hedge-mode legs use positionIdx 1/2", async () => {
    await setPrice("linear", "ETHUSDT", "3500");
    const account = await createAccount();
    const { gateway } = bybitGateway(account);
    await gateway.setPositionMode("hedge");
    const id = clientId("lin-lmt");
    const order = await gateway.placeOrder({
      market: "linear",
      symbol: "ETHUSDT",
      side: "sell",
      type: "limit",
      quantity: "0.1",
      price: "4000",
      timeInForce: "post_only",
      positionSide: "short",
      clientOrderId: id,
    });
    expect(order).toMatchObject({ status: "open", positionSide: "short", price: "4000" });
    expect((await gateway.openOrders("linear")).map((o) => o.clientOrderId)).toEqual([id]);
    expect(await gateway.cancelOrder("linear", "ETHUSDT", id)).toMatchObject({ status: "canceled" });
    expect(await gateway.openOrders("linear", "ETHUSDT")).toEqual([]);

    const long = await gateway.placeOrder({
      market: "linear",
      symbol: "ETHUSDT",
      side: "buy",
      type: "market",
      quantity: "0.1",
      positionSide: "long",
      clientOrderId: clientId("lin-hedge"),
    });
    expect(long).toMatchObject({ status: "filled", positionSide: "long" });
    const [leg] = await gateway.positions("ETHUSDT");
    expect(leg).toMatchObject({ positionSide: "long", side: "long", size: "0.1" });
    expect(await gateway.positionMode()).toBe("hedge");
  });

  it("sets, replaces, lists and cancels SL/TP on a position", async () => {
    await setPrice("linear", "BNBUSDT", "650");
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    await gateway.placeOrder({
      market: "linear",
      symbol: "BNBUSDT",
      side: "buy",
      type: "market",
      quantity: "1",
      clientOrderId: clientId("lin-stops"),
    });
    const request = {
      symbol: "BNBUSDT",
      positionSide: "both" as const,
      side: "long" as const,
      clientIdPrefix: "stops-test",
    };
    const set = await gateway.setStops({ ...request, stopLoss: "600.004", takeProfit: "700" });
    // A long's stop rounds up to the tick, its take-profit down.
    expect(set).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "stop_loss", triggerPrice: "600.01", positionSide: "both" }),
        expect.objectContaining({ kind: "take_profit", triggerPrice: "700" }),
      ]),
    );
    expect(set).toHaveLength(2);

    // Same prices again: 34040 "not modified" is success.
    await gateway.setStops({ ...request, stopLoss: "600.01", takeProfit: "700" });
    expect(traffic.filter((t) => t.retCode === 34040)).toHaveLength(1);

    const replaced = await gateway.setStops({ ...request, stopLoss: "620", takeProfit: null });
    expect(replaced).toEqual([expect.objectContaining({ kind: "stop_loss", triggerPrice: "620" })]);
    expect(await gateway.conditionalOrders()).toHaveLength(1);
    // TP/SL are not regular open orders.
    expect(await gateway.openOrders("linear", "BNBUSDT")).toEqual([]);
    const live = (await dumpAccount(account.apiKey)).conditionals.filter((c) => c.status === "new");
    expect(live).toEqual([expect.objectContaining({ kind: "stop_loss", triggerPrice: "620" })]);

    await expect(gateway.setStops({ ...request, stopLoss: "700", takeProfit: null })).rejects.toMatchObject({
      kind: "invalid_order",
    });

    await gateway.cancelStops("BNBUSDT", "both");
    expect(await gateway.conditionalOrders("BNBUSDT")).toEqual([]);
    await gateway.cancelStops("BNBUSDT", "both"); // nothing left: not modified, still success
    // Without a position there is nothing to protect or cancel.
    await gateway.placeOrder({
      market: "linear",
      symbol: "BNBUSDT",
      side: "sell",
      type: "market",
      quantity: "1",
      reduceOnly: true,
      clientOrderId: clientId("lin-flat"),
    });
    await gateway.cancelStops("BNBUSDT", "both");
  });
});
