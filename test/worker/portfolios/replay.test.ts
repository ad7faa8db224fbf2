import { env } from "cloudflare:workers";
import Big from "big.js";
import { describe, expect, it } from "vitest";
import { holdPrice, keyRequests } from "../accounts/support.ts";
import {
  futuresAction,
  futuresPlan,
  newPortfolio,
  OPENAI,
  scriptedTrader,
  spotBuy,
  spotPlan,
} from "../engine/support.ts";
import { signIn } from "../identity/support.ts";
import { futuresPortfolio, spotPortfolio, startSettled } from "./support.ts";

type Order = { leg: number; symbol: string; side: string; type: string; quantity: string; price: string | null };
type Replay = {
  source: string;
  prices: string;
  decision: { kind: string; summary: string };
  orders: Order[];
  refusals: { leg: number; symbol: string; code: string; reason: string }[];
  recorded: (Order & { status: string })[];
  diff: { change: string; symbol: string; fields: string[]; recorded: Order | null; replay: Order | null }[];
};

/** A started spot portfolio whose first review bought 1 ETH at market and 0.01 BTC with a limit at 59 000. */
async function reviewedPortfolio() {
  await holdPrice("binance", "spot", "ETHUSDT", "2500");
  await holdPrice("binance", "spot", "BTCUSDT", "60000");
  const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
  await t.decide(spotPlan([spotBuy("ETHUSDT", "1", "2500"), spotBuy("BTCUSDT", "0.01", "60000", "59000")]));
  const id = await newPortfolio(
    t.user,
    spotPortfolio(t.keyId, {
      tokens: [
        { token: "ETH", minAllocation: 20 },
        { token: "BTC", minAllocation: 20 },
      ],
      decisionSource: OPENAI,
    }),
  );
  const { run } = await startSettled(t.user, id);
  expect(run.status).toBe("completed");
  const replay = async (body: Record<string, unknown>) =>
    t.user.post(`/api/portfolios/${id}/runs/${run.id}/replay`, body);
  return { t, id, run, replay };
}

