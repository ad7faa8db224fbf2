import { describe, expect, it } from "vitest";
import type { Account, PlaceOrderInput, SimExchange } from "../../sim/engine/types.ts";
import { frozenExchange } from "./fixtures.ts";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

let sequence = 0;
function market(
  exchange: SimExchange,
  account: Account,
  side: "buy" | "sell",
  quantity: string,
  extra: Partial<PlaceOrderInput> = {},
) {
  sequence++;
  return exchange.placeOrder(account, {
    market: "linear",
    symbol: "BTCUSDT",
    side,
    type: "market",
    quantity,
    clientOrderId: `o${sequence}`,
    ...extra,
  });
}

/** Binance BTCUSDT perp held at 100000: bid 99998.0, ask 100002.0 (half spread 0.002%). */
function btcAt100k(venue: "binance" | "bybit" = "binance", wallet = "10000") {
  const setup = frozenExchange(venue);
  setup.exchange.setPrice("linear", "BTCUSDT", "100000", { hold: true });
  const account = setup.exchange.createAccount({ futuresWallet: wallet });
  return { ...setup, account };
}

describe("one-way positions", () => {
  it("open, reduce and close a long with realized PnL and taker fees in the futures wallet", () => {
    const { exchange, account } = btcAt100k();
    market(exchange, account, "buy", "0.1");
    expect(exchange.positions(account)).toEqual([
      expect.objectContaining({
        symbol: "BTCUSDT",
        positionSide: "both",
        size: "0.1",
        entryPrice: "100002",
        leverage: 20,
      }),
    ]);
    expect(account.futuresWallet).toBe("9994.9999");
    exchange.setPrice("linear", "BTCUSDT", "110000", { hold: true });
    expect(exchange.positions(account)[0]).toMatchObject({
      unrealizedPnl: "999.8",
      markPrice: "110000.0",
      notional: "11000",
    });
    expect(exchange.futuresEquity(account)).toMatchObject({
      walletBalance: "9994.9999",
      unrealizedPnl: "999.8",
      marginBalance: "10994.7999",
      initialMargin: "550",
      availableBalance: "10444.7999",
    });
    market(exchange, account, "sell", "0.05");
    expect(exchange.positions(account)[0]).toMatchObject({ size: "0.05", entryPrice: "100002" });
    market(exchange, account, "sell", "0.05");
    expect(exchange.positions(account)).toEqual([]);
    expect(account.futuresWallet).toBe("10989.08001");
    const fills = exchange.fills(account, "linear", "BTCUSDT", 0);
    expect(fills.map((fill) => [fill.side, fill.price, fill.realizedPnl, fill.fee, fill.feeAsset])).toEqual([
      ["buy", "100002", "0", "5.0001", "USDT"],
      ["sell", "109997.8", "499.79", "2.749945", "USDT"],
      ["sell", "109997.8", "499.79", "2.749945", "USDT"],
    ]);
  });

  it("averages the entry on increases and flips through zero", () => {
    const { exchange, account } = btcAt100k();
    market(exchange, account, "buy", "0.1");
    exchange.setPrice("linear", "BTCUSDT", "90000", { hold: true });
    market(exchange, account, "buy", "0.1");
    expect(exchange.positions(account)[0]).toMatchObject({ size: "0.2", entryPrice: "95001.9" });
    market(exchange, account, "sell", "0.3");
    const [short] = exchange.positions(account);
    expect(short).toMatchObject({ size: "-0.1", entryPrice: "89998.2" });
    expect(short?.liquidationPrice).not.toBeNull();
    expect(Number(short?.liquidationPrice)).toBeGreaterThan(90000);
  });

  it("checks initial margin against the available balance at the symbol's leverage", () => {
    const { exchange, account } = btcAt100k("binance", "1000");
    expect(code(() => market(exchange, account, "buy", "0.3"))).toBe("insufficient_balance");
    expect(exchange.setLeverage(account, "BTCUSDT", 50)).toBe("changed");
    expect(exchange.setLeverage(account, "BTCUSDT", 50)).toBe("no_change");
    expect(market(exchange, account, "buy", "0.3").status).toBe("filled");
    expect(code(() => exchange.setLeverage(account, "BTCUSDT", 126))).toBe("invalid_leverage");
    expect(code(() => exchange.setLeverage(account, "ETHUSDT", 101))).toBe("invalid_leverage");
    expect(code(() => exchange.setLeverage(account, "ETHUSDT", 0))).toBe("invalid_leverage");
  });

  it("counts resting orders' margin against what is available", () => {
    const { exchange, account } = btcAt100k("binance", "1000");
    const limit = (price: string, clientOrderId: string) =>
      exchange.placeOrder(account, {
        market: "linear",
        symbol: "BTCUSDT",
        side: "buy",
        type: "limit",
        quantity: "0.1",
        price,
        clientOrderId,
      });
    limit("90000", "a");
    expect(exchange.futuresEquity(account)).toMatchObject({ initialMargin: "450", availableBalance: "550" });
    limit("90000", "b");
    expect(code(() => limit("90000", "c"))).toBe("insufficient_balance");
  });

  it("reduce-only orders may only shrink the position and skip the minimum notional", () => {
    const { exchange, account } = btcAt100k();
    expect(code(() => market(exchange, account, "sell", "0.01", { reduceOnly: true }))).toBe("reduce_only_rejected");
    market(exchange, account, "buy", "0.01");
    expect(code(() => market(exchange, account, "buy", "0.01", { reduceOnly: true }))).toBe("reduce_only_rejected");
    expect(code(() => market(exchange, account, "sell", "0.02", { reduceOnly: true }))).toBe("reduce_only_rejected");
    exchange.setPrice("linear", "BTCUSDT", "50000", { hold: true });
    expect(code(() => market(exchange, account, "sell", "0.001"))).toBe("filter_min_notional");
    expect(market(exchange, account, "sell", "0.001", { reduceOnly: true }).status).toBe("filled");
    expect(exchange.positions(account)[0]?.size).toBe("0.009");
  });

  it("settles a Bybit unified account's PnL and fees in its USDT", () => {
    const { exchange, account } = btcAt100k("bybit");
    expect(account.spot.get("USDT")?.free).toBe("10000");
    market(exchange, account, "buy", "0.1");
    expect(account.spot.get("USDT")?.free).toBe("9994.9999");
    expect(account.futuresWallet).toBe("0");
    expect(exchange.futuresEquity(account).walletBalance).toBe("9994.9999");
  });
});

