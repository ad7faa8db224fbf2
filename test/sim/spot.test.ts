import { describe, expect, it } from "vitest";
import type { Account, SimExchange } from "../../sim/engine/types.ts";
import { frozenExchange } from "./fixtures.ts";

function balance(account: Account, asset: string) {
  return account.spot.get(asset) ?? { free: "0", locked: "0" };
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

function buy(exchange: SimExchange, account: Account, extra: Record<string, string>) {
  return exchange.placeOrder(account, {
    market: "spot",
    symbol: "BTCUSDT",
    side: "buy",
    type: "limit",
    quantity: "0.5",
    price: "90000",
    clientOrderId: "c1",
    ...extra,
  });
}

describe("spot market orders", () => {
  it("buy fills in full at the ask with the 0.1% fee taken in the base asset", () => {
    const { exchange } = frozenExchange("binance");
    const account = exchange.createAccount({ spot: { USDT: "10000" } });
    const order = exchange.placeOrder(account, {
      market: "spot",
      symbol: "BTCUSDT",
      side: "buy",
      type: "market",
      quantity: "0.01",
      clientOrderId: "m1",
    });
    expect(order).toMatchObject({ status: "filled", filledQuantity: "0.01", filledQuote: "950.019" });
    expect(balance(account, "USDT")).toEqual({ free: "9049.981", locked: "0" });
    expect(balance(account, "BTC")).toEqual({ free: "0.00999", locked: "0" });
    expect(exchange.fills(account, "spot", "BTCUSDT", 0)).toEqual([
      expect.objectContaining({ price: "95001.9", quantity: "0.01", fee: "0.00001", feeAsset: "BTC", maker: false }),
    ]);
  });

  it("sell fills at the bid with the fee taken in the quote asset", () => {
    const { exchange } = frozenExchange("bybit");
    const account = exchange.createAccount({ spot: { BTC: "1" } });
    exchange.placeOrder(account, {
      market: "spot",
      symbol: "BTCUSDT",
      side: "sell",
      type: "market",
      quantity: "0.01",
      clientOrderId: "m1",
    });
    expect(balance(account, "BTC").free).toBe("0.99");
    expect(balance(account, "USDT").free).toBe("949.031019");
    expect(exchange.fills(account, "spot", "BTCUSDT", 0)[0]).toMatchObject({ fee: "0.949981", feeAsset: "USDT" });
  });

  it("rejects what the balance cannot pay for", () => {
    const { exchange } = frozenExchange("binance");
    const account = exchange.createAccount({ spot: { USDT: "100" } });
    expect(code(() => buy(exchange, account, { type: "market", quantity: "0.01" }))).toBe("insufficient_balance");
    expect(code(() => buy(exchange, account, { side: "sell", quantity: "0.01" }))).toBe("insufficient_balance");
    expect(account.orders.size).toBe(0);
  });
});

describe("spot limit orders", () => {
  it("rest below the market as maker orders, lock quote, and unlock it on cancel", () => {
    const { exchange } = frozenExchange("binance");
    const account = exchange.createAccount({ spot: { USDT: "100000" } });
    const order = buy(exchange, account, {});
    expect(order.status).toBe("new");
    expect(balance(account, "USDT")).toEqual({ free: "55000", locked: "45000" });
    expect(exchange.openOrders(account, "spot")).toEqual([order]);
    const canceled = exchange.cancelOrder(account, "spot", "BTCUSDT", { clientOrderId: "c1" });
    expect(canceled.status).toBe("canceled");
    expect(balance(account, "USDT")).toEqual({ free: "100000", locked: "0" });
    expect(code(() => exchange.cancelOrder(account, "spot", "BTCUSDT", { orderId: order.orderId }))).toBe(
      "order_not_found",
    );
  });

  it("lock base for a sell", () => {
    const { exchange } = frozenExchange("binance");
    const account = exchange.createAccount({ spot: { BTC: "2" } });
    buy(exchange, account, { side: "sell", price: "99000" });
    expect(balance(account, "BTC")).toEqual({ free: "1.5", locked: "0.5" });
  });

  it("fill immediately as taker at the book when they cross, returning the unused lock", () => {
    const { exchange } = frozenExchange("binance");
    const account = exchange.createAccount({ spot: { USDT: "100000" } });
    const order = buy(exchange, account, { price: "96000", quantity: "0.1" });
    expect(order).toMatchObject({ status: "filled", filledQuote: "9500.19" });
    expect(balance(account, "USDT")).toEqual({ free: "90499.81", locked: "0" });
    expect(exchange.fills(account, "spot", "BTCUSDT", 0)[0]?.maker).toBe(false);
  });

  it("fill over several matching steps when crossed by the price, at most the book quantity per step", () => {
    const { exchange, clock } = frozenExchange("binance");
    const account = exchange.createAccount({ spot: { USDT: "200000" } });
    const order = buy(exchange, account, { quantity: "2" });
    expect(balance(account, "USDT").locked).toBe("180000");
    exchange.setPrice("spot", "BTCUSDT", "89000", { hold: true });
    // Reads in the same second do not advance matching.
    expect(exchange.getOrder(account, "spot", "BTCUSDT", { orderId: order.orderId })?.status).toBe("new");
    exchange.settle();
    expect(order).toMatchObject({ status: "partially_filled", filledQuantity: "1.12359" });
    expect(exchange.openOrders(account, "spot", "BTCUSDT")).toHaveLength(1);
    clock.advance(1000);
    expect(exchange.getOrder(account, "spot", "BTCUSDT", { clientOrderId: "c1" })?.status).toBe("filled");
    const fills = exchange.fills(account, "spot", "BTCUSDT", 0);
    expect(fills.map((fill) => [fill.price, fill.quantity, fill.fee, fill.maker])).toEqual([
      ["90000", "1.12359", "0.00112359", true],
      ["90000", "0.87641", "0.00087641", true],
    ]);
    expect(balance(account, "USDT")).toEqual({ free: "20000", locked: "0" });
    expect(balance(account, "BTC").free).toBe("1.998");
  });

  it("IOC takes what the top of the book shows and expires the rest; FOK takes all or nothing", () => {
    const { exchange } = frozenExchange("binance");
    const account = exchange.createAccount({ spot: { USDT: "1000000" } });
    const ioc = buy(exchange, account, { price: "96000", quantity: "2", timeInForce: "ioc", clientOrderId: "ioc" });
    expect(ioc).toMatchObject({ status: "expired", filledQuantity: "1.05263" });
    const fok = buy(exchange, account, { price: "96000", quantity: "2", timeInForce: "fok", clientOrderId: "fok" });
    expect(fok).toMatchObject({ status: "expired", filledQuantity: "0" });
    const away = buy(exchange, account, { quantity: "0.1", timeInForce: "ioc", clientOrderId: "away" });
    expect(away.status).toBe("expired");
    expect(balance(account, "USDT").locked).toBe("0");
  });

  it("post-only is refused when it would take, and rests otherwise", () => {
    const { exchange } = frozenExchange("binance");
    const account = exchange.createAccount({ spot: { USDT: "100000" } });
    expect(code(() => buy(exchange, account, { price: "96000", timeInForce: "post_only" }))).toBe(
      "post_only_would_take",
    );
    expect(buy(exchange, account, { timeInForce: "post_only" }).status).toBe("new");
  });
});

describe("client order ids", () => {
  it("on Binance are unique among open orders only", () => {
    const { exchange } = frozenExchange("binance");
    const account = exchange.createAccount({ spot: { USDT: "100000" } });
    buy(exchange, account, {});
    expect(code(() => buy(exchange, account, {}))).toBe("duplicate_client_id");
    exchange.cancelOrder(account, "spot", "BTCUSDT", { clientOrderId: "c1" });
    const again = buy(exchange, account, {});
    expect(exchange.getOrder(account, "spot", "BTCUSDT", { clientOrderId: "c1" })).toBe(again);
  });

  it("on Bybit are unique forever", () => {
    const { exchange } = frozenExchange("bybit");
    const account = exchange.createAccount({ spot: { USDT: "100000" } });
    buy(exchange, account, {});
    exchange.cancelOrder(account, "spot", "BTCUSDT", { clientOrderId: "c1" });
    expect(code(() => buy(exchange, account, {}))).toBe("duplicate_client_id");
  });
});

describe("filters", () => {
  it("reject unknown and halted symbols, off-tick prices, off-step, tiny, huge and low-notional quantities", () => {
    const { exchange } = frozenExchange("binance");
    const account = exchange.createAccount({ spot: { USDT: "1000000", HALT: "1000" } });
    expect(code(() => buy(exchange, account, { symbol: "NOPEUSDT" }))).toBe("bad_symbol");
    expect(code(() => buy(exchange, account, { symbol: "HALTUSDT", price: "1", quantity: "10" }))).toBe("bad_symbol");
    expect(code(() => buy(exchange, account, { price: "90000.001" }))).toBe("filter_tick_size");
    expect(code(() => buy(exchange, account, { quantity: "0.000015" }))).toBe("filter_step_size");
    expect(code(() => buy(exchange, account, { quantity: "10000" }))).toBe("filter_max_qty");
    expect(code(() => buy(exchange, account, { quantity: "0.00005" }))).toBe("filter_min_notional");
    expect(code(() => buy(exchange, account, { type: "market", quantity: "0.00005" }))).toBe("filter_min_notional");
    expect(code(() => buy(exchange, account, { symbol: "DOGEUSDT", price: "0.3", quantity: "10.5" }))).toBe(
      "filter_step_size",
    );
    expect(code(() => buy(exchange, account, { quantity: "-1" }))).toBe("invalid_parameter");
    expect(code(() => buy(exchange, account, { price: "" }))).toBe("invalid_parameter");
    expect(account.orders.size).toBe(0);
  });

  it("step 0.5 instruments accept whole multiples only", () => {
    const { exchange } = frozenExchange("bybit");
    const account = exchange.createAccount({ futuresWallet: "1000" });
    const order = (quantity: string) => () =>
      exchange.placeOrder(account, {
        market: "linear",
        symbol: "TESTUSDT",
        side: "buy",
        type: "limit",
        price: "9",
        quantity,
        clientOrderId: `t${quantity}`,
      });
    expect(code(order("1.25"))).toBe("filter_step_size");
    expect(code(order("0.5"))).toBe("filter_min_notional");
    expect(order("1.5")().status).toBe("new");
  });
});
