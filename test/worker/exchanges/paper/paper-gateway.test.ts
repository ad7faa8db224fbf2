import Big from "big.js";
import { describe, expect, it } from "vitest";
import {
  memoryPaperStore,
  newPaperAccount,
  type PaperAccount,
  type PaperStore,
} from "../../../../worker/exchanges/paper/paper-account.ts";
import { createPaperGateway, DEFAULT_PAPER_SETTINGS } from "../../../../worker/exchanges/paper/paper-gateway.ts";
import { caught, clientId, dec, holdPrice, marketGateway, paperSetup, VENUES } from "./harness.ts";

// Spot symbol of this file: DOGEUSDT (held prices are shared with other test files).

/** A store that counts its saves, to see which calls change the account. */
function countingStore(initial: PaperAccount): PaperStore & { saves: number } {
  const inner = memoryPaperStore(initial);
  const store = {
    saves: 0,
    load: () => inner.load(),
    async save(account: PaperAccount) {
      store.saves++;
      await inner.save(account);
    },
  };
  return store;
}

function restingDogeBuy(clientOrderId: string) {
  return {
    market: "spot" as const,
    symbol: "DOGEUSDT",
    side: "buy" as const,
    type: "limit" as const,
    price: "0.3",
    quantity: "100",
    clientOrderId,
  };
}

