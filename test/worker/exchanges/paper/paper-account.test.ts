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
import {
  closedOrdersSince,
  closeOrder,
  executeFill,
  fileClosedOrders,
  type PaperContext,
  withClosedOrdersFiled,
} from "../../../../worker/exchanges/paper/paper-orders.ts";
import { changeableCopy, fingerprint } from "../../../../worker/exchanges/paper/paper-snapshot.ts";
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

  it("memory store hands out frozen copies: a caller cannot change what it loaded, only save a new account", async () => {
    const store = memoryPaperStore(newPaperAccount({ venue: "binance", spot: { USDT: "1" }, futuresWallet: "0" }));
    const loaded = await store.load();
    if (!loaded) throw new Error("expected an account");
    expect(() => {
      loaded.futuresWallet = "99";
    }).toThrow(TypeError);
    expect(() => {
      (loaded.spot.USDT as { free: string }).free = "2";
    }).toThrow(TypeError);
    expect((await store.load())?.futuresWallet).toBe("0");
    const changed = { ...structuredClone(loaded), futuresWallet: "99" };
    await store.save(changed);
    changed.futuresWallet = "100";
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
    const shared = account.closedOrders;
    fileClosedOrders(account);
    expect(account.orders).toEqual({});
    expect(Object.keys(account.closedOrders)).toHaveLength(500);
    expect(account.closedOrders["o-19"]).toBeUndefined();
    expect(account.closedOrders["o-519"]?.status).toBe("filled");
    // A new record: the one before may be shared by other copies of the account.
    expect(shared).toEqual({});
  });

  it("drops the closed orders that closed first, the one filed first among equals, as a stable sort would", () => {
    const closed = (id: string, at: number): PaperOrder => ({ ...spotBuy(id, at), status: "canceled", updatedAt: at });
    // A small deterministic generator: the same cases on every run.
    let seed = 7;
    const next = (below: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % below;
    };
    for (let round = 0; round < 40; round++) {
      const account = newPaperAccount({ venue: "binance", spot: { USDT: "100" }, futuresWallet: "0" });
      const stored = 480 + next(21);
      for (let i = 0; i < stored; i++) account.closedOrders[`c-${i}`] = closed(`c-${i}`, next(300));
      // One to twenty closed by this call: up to twenty past the cap.
      const closing = 1 + next(20);
      for (let i = 0; i < closing; i++) account.orders[`n-${i}`] = closed(`n-${i}`, next(400));
      const everything = [...Object.values(account.closedOrders), ...Object.values(account.orders)];
      const shared = account.closedOrders;
      const sharedKeys = Object.keys(shared);

      fileClosedOrders(account);

      const kept = everything
        .slice()
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .slice(-500)
        .map((o) => o.clientOrderId);
      expect(Object.keys(account.closedOrders).sort()).toEqual(kept.sort());
      expect(account.orders).toEqual({});
      expect(Object.keys(shared)).toEqual(sharedKeys);
    }
  });

  it("a filed record tells what it added and dropped since the record it was filed from, and only that one", () => {
    const closed = (id: string, at: number): PaperOrder => ({ ...spotBuy(id, at), status: "canceled", updatedAt: at });
    const account = newPaperAccount({ venue: "binance", spot: { USDT: "100" }, futuresWallet: "0" });
    for (let i = 0; i < 500; i++) account.orders[`c-${i}`] = closed(`c-${i}`, 100 + i);
    fileClosedOrders(account);
    const base = account.closedOrders;
    expect(closedOrdersSince(base, base)).toEqual({ added: [], dropped: [] });

    // Two closed by a call, and one that closed before everything kept: filed and dropped at once, so in neither list.
    account.orders.late = closed("late", 1);
    account.orders["n-1"] = closed("n-1", 700);
    account.orders["n-2"] = closed("n-2", 701);
    fileClosedOrders(account);
    const since = closedOrdersSince(base, account.closedOrders);
    expect(since?.added.map((o) => o.clientOrderId)).toEqual(["n-1", "n-2"]);
    expect(since?.dropped.map((o) => o.clientOrderId)).toEqual(["c-0", "c-1"]);
    expect(Object.keys(account.closedOrders)).toHaveLength(500);
    expect(account.closedOrders.late).toBeUndefined();

    // Not known from a record it was not filed from: a copy of the parent, or one two filings back.
    expect(closedOrdersSince({ ...base }, account.closedOrders)).toBeNull();
    const once = account.closedOrders;
    account.orders["n-3"] = closed("n-3", 702);
    fileClosedOrders(account);
    expect(closedOrdersSince(base, account.closedOrders)).toBeNull();
    expect(closedOrdersSince(once, account.closedOrders)?.added.map((o) => o.clientOrderId)).toEqual(["n-3"]);
  });

  it("files the closed orders of an account stored before they were kept apart, leaving the loaded one as it was", () => {
    const ctx: PaperContext = { venue: "binance", settings: DEFAULT_PAPER_SETTINGS, now: 0 };
    const account = newPaperAccount({ venue: "binance", spot: { USDT: "100000" }, futuresWallet: "0" });
    const filled = spotBuy("done", 1);
    account.orders.done = filled;
    executeFill(account, ctx, filled, Big("2"), Big("1"), false);
    account.orders.rest = { ...spotBuy("rest", 2), type: "limit", price: "1", timeInForce: "gtc" };
    const { closedOrders: _none, ...stored } = structuredClone(account);
    const earlier = stored as PaperAccount;
    const kept = structuredClone(earlier);
    const filed = withClosedOrdersFiled(earlier);
    expect(Object.keys(filed.orders)).toEqual(["rest"]);
    expect(Object.keys(filed.closedOrders)).toEqual(["done"]);
    expect(earlier).toEqual(kept);
    expect(withClosedOrdersFiled(filed)).toBe(filed);
  });

  it("a changeable copy shares only closed orders and fills, and the fingerprint sees every change a call makes", () => {
    const ctx: PaperContext = { venue: "binance", settings: DEFAULT_PAPER_SETTINGS, now: 0 };
    const account = newPaperAccount({ venue: "binance", spot: { USDT: "100000" }, futuresWallet: "0" });
    for (let i = 0; i < MAX_FILLS + 10; i++) {
      const order = spotBuy(`o-${i}`, i);
      account.orders[order.clientOrderId] = order;
      executeFill(account, { ...ctx, now: i }, order, Big("2"), Big("1"), false);
    }
    fileClosedOrders(account);
    const resting = { ...spotBuy("rest", 600), type: "limit" as const, price: "1", timeInForce: "gtc" as const };
    account.orders.rest = resting;
    const before = fingerprint(account);
    const kept = structuredClone(account);

    const copy = changeableCopy(account);
    expect(fingerprint(copy)).toBe(before);
    expect(copy).toEqual(account);
    // Shared: a closed order and a fill, which nothing changes once written. Copied: everything else.
    expect(copy.closedOrders).toBe(account.closedOrders);
    expect(copy.closedOrders["o-509"]).toBeDefined();
    expect(copy.fills[0]).toBe(account.fills[0]);
    expect(copy.fills).not.toBe(account.fills);
    expect(copy.orders.rest).not.toBe(account.orders.rest);
    expect(copy.spot.USDT).not.toBe(account.spot.USDT);

    // Each kind of change a call makes moves the fingerprint and leaves the original as it was.
    const changes: [string, (a: PaperAccount) => void][] = [
      ["a balance", (a) => ((a.spot.USDT as { free: string }).free = "1")],
      [
        "a new fill",
        (a) => executeFill(a, { ...ctx, now: 700 }, a.orders.rest as PaperOrder, Big("1"), Big("0.5"), true),
      ],
      ["an order closing", (a) => closeOrder(a, a.orders.rest as PaperOrder, "canceled", 700)],
      [
        "an order closed and filed, another pruned",
        (a) => {
          closeOrder(a, a.orders.rest as PaperOrder, "canceled", 700);
          fileClosedOrders(a);
        },
      ],
      [
        "a pruned fill and a new one",
        (a) => {
          a.fills.shift();
          executeFill(a, { ...ctx, now: 700 }, a.orders.rest as PaperOrder, Big("1"), Big("0.5"), true);
        },
      ],
      ["the next id", (a) => (a.nextId += 1)],
    ];
    for (const [what, change] of changes) {
      const changed = changeableCopy(account);
      change(changed);
      expect(fingerprint(changed), what).not.toBe(before);
      expect(account, what).toEqual(kept);
    }
  });
});
