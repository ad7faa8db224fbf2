import Big from "big.js";
import { describe, expect, it } from "vitest";
import { signIn } from "../identity/support.ts";
import { accountsApp, addFault, clearFaults, dumpAccount, errorOf, holdPrice, trader, VENUES } from "./support.ts";

type Order = { clientOrderId: string; status: string; quantity: string; filledQuantity: string; reduceOnly: boolean };
type Position = { symbol: string; side: string; size: string; positionSide: string };

describe.each(VENUES)("%s futures controls", (venue) => {
  it("sets position mode, margin mode and leverage; refuses leverage above the symbol's max", async () => {
    const app = accountsApp();
    const { user, keyId, account } = await trader(app, venue);
    const base = `/api/keys/${keyId}/futures`;
    expect((await user.get(`${base}/position-mode`)).body).toEqual({ mode: "one_way" });
    expect((await user.put(`${base}/position-mode`, { mode: "hedge" })).status).toBe(200);
    expect((await user.get(`${base}/position-mode`)).body).toEqual({ mode: "hedge" });
    expect((await user.put(`${base}/SOLUSDT/margin-mode`, { mode: "isolated" })).body).toEqual({
      symbol: "SOLUSDT",
      applied: true,
    });
    expect((await user.put(`${base}/SOLUSDT/leverage`, { leverage: 7 })).status).toBe(200);
    const dump = await dumpAccount(account.apiKey);
    expect(dump.positionMode).toBe("hedge");
    expect(dump.leverage.SOLUSDT).toBe(7);
    expect(dump.marginMode.SOLUSDT).toBe("isolated");
    // Binance sets it for the symbol; a Bybit unified account has one margin mode for every perpetual.
    expect(dump.marginMode.BTCUSDT).toBe(venue === "bybit" ? "isolated" : undefined);
    // Back to one-way, so the rest of this account's life is simple.
    expect((await user.put(`${base}/position-mode`, { mode: "one_way" })).status).toBe(200);

    const tooHigh = await user.put(`${base}/SOLUSDT/leverage`, { leverage: 150 });
    expect(tooHigh.status).toBe(422);
    expect(errorOf(tooHigh).code).toBe(venue === "bybit" ? "leverage_out_of_range" : errorOf(tooHigh).code);
    expect((await user.put(`${base}/SOLUSDT/leverage`, { leverage: 0 })).status).toBe(400);
    expect((await user.put(`${base}/position-mode`, { mode: "both" })).status).toBe(400);
    const badSymbol = await user.put(`${base}/NOPEUSDT/leverage`, { leverage: 5 });
    expect(badSymbol.status).toBe(422);
    expect(errorOf(badSymbol).code).toBe("exchange_bad_symbol");
  });

  it("opens by notional with SL/TP, lists the position, moves and removes the stops, closes in part then in full", async () => {
    const app = accountsApp();
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const { user, keyId, account } = await trader(app, venue);
    const base = `/api/keys/${keyId}`;
    const opened = await user.post(`${base}/futures/positions`, {
      symbol: "SOLUSDT",
      side: "long",
      notional: "300",
      stopLoss: "90",
      takeProfit: "120",
    });
    expect(opened.status, opened.text).toBe(200);
    const order = opened.body.order as Order;
    expect(order.status).toBe("filled");
    expect(Big(order.quantity).eq(3)).toBe(true);
    expect((opened.body.stops as { kind: string }[]).map((s) => s.kind).sort()).toEqual(["stop_loss", "take_profit"]);
    const listed = await user.get(`${base}/futures/stops?symbol=SOLUSDT`);
    expect(listed.status).toBe(200);
    expect(
      (listed.body.stops as { kind: string; triggerPrice: string }[])
        .map((s) => [s.kind, Big(s.triggerPrice).toFixed()])
        .sort(),
    ).toEqual([
      ["stop_loss", "90"],
      ["take_profit", "120"],
    ]);

    const positions = await user.get(`${base}/positions?symbol=SOLUSDT`);
    expect(positions.status).toBe(200);
    const [position] = positions.body.positions as Position[];
    expect(position).toMatchObject({ symbol: "SOLUSDT", side: "long" });
    expect(Big(position?.size ?? "0").eq(3)).toBe(true);

    const moved = await user.put(`${base}/futures/SOLUSDT/stops`, { stopLoss: "95", takeProfit: null });
    expect(moved.status, moved.text).toBe(200);
    expect((moved.body.stops as { kind: string; triggerPrice: string }[]).map((s) => s.kind)).toEqual(["stop_loss"]);
    const wrongSide = await user.put(`${base}/futures/SOLUSDT/stops`, { stopLoss: "105", takeProfit: null });
    expect(wrongSide.status).toBe(422);
    expect(errorOf(wrongSide).message).toContain("below the current price");

    expect((await user.delete(`${base}/futures/SOLUSDT/stops`)).status).toBe(200);
    const active = (await dumpAccount(account.apiKey)).conditionals.filter(
      (c) => c.symbol === "SOLUSDT" && !["canceled", "cancelled", "triggered", "filled"].includes(c.status),
    );
    expect(active).toEqual([]);

    const partial = await user.post(`${base}/futures/positions/close`, { symbol: "SOLUSDT", quantity: "1.2345" });
    expect(partial.status, partial.text).toBe(200);
    expect((partial.body.order as Order).reduceOnly).toBe(true);
    const partialQuantity = Big((partial.body.order as Order).quantity);
    expect(partialQuantity.gt(0) && partialQuantity.lte("1.2345")).toBe(true);
    const full = await user.post(`${base}/futures/positions/close`, { symbol: "SOLUSDT" });
    expect(full.status, full.text).toBe(200);
    expect((await user.get(`${base}/positions?symbol=SOLUSDT`)).body.positions).toEqual([]);
    const nothing = await user.post(`${base}/futures/positions/close`, { symbol: "SOLUSDT" });
    expect(nothing.status).toBe(404);
    expect(errorOf(nothing).code).toBe("position_not_found");
  });

  it("lists open orders and cancels one by client order id; an unknown id is 404", async () => {
    const app = accountsApp();
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const { user, keyId } = await trader(app, venue);
    const base = `/api/keys/${keyId}`;
    const resting = await user.post(`${base}/futures/positions`, {
      symbol: "SOLUSDT",
      side: "long",
      quantity: "1",
      type: "limit",
      price: "80",
      stopLoss: "70",
    });
    expect(resting.status, resting.text).toBe(200);
    expect(resting.body.stopsPending).toBe(true);
    const clientOrderId = (resting.body.order as Order).clientOrderId;

    const open = await user.get(`${base}/orders?market=linear&symbol=SOLUSDT`);
    expect(open.status).toBe(200);
    expect((open.body.orders as Order[]).map((o) => o.clientOrderId)).toContain(clientOrderId);

    const canceled = await user.delete(`${base}/orders/${clientOrderId}?market=linear&symbol=SOLUSDT`);
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.body).toMatchObject({ clientOrderId, status: "canceled" });
    const again = await user.delete(`${base}/orders/${clientOrderId}?market=linear&symbol=SOLUSDT`);
    // Cancelling twice: Bybit answers the canceled order again, Binance that it has no open order by that id.
    expect([200, 404]).toContain(again.status);
    const unknown = await user.delete(`${base}/orders/m-never-placed?market=linear&symbol=SOLUSDT`);
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).code).toBe("exchange_order_not_found");
    expect((await user.delete(`${base}/orders/${clientOrderId}?market=linear`)).status).toBe(400);
  });

  it("refuses orders below the minimum before sending, too large orders, and bad bodies", async () => {
    const app = accountsApp();
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const { user, keyId, account } = await trader(app, venue, { spot: { USDT: "50" }, futuresWallet: "50" });
    const url = `/api/keys/${keyId}/futures/positions`;
    const small = await user.post(url, { symbol: "SOLUSDT", side: "long", notional: "3.2" });
    expect(small.status).toBe(422);
    expect(errorOf(small)).toMatchObject({ code: "exchange_invalid_order", details: { venue } });
    expect(["min_qty", "min_notional"]).toContain(errorOf(small).details?.filter);
    expect(errorOf(small).message).toMatch(/below (Binance|Bybit)'s minimum .* for SOLUSDT/);

    const broke = await user.post(url, { symbol: "SOLUSDT", side: "short", quantity: "500" });
    expect(broke.status, broke.text).toBe(422);
    expect(errorOf(broke).code).toBe("exchange_insufficient_funds");

    for (const body of [
      { symbol: "SOLUSDT", side: "long", quantity: "1", notional: "100" },
      { symbol: "SOLUSDT", side: "long" },
      { symbol: "SOLUSDT", side: "long", quantity: "1", type: "limit" },
      { symbol: "SOLUSDT", side: "up", quantity: "1" },
      { symbol: "SOLUSDT", side: "long", quantity: "-1" },
    ]) {
      const reply = await user.post(url, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(reply).code).toBe("validation_failed");
    }
    expect((await dumpAccount(account.apiKey)).orders).toEqual([]);
  });

  it("maps a key without futures permission to 424 exchange_permission", async () => {
    const app = accountsApp();
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const { user, keyId } = await trader(app, venue, { permissions: { read: true, spot: true, futures: false } });
    const reply = await user.post(`/api/keys/${keyId}/futures/positions`, {
      symbol: "SOLUSDT",
      side: "long",
      quantity: "1",
    });
    expect(reply.status, reply.text).toBe(424);
    expect(["exchange_permission", "exchange_authentication"]).toContain(errorOf(reply).code);
  });

  it("never acts on another user's key", async () => {
    const app = accountsApp();
    const { keyId, account } = await trader(app, venue);
    const stranger = await signIn(app);
    const base = `/api/keys/${keyId}`;
    const attempts = [
      stranger.get(`${base}/positions`),
      stranger.get(`${base}/orders`),
      stranger.delete(`${base}/orders/abc?market=linear&symbol=SOLUSDT`),
      stranger.put(`${base}/futures/position-mode`, { mode: "hedge" }),
      stranger.put(`${base}/futures/SOLUSDT/leverage`, { leverage: 3 }),
      stranger.put(`${base}/futures/SOLUSDT/margin-mode`, { mode: "isolated" }),
      stranger.post(`${base}/futures/positions`, { symbol: "SOLUSDT", side: "long", quantity: "1" }),
      stranger.post(`${base}/futures/positions/close`, { symbol: "SOLUSDT" }),
      stranger.put(`${base}/futures/SOLUSDT/stops`, { stopLoss: "1", takeProfit: null }),
      stranger.delete(`${base}/futures/SOLUSDT/stops`),
    ];
    for (const reply of await Promise.all(attempts)) expect(reply.status, reply.text).toBe(404);
    const dump = await dumpAccount(account.apiKey);
    expect(dump.orders).toEqual([]);
    expect(dump.positionMode).toBe("one_way");
  });
});

describe("binance futures stops", () => {
  // Binance's algo-order POST is never resent, so one failure surfaces; Bybit's trading-stop is safe to repeat and its
  // adapter retries it (a transient failure heals there). The reporting itself is venue-neutral (protectEntry).
  it("reports an open position whose SL/TP could not be placed, instead of failing the filled entry", async () => {
    const app = accountsApp();
    await holdPrice("binance", "linear", "SOLUSDT", "100");
    const { user, keyId, account } = await trader(app, "binance");
    await addFault("binance", {
      type: "error_after_accept",
      pathPrefix: "/fapi/v1/algoOrder",
      status: 503,
      apiKey: account.apiKey,
    });
    const opened = await user.post(`/api/keys/${keyId}/futures/positions`, {
      symbol: "SOLUSDT",
      side: "long",
      quantity: "1",
      stopLoss: "90",
    });
    await clearFaults();
    expect(opened.status, opened.text).toBe(200);
    expect((opened.body.order as Order).status).toBe("filled");
    expect(opened.body).toMatchObject({ stopsPending: true, stops: [] });
    expect(opened.body.stopsError).toMatch(/did not confirm/);
  });
});