describe("position and margin modes", () => {
  it("hedge mode keeps long and short legs and requires a leg on every order", () => {
    const { exchange, account } = btcAt100k();
    expect(code(() => market(exchange, account, "buy", "0.01", { positionSide: "long" }))).toBe(
      "position_side_mismatch",
    );
    expect(exchange.setPositionMode(account, "hedge")).toBe("changed");
    expect(exchange.setPositionMode(account, "hedge")).toBe("no_change");
    expect(code(() => market(exchange, account, "buy", "0.01"))).toBe("position_side_mismatch");
    expect(code(() => market(exchange, account, "buy", "0.01", { positionSide: "both" }))).toBe(
      "position_side_mismatch",
    );
    market(exchange, account, "buy", "0.02", { positionSide: "long" });
    market(exchange, account, "sell", "0.01", { positionSide: "short" });
    const legs = exchange.positions(account, "BTCUSDT");
    expect(legs.map((leg) => [leg.positionSide, leg.size, leg.entryPrice])).toEqual([
      ["long", "0.02", "100002"],
      ["short", "0.01", "99998"],
    ]);
    exchange.setPrice("linear", "BTCUSDT", "90000", { hold: true });
    expect(exchange.positions(account).find((leg) => leg.positionSide === "short")?.unrealizedPnl).toBe("99.98");
    // Closing a leg is a reduction of that leg only: it cannot exceed it.
    expect(code(() => market(exchange, account, "buy", "0.02", { positionSide: "short" }))).toBe(
      "reduce_only_rejected",
    );
    expect(market(exchange, account, "buy", "0.01", { positionSide: "short" }).status).toBe("filled");
    expect(exchange.fills(account, "linear", "BTCUSDT", 0).at(-1)?.realizedPnl).toBe("99.962");
    expect(exchange.positions(account).map((leg) => leg.positionSide)).toEqual(["long"]);
    expect(code(() => exchange.setPositionMode(account, "one_way"))).toBe("invalid_parameter");
  });

  it("margin mode changes per symbol unless the symbol has a position or open orders", () => {
    const { exchange, account } = btcAt100k();
    expect(exchange.setMarginMode(account, "BTCUSDT", "cross")).toBe("no_change");
    expect(exchange.setMarginMode(account, "BTCUSDT", "isolated")).toBe("changed");
    market(exchange, account, "buy", "0.01");
    expect(exchange.positions(account)[0]?.marginMode).toBe("isolated");
    expect(code(() => exchange.setMarginMode(account, "BTCUSDT", "cross"))).toBe("invalid_parameter");
    expect(exchange.setMarginMode(account, "ETHUSDT", "isolated")).toBe("changed");
    // Isolated 20x long from 100002: liquidation a little under 5% below the entry.
    expect(exchange.positions(account)[0]?.liquidationPrice).toBe("95479.3");
  });

  it("an account-wide margin mode applies to every linear symbol and waits for no open positions or orders", () => {
    const { exchange, account } = btcAt100k("bybit");
    expect(exchange.setAccountMarginMode(account, "cross")).toBe("no_change");
    expect(exchange.setAccountMarginMode(account, "isolated")).toBe("changed");
    expect(exchange.instruments("linear").every((i) => account.marginMode.get(i.symbol) === "isolated")).toBe(true);
    market(exchange, account, "buy", "0.01");
    expect(exchange.positions(account)[0]?.marginMode).toBe("isolated");
    expect(exchange.setAccountMarginMode(account, "isolated")).toBe("no_change");
    expect(code(() => exchange.setAccountMarginMode(account, "cross"))).toBe("invalid_parameter");
  });
});
