import Big from "big.js";
import { describe, expect, it } from "vitest";
import {
  MAX_FILLS,
  memoryPaperStore,
  newPaperAccount,
  PaperAccount,
  type PaperOrder,
} from "../../../../worker/exchanges/paper/paper-account.ts";
import { DEFAULT_PAPER_SETTINGS } from "../../../../worker/exchanges/paper/paper-gateway.ts";
import { executeFill, type PaperContext, pruneClosedOrders } from "../../../../worker/exchanges/paper/paper-orders.ts";
import { dec } from "./harness.ts";

// The stored document on its own, without the simulator.

function spotBuy(clientOrderId: string, now: number): PaperOrder {
  return {
    venue: "binance",
    market: "spot",
    symbol: "XRPUSDT",
    clientOrderId,
    exchangeOrderId: `paper-${clientOrderId}`,
    side: "buy",
    type: "market",
    status: "open",
    price: null,
    quantity: "1",
    filledQuantity: "0",
    averagePrice: null,
    fees: [],
    reduceOnly: false,
    positionSide: "both",
    createdAt: now,
    updatedAt: now,
    timeInForce: "ioc",
    base: "XRP",
    quote: "USDT",
    reserved: null,
  };
}

describe("paper account", () => {
  it("starts with the given funds in one-way mode and validates as a PaperAccount", () => {
    const account = newPaperAccount({ venue: "bybit", spot: { USDT: "1000.50", BTC: "0.1" }, futuresWallet: "500" });
    expect(account).toMatchObject({
      venue: "bybit",
      spot: { USDT: { free: "1000.5", locked: "0" }, BTC: { free: "0.1", locked: "0" } },
      futuresWallet: "500",
      positionMode: "one_way",
      positions: {},
      orders: {},
      fills: [],
      conditionals: [],
    });
    expect(PaperAccount.safeParse(account).success).toBe(true);
    expect(PaperAccount.safeParse({ ...account, futuresWallet: 500 }).success).toBe(false);
  });

  it("memory store hands out copies, so a caller's edits do not leak into it", async () => {
    const store = memoryPaperStore(newPaperAccount({ venue: "binance", spot: { USDT: "1" }, futuresWallet: "0" }));
    const loaded = await store.load();
    if (!loaded) throw new Error("expected an account");
    loaded.futuresWallet = "99";
    expect((await store.load())?.futuresWallet).toBe("0");
    await store.save(loaded);
    expect((await store.load())?.futuresWallet).toBe("99");
    expect(await memoryPaperStore().load()).toBeNull();
  });

  it("keeps the last 500 fills and the newest closed orders only", () => {
    const account = newPaperAccount({ venue: "binance", spot: { USDT: "100000" }, futuresWallet: "0" });
    const ctx: PaperContext = { venue: "binance", settings: DEFAULT_PAPER_SETTINGS, now: 0 };
    for (let i = 0; i < MAX_FILLS + 20; i++) {
      const order = spotBuy(`o-${i}`, i);
      account.orders[order.clientOrderId] = order;
      executeFill(account, { ...ctx, now: i }, order, Big("2"), Big("1"), false);
    }
    expect(account.fills).toHaveLength(MAX_FILLS);
    expect(account.fills[0]?.clientOrderId).toBe("o-20");
    expect(account.spot.XRP?.free).toBe(dec(Big("0.999").times(MAX_FILLS + 20)));
    pruneClosedOrders(account);
    expect(Object.keys(account.orders)).toHaveLength(500);
    expect(account.orders["o-19"]).toBeUndefined();
    expect(account.orders["o-519"]?.status).toBe("filled");
  });
});