describe("what-if replay of a stored review", () => {
  it("replays the recorded decision to exactly what the review planned, without a single venue request", async () => {
    const { t, run, replay } = await reviewedPortfolio();
    const placed = (run.orders as unknown as Order[]).filter((o) => (o as { status?: string }).status !== "rejected");
    expect(placed).toHaveLength(2);

    const before = await keyRequests(t.account.apiKey);
    const reply = await replay({ source: "recorded" });
    expect(reply.status, reply.text).toBe(200);
    const body = reply.body as unknown as Replay;
    expect(await keyRequests(t.account.apiKey)).toEqual(before);

    expect(body).toMatchObject({ source: "recorded", prices: "plan", diff: [], refusals: [] });
    expect(body.decision.summary).toBe("Scripted spot decision.");
    const shape = (o: Order) => ({
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      quantity: o.quantity,
      price: o.price,
    });
    expect(body.orders.map(shape)).toEqual(placed.map(shape));
    expect(body.recorded.map(shape)).toEqual(placed.map(shape));
  });

  it("a tighter order cap refuses the ETH buy with its code, and the diff says it was removed", async () => {
    const { t, replay } = await reviewedPortfolio();
    const before = await keyRequests(t.account.apiKey);
    // 10 % of the 10 000 USDT equity: the 2 500 USD ETH buy is over it, the 600 USD BTC buy is not.
    const reply = await replay({ source: "recorded", maxOrderPct: "10" });
    expect(reply.status, reply.text).toBe(200);
    const body = reply.body as unknown as Replay;
    expect(await keyRequests(t.account.apiKey)).toEqual(before);
    expect(body.refusals).toEqual([expect.objectContaining({ leg: 0, symbol: "ETHUSDT", code: "order_too_large" })]);
    expect(body.orders.map((o) => o.symbol)).toEqual(["BTCUSDT"]);
    expect(body.diff).toEqual([
      expect.objectContaining({ change: "removed", symbol: "ETHUSDT", replay: null, fields: [] }),
    ]);
    expect(body.diff[0]?.recorded).toMatchObject({ symbol: "ETHUSDT", side: "buy", type: "market" });
    expect(Big(body.diff[0]?.recorded?.quantity ?? "0").eq(1)).toBe(true);
  });

  it("the built-in strategy decides on the saved input, and a tighter cap shrinks its orders", async () => {
    const { replay } = await reviewedPortfolio();
    const free = (await replay({ source: "builtin" })).body as unknown as Replay;
    expect(free).toMatchObject({ source: "builtin", decision: { kind: "spot" } });
    expect(free.orders.length).toBeGreaterThan(0);

    const capped = await replay({ source: "builtin", maxOrderPct: "3" });
    expect(capped.status, capped.text).toBe(200);
    const body = capped.body as unknown as Replay;
    expect(body.orders.length).toBeGreaterThan(0);
    for (const order of body.orders) {
      // Every order within 3 % of the 10 000 USDT equity.
      expect(
        Big(order.quantity)
          .times(order.price ?? "0")
          .lte(300),
      ).toBe(true);
      const uncapped = free.orders.find((o) => o.symbol === order.symbol);
      expect(uncapped && Big(order.quantity).lt(uncapped.quantity)).toBe(true);
    }
    // Against the review's own 1 ETH market buy, the capped ETH buy is a smaller limit order.
    const eth = body.diff.find((d) => d.symbol === "ETHUSDT");
    expect(eth).toMatchObject({ change: "changed" });
    expect(eth?.fields).toEqual(expect.arrayContaining(["type", "quantity", "price"]));
  });

  it("futures: the recorded limit open replays exactly at the plan's prices; a lower leverage cap refuses it", async () => {
    await holdPrice("bybit", "linear", "SOLUSDT", "100");
    const t = await scriptedTrader("bybit", { spot: { USDT: "0" }, futuresWallet: "10000" });
    await t.decide(
      futuresPlan([
        futuresAction({
          symbol: "SOLUSDT",
          action: "OPEN",
          side: "LONG",
          quantity: "10",
          orderType: "LIMIT",
          limitPrice: "99.5",
          leverage: 3,
          stopLoss: "95",
          takeProfit: "110",
        }),
      ]),
    );
    const id = await newPortfolio(t.user, futuresPortfolio(t.keyId, { decisionSource: OPENAI }));
    const { run } = await startSettled(t.user, id);
    expect(run.status, JSON.stringify(run.error)).toBe("completed");
    const path = `/api/portfolios/${id}/runs/${run.id}/replay`;

    const before = await keyRequests(t.account.apiKey);
    const same = (await t.user.post(path, { source: "recorded" })).body as unknown as Replay;
    expect(same).toMatchObject({ prices: "plan", diff: [], refusals: [] });
    expect(same.orders).toEqual([expect.objectContaining({ symbol: "SOLUSDT", side: "buy", type: "limit" })]);

    const capped = await t.user.post(path, { source: "recorded", maxLeverage: 2 });
    expect(capped.status, capped.text).toBe(200);
    const body = capped.body as unknown as Replay;
    expect(body.refusals).toEqual([expect.objectContaining({ symbol: "SOLUSDT", code: "leverage_cap" })]);
    expect(body.diff).toEqual([expect.objectContaining({ change: "removed", symbol: "SOLUSDT" })]);
    expect(await keyRequests(t.account.apiKey)).toEqual(before);
  });

  it("answers 4xx with the error envelope: foreign runs, runs without an input, tokens that are not the portfolio's", async () => {
    const { t, id, run, replay } = await reviewedPortfolio();
    const stranger = await signIn(t.app);
    const foreign = await stranger.post(`/api/portfolios/${id}/runs/${run.id}/replay`, { source: "recorded" });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ error: { code: "not_found" } });

    const tokens = await replay({ tokens: [{ token: "SOL", minAllocation: 10 }] });
    expect(tokens.status).toBe(400);
    expect(tokens.body).toMatchObject({ error: { code: "validation_failed" } });

    const spotLeverage = await replay({ maxLeverage: 3 });
    expect(spotLeverage.status).toBe(400);

    const bounds = await replay({ maxOrderPct: "101" });
    expect(bounds.status).toBe(400);
    expect(bounds.body).toMatchObject({ error: { code: "validation_failed" } });

    // A review that failed before its snapshot kept no input.
    const bare = crypto.randomUUID();
    await env.DB.prepare(
      `INSERT INTO "portfolio_runs" ("id", "portfolio_id", "seq", "trigger", "status", "step", "requested_at")
       VALUES (?, ?, 999, 'manual', 'failed', 'snapshot', ?)`,
    )
      .bind(bare, id, Date.now())
      .run();
    const noInput = await t.user.post(`/api/portfolios/${id}/runs/${bare}/replay`, { source: "builtin" });
    expect(noInput.status).toBe(409);
    expect(noInput.body).toMatchObject({ error: { code: "replay_no_input" } });
  });
});
