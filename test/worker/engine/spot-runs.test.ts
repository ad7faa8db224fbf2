import Big from "big.js";
import { afterEach, describe, expect, it } from "vitest";
import { createGateway } from "../../../worker/exchanges/gateway.ts";
import { addFault, clearFaults, control, holdPrice, keyRequests, simUrl, VENUES } from "../accounts/support.ts";
import { settledRun, spotPortfolio, startSettled } from "../portfolios/support.ts";
import {
  eventually,
  expectLedgerMatchesVenue,
  newPortfolio,
  OPENAI,
  rows,
  runNow,
  scriptedTrader,
  settleVenue,
  spotBuy,
  spotPlan,
  spotSell,
  venueOrders,
} from "./support.ts";

type Order = { clientOrderId: string; status: string; reason: string | null; filledQuantity: string; quantity: string };
type Fill = { orderId: string; price: string; quantity: string; fee: string; feeAsset: string; symbol: string };
describe.each(VENUES)("%s spot reviews", (venue) => {
  /** The venue's adapter on the key's own account, placing orders the portfolio has no record of. */
  const venueGateway = (credentials: { apiKey: string; apiSecret: string }) =>
    createGateway({
      venue,
      environment: "custom",
      customBaseUrls: { spot: simUrl(), linear: simUrl() },
      allowLocalUrls: true,
      credentials,
    });

  it("places a market and a limit order, refuses a bad item with its reason, records fills, ledger and equity", async () => {
    await holdPrice(venue, "spot", "ETHUSDT", "2500");
    await holdPrice(venue, "spot", "BTCUSDT", "60000");
    const t = await scriptedTrader(venue, { spot: { USDT: "10000" }, futuresWallet: "0" });
    await t.decide(
      spotPlan([
        spotBuy("ETHUSDT", "1", "2500"),
        spotBuy("BTCUSDT", "0.01", "60000", "59000"),
        spotBuy("XRPUSDT", "10", "0.5"),
        spotSell("ETHUSDT", "5", "2500"),
      ]),
    );
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, {
        tokens: [
          { token: "ETH", minAllocation: 10 },
          { token: "BTC", minAllocation: 0 },
        ],
        decisionSource: OPENAI,
      }),
    );
    const { portfolio, run } = await startSettled(t.user, id);
    expect(portfolio.startingEquity).toBe("10000");
    expect(run).toMatchObject({ status: "completed", step: "done", trigger: "start", provider: "openai" });
    const [market, limit, unknownPair, oversell] = run.orders as unknown as Order[];
    const prefix = portfolio.clientOrderIdPrefix as string;
    expect(market).toMatchObject({ clientOrderId: `${prefix}r1-0`, status: "filled", filledQuantity: "1" });
    expect(limit).toMatchObject({ clientOrderId: `${prefix}r1-1`, status: "open", price: "59000.00" });
    expect(unknownPair).toMatchObject({
      status: "rejected",
      reason: "XRPUSDT is not one of this portfolio's trading routes.",
    });
    // The second ETH item sells more than the portfolio holds (the buy's proceeds are not counted before they exist).
    expect(oversell?.status).toBe("rejected");
    expect(oversell?.reason).toContain("only 0 ETH is free");

    // Exactly the two accepted orders reached the venue, under their deterministic client ids.
    const placed = (await venueOrders(t.account)).map((o) => o.clientOrderId).sort();
    expect(placed).toEqual([`${prefix}r1-0`, `${prefix}r1-1`]);

    // The run log keeps what the provider saw and said, and what it cost.
    expect(run.prompt).toMatchObject({ version: expect.stringMatching(/^spot-v\d+$/) });
    expect((run.prompt as { system: string }).system).toContain("floor");
    expect(run.input).toMatchObject({ kind: "spot", totalValueUsd: "10000.00" });
    expect(run.rawResponse).toBeTruthy();
    expect(run.usage).toMatchObject({ inputTokens: expect.any(Number), costUsd: expect.stringMatching(/^\d/) });
    expect(Object.keys(run.durationsMs as object)).toEqual(
      expect.arrayContaining(["cancel", "snapshot", "decide", "plan", "place", "reconcile", "record"]),
    );

    // Fills carry fees; the ledger moved by them and equals the venue's balances.
    const fills = (await t.user.get(`/api/portfolios/${id}/fills`)).body.fills as Fill[];
    expect(fills.length).toBeGreaterThan(0);
    const bought = fills.reduce((sum, f) => sum.plus(f.quantity), Big(0));
    expect(bought.eq(1)).toBe(true);
    expect(fills.every((f) => f.feeAsset === "ETH" && Big(f.fee).gt(0))).toBe(true);
    const holdings = await expectLedgerMatchesVenue(t.user, id, t.account.apiKey);
    const spent = fills.reduce((sum, f) => sum.plus(Big(f.quantity).times(f.price)), Big(0));
    const fee = fills.reduce((sum, f) => sum.plus(f.fee), Big(0));
    expect(holdings.find((h) => h.asset === "USDT")?.quantity).toBe(Big(10000).minus(spent).toFixed());
    expect(holdings.find((h) => h.asset === "ETH")?.quantity).toBe(Big(1).minus(fee).toFixed());

    // Equity = ledger at the last price; the equity curve has the start and this run.
    const equity = Big(10000).minus(spent).plus(Big(1).minus(fee).times(2500));
    expect(Big(run.equityAfter as string).eq(equity)).toBe(true);
    const curve = (await t.user.get(`/api/portfolios/${id}/equity`)).body;
    expect(curve.points).toHaveLength(2);
    const after = (await t.user.get(`/api/portfolios/${id}`)).body;
    expect(after.performance).toMatchObject({ equity: equity.toFixed() });
    expect(after.nextRunAt).toEqual(expect.any(String));
  });

  it("cancels the previous run's unfilled order, and records the fill when the cancel finds it filled", async () => {
    await holdPrice(venue, "spot", "BTCUSDT", "60000");
    await holdPrice(venue, "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader(venue, { spot: { USDT: "20000" }, futuresWallet: "0" });
    await t.decide(
      spotPlan([spotBuy("BTCUSDT", "0.01", "60000", "59000"), spotBuy("ETHUSDT", "1", "2500", "2400")]),
      spotPlan([]),
    );
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, {
        tokens: [
          { token: "BTC", minAllocation: 0 },
          { token: "ETH", minAllocation: 0 },
        ],
        decisionSource: OPENAI,
      }),
    );
    const { portfolio, run } = await startSettled(t.user, id);
    expect((run.orders as unknown as Order[]).map((o) => o.status)).toEqual(["open", "open"]);
    const prefix = portfolio.clientOrderIdPrefix as string;

    // The BTC limit fills on the venue between reviews; the ETH one does not.
    await holdPrice(venue, "spot", "BTCUSDT", "58000");
    await settleVenue(venue);
    const second = await runNow(t.user, id);
    expect(second.status).toBe("completed");
    const orders = (await t.user.get(`/api/portfolios/${id}/orders`)).body.orders as Order[];
    const btc = orders.find((o) => o.clientOrderId === `${prefix}r1-0`);
    const eth = orders.find((o) => o.clientOrderId === `${prefix}r1-1`);
    expect(btc).toMatchObject({ status: "filled", filledQuantity: "0.01" });
    expect(eth).toMatchObject({ status: "canceled", reason: "Not filled before the next review; canceled." });
    // Both have every trade recorded (the canceled one has none): recording trades reads neither again.
    const marks = await rows<{ client_order_id: string; fills_complete: number }>(
      `SELECT "client_order_id", "fills_complete" FROM "portfolio_orders" WHERE "portfolio_id" = ? ORDER BY "leg"`,
      id,
    );
    expect(marks.map((m) => [m.client_order_id, m.fills_complete])).toEqual([
      [`${prefix}r1-0`, 1],
      [`${prefix}r1-1`, 1],
    ]);
    expect(second.notes).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "cancel", symbol: "ETHUSDT" })]),
    );
    const fills = (await t.user.get(`/api/portfolios/${id}/fills`)).body.fills as Fill[];
    expect(
      fills
        .filter((f) => f.symbol === "BTCUSDT")
        .reduce((s, f) => s.plus(f.quantity), Big(0))
        .eq("0.01"),
    ).toBe(true);
    await expectLedgerMatchesVenue(t.user, id, t.account.apiKey);
  });

  it("records a partial fill and cancels the rest at the next review", async () => {
    await holdPrice(venue, "spot", "BTCUSDT", "60000");
    const t = await scriptedTrader(venue, { spot: { USDT: "400000" }, futuresWallet: "0" });
    // 5 BTC at 59 000 is about 295 000 USDT; the book shows about 100 000 USDT a step, so it fills in parts.
    await t.decide(spotPlan([spotBuy("BTCUSDT", "5", "60000", "59000")]), spotPlan([]));
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, { tokens: [{ token: "BTC", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    const { portfolio } = await startSettled(t.user, id);
    await holdPrice(venue, "spot", "BTCUSDT", "58000");
    await settleVenue(venue);
    await runNow(t.user, id);
    const [order] = (await t.user.get(`/api/portfolios/${id}/orders`)).body.orders as Order[];
    expect(order?.clientOrderId).toBe(`${portfolio.clientOrderIdPrefix}r1-0`);
    expect(order?.status).toBe("canceled");
    const filled = Big(order?.filledQuantity ?? "0");
    expect(filled.gt(0) && filled.lt(5), `partially filled: ${filled}`).toBe(true);
    const fills = (await t.user.get(`/api/portfolios/${id}/fills`)).body.fills as Fill[];
    expect(fills.reduce((s, f) => s.plus(f.quantity), Big(0)).eq(filled)).toBe(true);
    await expectLedgerMatchesVenue(t.user, id, t.account.apiKey);
  });

  it("cancels a stray order carrying the portfolio's prefix, and never touches other orders of the key", async () => {
    await holdPrice(venue, "spot", "BTCUSDT", "60000");
    const t = await scriptedTrader(venue, { spot: { USDT: "10000" }, futuresWallet: "0" });
    await t.decide(spotPlan([]), spotPlan([]));
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, { tokens: [{ token: "BTC", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    const { portfolio } = await startSettled(t.user, id);
    const gateway = venueGateway(t.account);
    const limit = { market: "spot", symbol: "BTCUSDT", side: "buy", type: "limit", quantity: "0.001" } as const;
    await gateway.placeOrder({
      ...limit,
      price: "50000",
      timeInForce: "gtc",
      clientOrderId: `${portfolio.clientOrderIdPrefix}lost1`,
    });
    await gateway.placeOrder({ ...limit, price: "50000", timeInForce: "gtc", clientOrderId: "manual-keep-1" });
    const run = await runNow(t.user, id);
    expect(run.notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "cancel", message: expect.stringContaining("not in its records") }),
      ]),
    );
    const statuses = Object.fromEntries((await venueOrders(t.account)).map((o) => [o.clientOrderId, o.status]));
    expect(statuses[`${portfolio.clientOrderIdPrefix}lost1`]).toBe("canceled");
    expect(statuses["manual-keep-1"]).toBe("new");
  });

  // The account's balances read and its open orders asked about, per venue (as the simulator counts a key's requests).
  const ACCOUNT = venue === "binance" ? "GET /api/v3/account" : "GET /v5/account/wallet-balance";
  const OPEN_ORDERS = venue === "binance" ? "GET /api/v3/openOrders" : "GET /v5/order/realtime";
  // Bybit answers a cancel with ids only: the adapter reads the canceled order's state from that same endpoint.
  const afterCancels = (cancels: number) => (venue === "bybit" ? cancels : 0);
  const requestsDuring = async (apiKey: string, work: () => Promise<unknown>) => {
    const before = await keyRequests(apiKey);
    await work();
    const after = await keyRequests(apiKey);
    return (path: string) => (after[path] ?? 0) - (before[path] ?? 0);
  };

  it("looks for strays only on symbols whose base or quote the account shows locked, reading the balances once", async () => {
    await holdPrice(venue, "spot", "ETHUSDT", "2500");
    await holdPrice(venue, "spot", "BTCUSDT", "60000");
    const t = await scriptedTrader(venue, { spot: { USDT: "10000" }, futuresWallet: "0" });
    // The start's review leaves a resting ETH buy, which the next one cancels; then nothing is locked.
    await t.decide(spotPlan([spotBuy("ETHUSDT", "0.5", "2500", "2400")]), spotPlan([]));
    const tokens = [
      { token: "ETH", minAllocation: 0 },
      { token: "BTC", minAllocation: 0 },
    ];
    const id = await newPortfolio(t.user, spotPortfolio(t.keyId, { tokens, decisionSource: OPENAI }));
    await startSettled(t.user, id);

    let run: Awaited<ReturnType<typeof runNow>> | undefined;
    const count = await requestsDuring(t.account.apiKey, async () => {
      run = await runNow(t.user, id);
    });
    expect(run?.status).toBe("completed");
    expect(run?.orders).toEqual([]);
    const [leftover] = (await t.user.get(`/api/portfolios/${id}/orders`)).body.orders as Order[];
    expect(leftover?.status).toBe("canceled");
    expect(count(OPEN_ORDERS)).toBe(afterCancels(1));
    // Read once, after the cancel: the snapshot took the same balances.
    expect(count(ACCOUNT)).toBe(1);
    await expectLedgerMatchesVenue(t.user, id, t.account.apiKey);
  });

  it("still cancels a stray whose base is locked, asks only about its symbol, and reads the freed balances again", async () => {
    await holdPrice(venue, "spot", "ETHUSDT", "2500");
    await holdPrice(venue, "spot", "BTCUSDT", "60000");
    const t = await scriptedTrader(venue, { spot: { USDT: "10000", BTC: "0.01" }, futuresWallet: "0" });
    await t.decide(spotPlan([]), spotPlan([]));
    const tokens = [
      { token: "ETH", minAllocation: 0 },
      { token: "BTC", minAllocation: 0 },
    ];
    const id = await newPortfolio(t.user, spotPortfolio(t.keyId, { tokens, decisionSource: OPENAI }));
    const { portfolio } = await startSettled(t.user, id);
    const gateway = venueGateway(t.account);
    // A sell the portfolio has no record of (a crash lost it): it locks BTC, and no USDT.
    await gateway.placeOrder({
      market: "spot",
      symbol: "BTCUSDT",
      side: "sell",
      type: "limit",
      quantity: "0.005",
      price: "70000",
      timeInForce: "gtc",
      clientOrderId: `${portfolio.clientOrderIdPrefix}lost2`,
    });

    const count = await requestsDuring(t.account.apiKey, () => runNow(t.user, id));
    const statuses = Object.fromEntries((await venueOrders(t.account)).map((o) => [o.clientOrderId, o.status]));
    expect(statuses[`${portfolio.clientOrderIdPrefix}lost2`]).toBe("canceled");
    // BTCUSDT only; the snapshot read the balances again, with the BTC the cancel freed.
    expect(count(OPEN_ORDERS)).toBe(1 + afterCancels(1));
    expect(count(ACCOUNT)).toBe(2);
    const [run] = await rows<{ input: string }>(
      "SELECT input FROM portfolio_runs WHERE portfolio_id = ? AND seq = 2",
      id,
    );
    // The decision saw the portfolio's BTC free again, not as locked by the stray.
    const input = JSON.parse(run?.input ?? "{}") as { positions: { asset: string; free: string; locked: string }[] };
    expect(input.positions.find((p) => p.asset === "BTC")).toMatchObject({ free: "0.01", locked: "0" });
  });

  it("exports orders and fills as CSV", async () => {
    await holdPrice(venue, "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader(venue, { spot: { USDT: "10000" }, futuresWallet: "0" });
    await t.decide(spotPlan([spotBuy("ETHUSDT", "0.5", "2500"), spotBuy("DOGEUSDT", "10", "0.1")]));
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    await startSettled(t.user, id);
    const orders = await t.user.get(`/api/portfolios/${id}/orders/export`);
    expect(orders.status).toBe(200);
    expect(orders.headers.get("content-type")).toContain("text/csv");
    const lines = orders.text.trim().split("\r\n");
    expect(lines[0]).toBe(
      "created_at,client_order_id,run_id,venue,paper,market,symbol,action,side,type,quantity,price,status,filled_quantity,average_price,notional_usd,reduce_only,reason",
    );
    expect(lines).toHaveLength(3);
    expect(orders.text).toContain(",filled,0.5,");
    expect(orders.text).toContain("DOGEUSDT is not one of this portfolio's trading routes.");
    const rejectedOnly = await t.user.get(`/api/portfolios/${id}/orders/export?status=rejected`);
    expect(rejectedOnly.text.trim().split("\r\n")).toHaveLength(2);
    const fills = await t.user.get(`/api/portfolios/${id}/fills/export`);
    expect(fills.text.split("\r\n")[0]).toBe(
      "time,symbol,side,price,quantity,fee,fee_asset,maker,client_order_id,trade_id",
    );
    expect(fills.text).toContain("ETHUSDT,buy,");
  });
});

afterEach(async () => {
  await clearFaults();
});

describe("what reconcile reads again", () => {
  it("does not ask Binance again about orders whose placement answer gave their state", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    await holdPrice("binance", "spot", "BTCUSDT", "60000");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    await t.decide(spotPlan([spotBuy("ETHUSDT", "1", "2500"), spotBuy("BTCUSDT", "0.01", "60000", "59000")]));
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, {
        tokens: [
          { token: "ETH", minAllocation: 0 },
          { token: "BTC", minAllocation: 0 },
        ],
        decisionSource: OPENAI,
      }),
    );
    const { run } = await startSettled(t.user, id);
    // The market order filled in its answer, the limit rests on the book: reconcile had nothing to ask.
    expect((run.orders as unknown as Order[]).map((o) => o.status)).toEqual(["filled", "open"]);
    expect((await keyRequests(t.account.apiKey))["GET /api/v3/order"] ?? 0).toBe(0);
    const fills = (await t.user.get(`/api/portfolios/${id}/fills`)).body.fills as Fill[];
    expect(fills.reduce((sum, f) => sum.plus(f.quantity), Big(0)).eq(1)).toBe(true);
    await expectLedgerMatchesVenue(t.user, id, t.account.apiKey);
  });

  it("reads a Bybit market order again when its placement could not read it back, and records its fill", async () => {
    await holdPrice("bybit", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("bybit", { spot: { USDT: "10000" }, futuresWallet: "0" });
    await t.decide(spotPlan([]));
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    await startSettled(t.user, id);

    await t.script({ decision: { result: spotPlan([spotBuy("ETHUSDT", "1", "2500")]) }, delayMs: 1_500 });
    const requested = await t.user.post(`/api/portfolios/${id}/runs`);
    expect(requested.status).toBe(202);
    await eventually(async () => {
      const [row] = await rows<{ step: string }>("SELECT step FROM portfolio_runs WHERE id = ?", requested.body.runId);
      return row?.step === "decide" ? true : undefined;
    }, "the review to wait for its decision");
    // Every read-back after the create fails (three attempts, each tried three times), so placement reports the
    // order only as accepted; the next read of it is reconcile's.
    const fault = { type: "error_after_accept", pathPrefix: "/v5/order/realtime", status: 500 } as const;
    await addFault("bybit", { ...fault, apiKey: t.account.apiKey }, 9);
    const run = await settledRun(t.user, id, requested.body.runId as string);

    expect(run.status).toBe("completed");
    const faults = await control<{ faults: { apiKey?: string }[] }>("GET", "/faults");
    expect(faults.faults.filter((f) => f.apiKey === t.account.apiKey)).toEqual([]);
    expect((run.orders as unknown as Order[]).map((o) => [o.status, o.filledQuantity])).toEqual([["filled", "1"]]);
    const fills = (await t.user.get(`/api/portfolios/${id}/fills`)).body.fills as Fill[];
    expect(fills.reduce((sum, f) => sum.plus(f.quantity), Big(0)).eq(1)).toBe(true);
    await expectLedgerMatchesVenue(t.user, id, t.account.apiKey);
  });
});
