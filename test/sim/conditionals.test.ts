import { describe, expect, it } from "vitest";
import type { Account, SimExchange } from "../../sim/engine/types.ts";
import { frozenExchange } from "./fixtures.ts";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

function longBtc(venue: "binance" | "bybit" = "binance") {
  const setup = frozenExchange(venue);
  const { exchange } = setup;
  exchange.setPrice("linear", "BTCUSDT", "100000", { hold: true });
  const account = exchange.createAccount({ futuresWallet: "10000" });
  exchange.placeOrder(account, {
    market: "linear",
    symbol: "BTCUSDT",
    side: "buy",
    type: "market",
    quantity: "0.1",
    clientOrderId: "entry",
  });
  return { ...setup, account };
}

function protect(
  exchange: SimExchange,
  account: Account,
  kind: "stop_loss" | "take_profit",
  triggerPrice: string,
  clientId: string | null = null,
) {
  return exchange.placeConditional(account, {
    clientId,
    symbol: "BTCUSDT",
    kind,
    positionSide: "both",
    closeSide: "sell",
    triggerPrice,
  });
}

describe("SL/TP conditionals", () => {
  it("refuse triggers the mark price has already crossed", () => {
    const { exchange, account } = longBtc();
    expect(code(() => protect(exchange, account, "stop_loss", "100500"))).toBe("would_trigger_immediately");
    expect(code(() => protect(exchange, account, "take_profit", "99000"))).toBe("would_trigger_immediately");
    expect(code(() => protect(exchange, account, "stop_loss", "95000.05"))).toBe("filter_tick_size");
    expect(exchange.conditionals(account)).toEqual([]);
  });

  it("close the whole position at market when the mark crosses, and cancel the sibling", () => {
    const { exchange, account } = longBtc();
    const stop = protect(exchange, account, "stop_loss", "95000", "sl-1");
    const take = protect(exchange, account, "take_profit", "110000", "tp-1");
    expect(exchange.conditionals(account, "BTCUSDT")).toEqual([stop, take]);
    exchange.setPrice("linear", "BTCUSDT", "96000", { hold: true });
    exchange.settle();
    expect(stop.status).toBe("new");
    exchange.setPrice("linear", "BTCUSDT", "94000", { hold: true });
    exchange.settle();
    expect(stop.status).toBe("triggered");
    expect(take.status).toBe("canceled");
    expect(exchange.positions(account)).toEqual([]);
    const close = account.orders.get(stop.triggeredOrderId ?? "");
    expect(close).toMatchObject({ type: "market", side: "sell", reduceOnly: true, status: "filled", quantity: "0.1" });
    expect(exchange.fills(account, "linear", "BTCUSDT", 0).at(-1)).toMatchObject({
      orderId: close?.orderId,
      price: "93998.1",
      realizedPnl: "-600.39",
    });
    expect(exchange.conditionals(account)).toEqual([]);
  });

  it("can be cancelled by id or client id, once", () => {
    const { exchange, account } = longBtc();
    const stop = protect(exchange, account, "stop_loss", "95000", "sl-1");
    expect(code(() => protect(exchange, account, "stop_loss", "94000", "sl-1"))).toBe("duplicate_client_id");
    expect(exchange.cancelConditional(account, { clientId: "sl-1" })).toMatchObject({
      id: stop.id,
      status: "canceled",
    });
    expect(code(() => exchange.cancelConditional(account, { id: stop.id }))).toBe("order_not_found");
    expect(protect(exchange, account, "stop_loss", "94000", "sl-1").status).toBe("new");
  });

  it("are canceled when the position is closed by other means", () => {
    const { exchange, account } = longBtc("bybit");
    const stop = protect(exchange, account, "stop_loss", "95000");
    exchange.placeOrder(account, {
      market: "linear",
      symbol: "BTCUSDT",
      side: "sell",
      type: "market",
      quantity: "0.1",
      reduceOnly: true,
      clientOrderId: "exit",
    });
    expect(stop.status).toBe("canceled");
  });

  it("in hedge mode must close their own leg from the right side", () => {
    const { exchange } = frozenExchange("binance");
    const account = exchange.createAccount({ futuresWallet: "10000" });
    exchange.setPositionMode(account, "hedge");
    const input = { clientId: null, symbol: "BTCUSDT", kind: "stop_loss", triggerPrice: "90000" } as const;
    expect(code(() => exchange.placeConditional(account, { ...input, positionSide: "both", closeSide: "sell" }))).toBe(
      "position_side_mismatch",
    );
    expect(code(() => exchange.placeConditional(account, { ...input, positionSide: "long", closeSide: "buy" }))).toBe(
      "invalid_parameter",
    );
    expect(exchange.placeConditional(account, { ...input, positionSide: "long", closeSide: "sell" }).status).toBe(
      "new",
    );
  });
});
