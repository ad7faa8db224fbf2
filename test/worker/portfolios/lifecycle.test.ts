import Big from "big.js";
import { describe, expect, it } from "vitest";
import type { ExchangeGateway } from "../../../worker/exchanges/contract.ts";
import { createGateway } from "../../../worker/exchanges/gateway.ts";
import {
  accountsApp,
  connectKey,
  dumpAccount,
  errorOf,
  holdPrice,
  type SimAccount,
  simAccount,
  simUrl,
  trader,
  VENUES,
  type Venue,
} from "../accounts/support.ts";
import { signIn, uniqueEmail, userId } from "../identity/support.ts";
import { createPortfolio, futuresPortfolio, settledRun, spotPortfolio, startSettled } from "./support.ts";

/** Places orders as the owner would by hand (or as the engine will): straight through the gateway. */
function directGateway(venue: Venue, account: SimAccount): ExchangeGateway {
  return createGateway({
    venue,
    environment: "custom",
    customBaseUrls: { spot: simUrl(), linear: simUrl() },
    allowLocalUrls: true,
    credentials: account,
  });
}

async function orderStatuses(account: SimAccount): Promise<Record<string, string>> {
  const dump = await dumpAccount(account.apiKey);
  return Object.fromEntries(dump.orders.map((o) => [o.clientOrderId, o.status]));
}

