import { describe, expect, it } from "vitest";
import { bybitGateway, clientId, createAccount, dumpAccount, setPrice } from "./harness.ts";

describe("Bybit spot trading against the simulator", () => {
  it("reads unified balances", async () => {
    const account = await createAccount({ spot: { USDT: "10000", BTC: "0.5" }, futuresWallet: "0" });
    const balances = await bybitGateway(account).gateway.balances();
    expect(balances).toEqual(
      expect.arrayContaining([
        { asset: "USDT", free: "10000", locked: "0", total: "10000" },
        { asset: "BTC", free: "0.5", locked: "0", total: "0.5" },
      ]),
    );
  });

  it("buys at market with a base quantity (marketUnit=baseCoin) and reads the fill", async () => {
    await setPrice("spot", "ETHUSDT", "3500");
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    const since = Date.now() - 1_000;
    const id = clientId("spot-mkt");
    const order = await gateway.placeOrder({
      market: "spot",
      symbol: "ETHUSDT",
      side: "buy",
      type: "market",
      quantity: "0.5",
      clientOrderId: id,
    });
    expect(order).toMatchObject({ clientOrderId: id, status: "filled", quantity: "0.5", filledQuantity: "0.5" });
    expect(order.price).toBeNull();
    expect(Number(order.averagePrice)).toBeGreaterThan(3000);
    expect(order.fees.length).toBeGreaterThan(0);
    // The create request carried the quantity in base currency.
    expect(traffic.some((t) => t.method === "POST" && t.url.endsWith("/v5/order/create"))).toBe(true);

    const balances = await gateway.balances();
    expect(Number(balances.find((b) => b.asset === "ETH")?.total)).toBeGreaterThan(0.49);

    const fills = await gateway.fills("spot", "ETHUSDT", since);
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ clientOrderId: id, side: "buy", quantity: "0.5" });
    expect(await gateway.getOrder("spot", "ETHUSDT", id)).toMatchObject({ status: "filled" });
  });

  it("rests a limit order, lists it, cancels it and finds it cancelled", async () => {
    await setPrice("spot", "BTCUSDT", "95000");
    const account = await createAccount();
    const { gateway } = bybitGateway(account);
    const id = clientId("spot-lmt");
    const order = await gateway.placeOrder({
      market: "spot",
      symbol: "BTCUSDT",
      side: "buy",
      type: "limit",
      quantity: "0.001",
      price: "80000",
      timeInForce: "gtc",
      clientOrderId: id,
    });
    expect(order).toMatchObject({ status: "open", price: "80000", filledQuantity: "0", positionSide: "both" });

    const open = await gateway.openOrders("spot");
    expect(open.map((o) => o.clientOrderId)).toEqual([id]);
    expect((await gateway.openOrders("spot", "BTCUSDT")).length).toBe(1);
    const locked = (await gateway.balances()).find((b) => b.asset === "USDT");
    expect(locked?.locked).toBe("80");

    const canceled = await gateway.cancelOrder("spot", "BTCUSDT", id);
    expect(canceled).toMatchObject({ clientOrderId: id, status: "canceled" });
    expect(await gateway.openOrders("spot")).toEqual([]);
    expect(await gateway.getOrder("spot", "BTCUSDT", id)).toMatchObject({ status: "canceled" });
    // Cancelling again reports the final state instead of failing.
    expect(await gateway.cancelOrder("spot", "BTCUSDT", id)).toMatchObject({ status: "canceled" });
    expect((await dumpAccount(account.apiKey)).orders).toHaveLength(1);
  });

  it("answers null for an order the venue does not know, and order_not_found when cancelling it", async () => {
    const account = await createAccount();
    const { gateway } = bybitGateway(account);
    expect(await gateway.getOrder("spot", "BTCUSDT", "never-placed")).toBeNull();
    await expect(gateway.cancelOrder("spot", "BTCUSDT", "never-placed")).rejects.toMatchObject({
      kind: "order_not_found",
      venueCode: "170213",
    });
  });
});
