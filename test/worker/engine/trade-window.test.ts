import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  bookedOrdersStatement,
  readBookedOrders,
  readRecordedFills,
  recordedFillsStatement,
  stopEntriesStatement,
  type TradeWindow,
} from "../../../worker/portfolios/trade-window.ts";
import { holdPrice, trader } from "../accounts/support.ts";
import { testApp } from "../identity/support.ts";
import { createPortfolio, futuresPortfolio, spotPortfolio, startSettled } from "../portfolios/support.ts";
import { cronTick, futuresAction, futuresPlan, newPortfolio, OPENAI, rows, scriptedTrader } from "./support.ts";

/**
 * Recording trades reads only a window of a portfolio's record (worker/portfolios/trade-window.ts): orders whose
 * trades are all recorded are marked, and outside the window neither they nor their fills are read again.
 */

const DAY = 86_400_000;
const T = Date.UTC(2026, 10, 1);
const MARGIN = 600_000;

type Seed = {
  id: string;
  symbol: string;
  status: string;
  exchangeOrderId?: string | null;
  complete?: boolean;
  side?: "buy" | "sell";
  filled?: string;
  stopLoss?: string | null;
  takeProfit?: string | null;
  at: number;
};

async function seedOrder(portfolioId: string, o: Seed) {
  await env.DB.prepare(
    `INSERT INTO "portfolio_orders" ("id", "portfolio_id", "leg", "client_order_id", "venue", "paper", "market", "symbol",
       "action", "side", "type", "quantity", "status", "exchange_order_id", "filled_quantity", "fills_complete",
       "stop_loss", "take_profit", "created_at", "sent_at", "updated_at")
     VALUES (?, ?, 0, ?, 'binance', 0, 'spot', ?, 'BUY', ?, 'market', '1', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      `${portfolioId}-${o.id}`,
      portfolioId,
      `${portfolioId}-${o.id}`,
      o.symbol,
      o.side ?? "buy",
      o.status,
      o.exchangeOrderId === undefined ? `x-${o.id}` : o.exchangeOrderId,
      o.filled ?? "1",
      o.complete ? 1 : 0,
      o.stopLoss ?? null,
      o.takeProfit ?? null,
      o.at,
      o.at,
      o.at,
    )
    .run();
}

async function seedFill(portfolioId: string, orderId: string, symbol: string, time: number) {
  await env.DB.prepare(
    `INSERT INTO "portfolio_fills" ("id", "portfolio_id", "order_id", "client_order_id", "exchange_order_id", "trade_id",
       "symbol", "side", "price", "quantity", "fee", "fee_asset", "maker", "time")
     VALUES (?, ?, ?, '', ?, ?, ?, 'buy', '1', '1', '0', 'USDT', 0, ?)`,
  )
    .bind(crypto.randomUUID(), portfolioId, `${portfolioId}-${orderId}`, `x-${orderId}`, `t-${orderId}`, symbol, time)
    .run();
}

async function draftPortfolio(): Promise<string> {
  const { user, keyId } = await trader(testApp(), "binance", { spot: { USDT: "1000" } });
  return createPortfolio(
    user,
    spotPortfolio(keyId, {
      tokens: [
        { token: "BTC", minAllocation: 0 },
        { token: "ETH", minAllocation: 0 },
        { token: "SOL", minAllocation: 0 },
      ],
    }),
  );
}

async function readWindow(window: TradeWindow, handed: string[] = []) {
  const [orders, fills] = await env.DB.batch([
    bookedOrdersStatement(env.DB, window, handed),
    recordedFillsStatement(env.DB, window),
  ]);
  const short = (id: string) => id.slice(window.portfolioId.length + 1);
  return {
    orders: readBookedOrders(orders)
      .map((o) => short(o.id))
      .sort(),
    fills: readRecordedFills(fills)
      .map((f) => short(f.orderId))
      .sort(),
  };
}

describe("the trade window's reads", () => {
  it("reads open orders, orders updated in the window and the handed ones, with the fills in the window", async () => {
    const id = await draftPortfolio();
    // BTC: the window starts at the open order's send time (a day ago), less the margin.
    await seedOrder(id, { id: "old-done", symbol: "BTCUSDT", status: "filled", complete: true, at: T - 10 * DAY });
    await seedFill(id, "old-done", "BTCUSDT", T - 10 * DAY);
    await seedOrder(id, { id: "open", symbol: "BTCUSDT", status: "partially_filled", at: T - DAY });
    await seedFill(id, "open", "BTCUSDT", T - DAY + 1_000);
    await seedOrder(id, {
      id: "recent-done",
      symbol: "BTCUSDT",
      status: "filled",
      complete: true,
      at: T - DAY - 60_000,
    });
    await seedFill(id, "recent-done", "BTCUSDT", T - DAY - 60_000);
    await seedOrder(id, { id: "handed", symbol: "BTCUSDT", status: "filled", complete: true, at: T - 5 * DAY });
    await seedOrder(id, {
      id: "never-sent",
      symbol: "BTCUSDT",
      status: "failed",
      exchangeOrderId: null,
      at: T - 20 * DAY,
    });
    // ETH: an order still waiting for the venue's answer (no exchange id yet) opens the window three days back.
    await seedOrder(id, {
      id: "sending",
      symbol: "ETHUSDT",
      status: "sending",
      exchangeOrderId: null,
      at: T - 3 * DAY,
    });
    await seedOrder(id, { id: "eth-in", symbol: "ETHUSDT", status: "canceled", complete: true, at: T - 2 * DAY });
    await seedFill(id, "eth-in", "ETHUSDT", T - 2 * DAY);
    await seedOrder(id, { id: "eth-out", symbol: "ETHUSDT", status: "filled", complete: true, at: T - 4 * DAY });
    await seedFill(id, "eth-out", "ETHUSDT", T - 4 * DAY);
    // SOL: nothing open, so spot reads nothing of it; futures read back to its last recorded trade.
    await seedOrder(id, { id: "sol-last", symbol: "SOLUSDT", status: "filled", complete: true, at: T - 30 * DAY });
    await seedFill(id, "sol-last", "SOLUSDT", T - 30 * DAY);
    await seedOrder(id, { id: "sol-older", symbol: "SOLUSDT", status: "filled", complete: true, at: T - 40 * DAY });
    await seedFill(id, "sol-older", "SOLUSDT", T - 40 * DAY);

    const symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
    const spot = await readWindow({ portfolioId: id, symbols, futures: false, marginMs: MARGIN }, [`${id}-handed`]);
    expect(spot.orders).toEqual(["eth-in", "handed", "open", "recent-done"]);
    expect(spot.fills).toEqual(["eth-in", "open", "recent-done"]);

    const futures = await readWindow({ portfolioId: id, symbols, futures: true, marginMs: MARGIN });
    expect(futures.orders).toEqual(["eth-in", "open", "recent-done", "sol-last"]);
    expect(futures.fills).toEqual(["eth-in", "open", "recent-done", "sol-last"]);

    // Every order marked and nothing handed: spot reads nothing at all.
    await env.DB.prepare(`UPDATE "portfolio_orders" SET "fills_complete" = 1 WHERE "portfolio_id" = ?`).bind(id).run();
    expect(await readWindow({ portfolioId: id, symbols, futures: false, marginMs: MARGIN })).toEqual({
      orders: [],
      fills: [],
    });
  });

  it("finds the latest filled entry with SL or TP on each side, however old", async () => {
    const id = await draftPortfolio();
    const entry = (o: Omit<Seed, "symbol" | "status">) => seedOrder(id, { symbol: "SOLUSDT", status: "filled", ...o });
    await entry({ id: "long-older", stopLoss: "90", at: T - 40 * DAY });
    await entry({ id: "long-latest", takeProfit: "120", at: T - 35 * DAY });
    await entry({ id: "long-unfilled", stopLoss: "90", filled: "0", at: T - DAY });
    await entry({ id: "long-no-stops", at: T - 2 * DAY });
    await entry({ id: "short", side: "sell", stopLoss: "130", filled: "0.5", at: T - 50 * DAY });
    await seedOrder(id, { id: "other-symbol", symbol: "BTCUSDT", status: "filled", stopLoss: "1", at: T });
    const found = readBookedOrders(await stopEntriesStatement(env.DB, id, ["SOLUSDT"]).all());
    expect(found.map((o) => [o.id.slice(id.length + 1), o.side]).sort()).toEqual([
      ["long-latest", "buy"],
      ["short", "sell"],
    ]);
  });
});

describe("orders marked complete", () => {
  it("marks a filled entry once its trades are recorded, and marks an old unmarked one again without a second fill", async () => {
    await holdPrice("binance", "linear", "SOLUSDT", "100");
    const t = await scriptedTrader("binance", { spot: {}, futuresWallet: "10000" });
    await t.decide(
      futuresPlan([
        futuresAction({ symbol: "SOLUSDT", action: "OPEN", side: "LONG", quantity: "1", leverage: 2, stopLoss: "95" }),
      ]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, { decisionSource: OPENAI, tokens: [{ token: "SOL", minAllocation: 0 }] }),
    );
    const { run } = await startSettled(t.user, id);
    expect(run.status, JSON.stringify(run.error)).toBe("completed");
    type Marked = { id: string; status: string; fills_complete: number; reason: string | null };
    const [entry] = await rows<Marked>(
      `SELECT "id", "status", "fills_complete", "reason" FROM "portfolio_orders" WHERE "portfolio_id" = ?`,
      id,
    );
    expect(entry, entry?.reason ?? "").toMatchObject({ status: "filled", fills_complete: 1 });
    const before = await portfolioState(id);

    // As a row saved before the mark existed: unmarked, and older than anything recorded since.
    await rows(
      `UPDATE "portfolio_orders" SET "fills_complete" = 0, "created_at" = ?, "sent_at" = ?, "updated_at" = ? WHERE "id" = ?`,
      T - 2 * DAY,
      T - 2 * DAY,
      T - 2 * DAY,
      entry?.id,
    );
    await cronTick(Date.UTC(2026, 11, 1, 12, 3, 0));
    const [again] = await rows<Marked>(`SELECT "fills_complete" FROM "portfolio_orders" WHERE "id" = ?`, entry?.id);
    expect(again?.fills_complete).toBe(1);
    expect(await portfolioState(id)).toEqual(before);
  });
});

/** What a second counting of a trade would change: the recorded fills and the ledger. */
async function portfolioState(id: string) {
  const fills = await rows<{ trade_id: string; quantity: string }>(
    `SELECT "trade_id", "quantity" FROM "portfolio_fills" WHERE "portfolio_id" = ? ORDER BY "trade_id"`,
    id,
  );
  const [portfolio] = await rows<{ ledger: string }>(`SELECT "ledger" FROM "portfolios" WHERE "id" = ?`, id);
  return { fills, ledger: portfolio?.ledger };
}