describe.each(VENUES)("paper gateway on %s", (venue) => {
  it("describes itself as a paper venue with every operation and trading rights but no withdrawals", async () => {
    const { gateway } = paperSetup(venue);
    expect(gateway.venue).toBe(venue);
    expect(gateway.capabilities).toMatchObject({
      venue,
      name: venue === "binance" ? "Paper (Binance)" : "Paper (Bybit)",
      markets: ["spot", "linear"],
      environments: ["live", "testnet", "demo", "custom"],
    });
    expect(gateway.capabilities.operations.linear).toContain("stops");
    expect(gateway.capabilities.operations.spot).toContain("balances");
    expect(gateway.capabilities.notes.length).toBeGreaterThan(0);
    expect(await gateway.permissions()).toEqual({
      canRead: true,
      spotTrading: true,
      futuresTrading: true,
      withdrawals: false,
      ipRestricted: null,
      note: null,
    });
  });

  it("passes public market data through to the venue", async () => {
    await holdPrice(venue, "spot", "DOGEUSDT", "0.35");
    const { gateway } = paperSetup(venue);
    const market = marketGateway(venue);
    expect(await gateway.market("spot", "DOGEUSDT")).toEqual(await market.market("spot", "DOGEUSDT"));
    const [ticker] = await gateway.tickers("spot", ["DOGEUSDT"]);
    expect(ticker?.symbol).toBe("DOGEUSDT");
    expect(Big(ticker?.last ?? "0").eq("0.35")).toBe(true);
    expect((await gateway.orderBookTop("spot", "DOGEUSDT")).symbol).toBe("DOGEUSDT");
    expect(await gateway.klines("spot", "DOGEUSDT", "1m", 3)).toHaveLength(3);
  });

  it("refuses to trade before the paper account is set up", async () => {
    const gateway = createPaperGateway({ venue, market: marketGateway(venue), store: memoryPaperStore() });
    const error = await caught(() => gateway.balances());
    expect(error).toMatchObject({ kind: "not_supported", message: "The paper account is not set up." });
    expect((await caught(() => gateway.placeOrder(restingDogeBuy(clientId("nope"))))).kind).toBe("not_supported");
  });

  it("keeps the account in the store: a second gateway on the same store sees and changes it", async () => {
    await holdPrice(venue, "spot", "DOGEUSDT", "0.35");
    const store = memoryPaperStore(newPaperAccount({ venue, spot: { USDT: "1000" }, futuresWallet: "0" }));
    const first = createPaperGateway({ venue, market: marketGateway(venue), store });
    const second = createPaperGateway({ venue, market: marketGateway(venue), store });
    const id = clientId("shared");
    await first.placeOrder(restingDogeBuy(id));
    expect((await second.openOrders("spot", "DOGEUSDT")).map((o) => o.clientOrderId)).toEqual([id]);
    expect(await second.balances()).toEqual([{ asset: "USDT", free: "970", locked: "30", total: "1000" }]);
    await second.cancelOrder("spot", "DOGEUSDT", id);
    expect(await first.getOrder("spot", "DOGEUSDT", id)).toMatchObject({ status: "canceled" });
    expect((await caught(() => first.placeOrder(restingDogeBuy(id)))).kind).toBe("duplicate_client_id");
  });

  it("loses no update when calls interleave", async () => {
    await holdPrice(venue, "spot", "DOGEUSDT", "0.35");
    const { gateway } = paperSetup(venue);
    const ids = [clientId("a"), clientId("b"), clientId("c")];
    await Promise.all(ids.map((id) => gateway.placeOrder(restingDogeBuy(id))));
    expect((await gateway.openOrders("spot")).map((o) => o.clientOrderId).sort()).toEqual([...ids].sort());
    expect(await gateway.balances()).toEqual([{ asset: "USDT", free: "9910", locked: "90", total: "10000" }]);
  });

  it("saves only calls that change the account, including fills found by lazy matching", async () => {
    await holdPrice(venue, "spot", "DOGEUSDT", "0.35");
    const store = countingStore(newPaperAccount({ venue, spot: { USDT: "1000" }, futuresWallet: "0" }));
    const gateway = createPaperGateway({ venue, market: marketGateway(venue), store, now: () => 1_700_000_000_000 });
    await gateway.balances();
    await gateway.positions();
    expect(store.saves).toBe(0);
    const placed = await gateway.placeOrder(restingDogeBuy(clientId("saved")));
    expect(placed).toMatchObject({ createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000 });
    expect(store.saves).toBe(1);
    await gateway.openOrders("spot");
    expect(store.saves).toBe(1);
    await holdPrice(venue, "spot", "DOGEUSDT", "0.29");
    // A refused order still keeps the fill that lazy matching made on the same call.
    expect((await caught(() => gateway.placeOrder({ ...restingDogeBuy("x"), quantity: "0.5" }))).kind).toBe(
      "invalid_order",
    );
    expect(store.saves).toBe(2);
    expect(await gateway.balances()).toEqual([
      { asset: "DOGE", free: "99.9", locked: "0", total: "99.9" },
      { asset: "USDT", free: "970", locked: "0", total: "970" },
    ]);
  });

  it("a view (settle: false) shows the account as last saved: no lazy matching, no saves, no changes", async () => {
    await holdPrice(venue, "spot", "DOGEUSDT", "0.35");
    const store = countingStore(newPaperAccount({ venue, spot: { USDT: "1000" }, futuresWallet: "0" }));
    const gateway = createPaperGateway({ venue, market: marketGateway(venue), store });
    const view = createPaperGateway({ venue, market: marketGateway(venue), store, settle: false });
    await gateway.placeOrder(restingDogeBuy(clientId("viewed")));
    expect(store.saves).toBe(1);
    // The book crosses the resting buy: the view still shows it resting and the cash locked, and saves nothing.
    await holdPrice(venue, "spot", "DOGEUSDT", "0.29");
    const resting = [{ asset: "USDT", free: "970", locked: "30", total: "1000" }];
    expect(await view.balances()).toEqual(resting);
    expect(await view.openOrders("spot")).toHaveLength(1);
    expect(await view.balances()).toEqual(resting);
    expect(store.saves).toBe(1);
    expect((await caught(() => view.placeOrder(restingDogeBuy(clientId("refused"))))).kind).toBe("not_supported");
    expect(store.saves).toBe(1);
    // The settling gateway (the engine's) finds the fill.
    expect(await gateway.balances()).toEqual([
      { asset: "DOGE", free: "99.9", locked: "0", total: "99.9" },
      { asset: "USDT", free: "970", locked: "0", total: "970" },
    ]);
    expect(store.saves).toBe(2);
  });

  it("applies its own fee and slippage settings", async () => {
    const book = await holdPrice(venue, "spot", "DOGEUSDT", "0.35");
    const { gateway } = paperSetup(venue, {}, { slippageBps: 20, spotFeeRate: "0.002" });
    const order = await gateway.placeOrder({
      market: "spot",
      symbol: "DOGEUSDT",
      side: "buy",
      type: "market",
      quantity: "100",
      clientOrderId: clientId("settings"),
    });
    expect(order.averagePrice).toBe(dec(book.ask.times("1.002")));
    expect(order.fees).toEqual([{ asset: "DOGE", amount: "0.2" }]);
    expect(DEFAULT_PAPER_SETTINGS).toEqual({
      slippageBps: 5,
      spotFeeRate: "0.001",
      takerFeeRate: "0.0005",
      makerFeeRate: "0.0002",
    });
    expect(Big(order.filledQuantity).eq(100)).toBe(true);
  });
});