describe.each(VENUES)("%s portfolio lifecycle", (venue) => {
  it("start records the spot equity in the cash token, including the cash; stop cancels only its orders", async () => {
    const app = accountsApp();
    await holdPrice(venue, "spot", "ETHUSDT", "2500");
    // Bybit's unified account counts the futures wallet as spot USDT too, so keep it empty here.
    const { user, keyId, account } = await trader(app, venue, {
      spot: { USDT: "1000", ETH: "2", XRP: "100" },
      futuresWallet: "0",
    });
    // Manual approval: the review that start queues plans but places nothing, so only the orders below exist.
    const id = await createPortfolio(
      user,
      spotPortfolio(keyId, { tokens: [{ token: "ETH", minAllocation: 50 }], executionMode: "manual_approval" }),
    );
    const started = await user.post(`/api/portfolios/${id}/start`);
    expect(started.status, started.text).toBe(200);
    await settledRun(user, id);
    expect(started.body).toMatchObject({ status: "active", statusReason: null });
    // 1000 USDT + 2 ETH at 2500; XRP is not in the portfolio.
    expect(started.body.startingEquity, "equity").toBe("6000");
    expect(started.body.startedAt).toEqual(expect.any(String));
    expect((await user.post(`/api/portfolios/${id}/start`)).status).toBe(409);

    const prefix = started.body.clientOrderIdPrefix as string;
    const gateway = directGateway(venue, account);
    const limit = {
      market: "spot",
      symbol: "ETHUSDT",
      side: "buy",
      type: "limit",
      quantity: "0.1",
      price: "1000",
    } as const;
    await gateway.placeOrder({ ...limit, clientOrderId: `${prefix}leg1`, timeInForce: "gtc" });
    await gateway.placeOrder({ ...limit, clientOrderId: "manual-order-1", timeInForce: "gtc" });

    const stopped = await user.post(`/api/portfolios/${id}/stop`);
    expect(stopped.status, stopped.text).toBe(200);
    expect(stopped.body.portfolio).toMatchObject({ status: "stopped" });
    expect(stopped.body.canceledOrders).toEqual([{ symbol: "ETHUSDT", clientOrderId: `${prefix}leg1` }]);
    const statuses = await orderStatuses(account);
    expect(statuses[`${prefix}leg1`]).toBe("canceled");
    expect(statuses["manual-order-1"]).toBe("new");
    // Stop again is harmless; a stopped portfolio can start again.
    expect((await user.post(`/api/portfolios/${id}/stop`)).body.canceledOrders).toEqual([]);
    expect((await user.post(`/api/portfolios/${id}/start`)).body.status).toBe("active");
  });

  it("kill cancels its orders and closes its futures positions reduce-only, leaving the rest", async () => {
    const app = accountsApp();
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const { user, keyId, account } = await trader(app, venue, { spot: {} });
    const id = await createPortfolio(user, futuresPortfolio(keyId, { executionMode: "manual_approval" }));
    const started = await user.post(`/api/portfolios/${id}/start`);
    expect(started.status, started.text).toBe(200);
    expect(started.body.startingEquity, "equity").toBe("10000");
    await settledRun(user, id);

    const prefix = started.body.clientOrderIdPrefix as string;
    const gateway = directGateway(venue, account);
    await gateway.placeOrder({
      market: "linear",
      symbol: "SOLUSDT",
      side: "buy",
      type: "market",
      quantity: "2",
      clientOrderId: `${prefix}open1`,
    });
    const limit = {
      market: "linear",
      symbol: "SOLUSDT",
      side: "buy",
      type: "limit",
      quantity: "1",
      price: "50",
    } as const;
    await gateway.placeOrder({ ...limit, clientOrderId: `${prefix}leg2`, timeInForce: "gtc" });
    await gateway.placeOrder({ ...limit, clientOrderId: "manual-order-2", timeInForce: "gtc" });

    const killed = await user.post(`/api/portfolios/${id}/kill`);
    expect(killed.status, killed.text).toBe(200);
    expect(killed.body.portfolio).toMatchObject({
      status: "stopped",
      statusReason: "kill switch",
      statusReasonCode: "kill_switch",
    });
    expect(killed.body.canceledOrders).toEqual([{ symbol: "SOLUSDT", clientOrderId: `${prefix}leg2` }]);
    const [closed] = killed.body.closedPositions as { symbol: string; quantity: string; clientOrderId: string }[];
    expect(closed?.symbol).toBe("SOLUSDT");
    expect(Big(closed?.quantity ?? "0").eq(2)).toBe(true);
    expect(closed?.clientOrderId.startsWith(prefix)).toBe(true);
    const dump = await dumpAccount(account.apiKey);
    expect(dump.positions.filter((p) => Big(p.size).gt(0))).toEqual([]);
    const statuses = Object.fromEntries(dump.orders.map((o) => [o.clientOrderId, o.status]));
    expect(statuses[`${prefix}leg2`]).toBe("canceled");
    expect(statuses["manual-order-2"]).toBe("new");
  });

  it("refuses a token already run by another active portfolio of the key, and deletes a running one", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    const first = await createPortfolio(user, spotPortfolio(keyId, { name: "First" }));
    const second = await createPortfolio(
      user,
      spotPortfolio(keyId, { name: "Second", tokens: [{ token: "ETH", minAllocation: 10 }] }),
    );
    expect((await user.post(`/api/portfolios/${first}/start`)).status).toBe(200);
    const clash = await user.post(`/api/portfolios/${second}/start`);
    expect(clash.status).toBe(409);
    expect(errorOf(clash).message).toBe(
      'tokens[0].token: ETH is already traded by the running portfolio "First" on this key; stop it or choose another token.',
    );
    // A futures portfolio uses another wallet, so the same token is fine there.
    const futures = await createPortfolio(
      user,
      futuresPortfolio(keyId, { tokens: [{ token: "ETH", minAllocation: 5 }] }),
    );
    expect((await user.post(`/api/portfolios/${futures}/start`)).status).toBe(200);

    expect((await user.delete(`/api/portfolios/${first}`)).status).toBe(200);
    expect((await user.post(`/api/portfolios/${second}/start`)).status).toBe(200);
    const running = await user.call("PATCH", `/api/portfolios/${second}`, { body: { reviewInterval: "3d" } });
    expect(running.body).toMatchObject({ status: "active", reviewInterval: "3d" });
  });

  it("a running portfolio keeps its tokens, cash and paper flag until stopped; floors and targets may change", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    const id = await createPortfolio(user, spotPortfolio(keyId, { executionMode: "manual_approval" }));
    await startSettled(user, id);
    const tokens = [{ token: "BTC", minAllocation: 30 }];
    const refused = await user.call("PATCH", `/api/portfolios/${id}`, { body: { tokens } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ details: { issues: [{ path: "tokens" }] } });
    expect((await user.call("PATCH", `/api/portfolios/${id}`, { body: { paper: true } })).status).toBe(409);
    const floors = [
      { token: "BTC", minAllocation: 25, targetAllocation: 40 },
      { token: "ETH", minAllocation: 15 },
    ];
    const changed = await user.call("PATCH", `/api/portfolios/${id}`, { body: { tokens: floors } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.tokens).toMatchObject(floors);
    expect((await user.post(`/api/portfolios/${id}/stop`)).status).toBe(200);
    expect((await user.call("PATCH", `/api/portfolios/${id}`, { body: { tokens } })).status).toBe(200);
  });

  it("two starts racing for the same token on one key: exactly one wins", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    const manual = { executionMode: "manual_approval" };
    const a = await createPortfolio(user, spotPortfolio(keyId, { name: "A", ...manual }));
    const b = await createPortfolio(user, spotPortfolio(keyId, { name: "B", ...manual }));
    const replies = await Promise.all([
      user.post(`/api/portfolios/${a}/start`),
      user.post(`/api/portfolios/${b}/start`),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = replies.find((r) => r.status === 409);
    if (!loser) throw new Error("no start was refused");
    expect(errorOf(loser).message).toMatch(/already traded by the running portfolio|started with one of these tokens/);
  });

  it("pauses running portfolios with the reason when their key is deleted, canceling their orders first", async () => {
    const app = accountsApp();
    const { user, keyId, account } = await trader(app, venue);
    const running = await createPortfolio(user, spotPortfolio(keyId, { executionMode: "manual_approval" }));
    const draft = await createPortfolio(user, spotPortfolio(keyId, { tokens: [{ token: "SOL", minAllocation: 5 }] }));
    const { portfolio } = await startSettled(user, running);
    const prefix = portfolio.clientOrderIdPrefix as string;
    await directGateway(venue, account).placeOrder({
      market: "spot",
      symbol: "BTCUSDT",
      side: "buy",
      type: "limit",
      quantity: "0.001",
      price: "20000",
      timeInForce: "gtc",
      clientOrderId: `${prefix}leg3`,
    });

    expect((await user.delete(`/api/keys/exchange/${keyId}`)).status).toBe(200);
    expect((await user.get(`/api/portfolios/${running}`)).body).toMatchObject({
      status: "paused",
      statusReason: "exchange key deleted",
    });
    expect((await user.get(`/api/portfolios/${draft}`)).body).toMatchObject({ status: "draft", statusReason: null });
    expect((await orderStatuses(account))[`${prefix}leg3`]).toBe("canceled");
    // Without its key it cannot run again; stop and delete still work.
    const restart = await user.post(`/api/portfolios/${running}/start`);
    expect(restart.status).toBe(404);
    expect(errorOf(restart).message).toContain("exchange key no longer exists");
    expect((await user.post(`/api/portfolios/${running}/stop`)).body.portfolio).toMatchObject({ status: "stopped" });
    expect((await user.delete(`/api/portfolios/${running}`)).status).toBe(200);
  });
});

describe("portfolio control", () => {
  it("pauses a disabled user's running portfolios", async () => {
    const app = accountsApp();
    const admin = await signIn(app, "admin@ballast.test");
    const email = uniqueEmail();
    const user = await signIn(app, email);
    const keyId = await connectKey(user, "binance", await simAccount("binance"));
    const id = await createPortfolio(user, spotPortfolio(keyId));
    await startSettled(user, id);
    const owner = await userId(user);
    expect((await admin.post(`/api/admin/users/${owner}/disable`)).status).toBe(200);
    expect((await admin.post(`/api/admin/users/${owner}/enable`)).status).toBe(200);
    const again = await signIn(app, email);
    expect((await again.get(`/api/portfolios/${id}`)).body).toMatchObject({
      status: "paused",
      statusReasonCode: "owner_disabled",
      statusReason: "user disabled by an administrator",
    });
  });
});
