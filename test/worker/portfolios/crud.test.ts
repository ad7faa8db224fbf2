import { describe, expect, it } from "vitest";
import { accountsApp, errorOf, trader, VENUES } from "../accounts/support.ts";
import { signIn } from "../identity/support.ts";
import { createPortfolio, futuresPortfolio, spotPortfolio } from "./support.ts";

describe.each(VENUES)("%s portfolios: create and validate", (venue) => {
  const name = venue === "binance" ? "Binance" : "Bybit";

  it("creates a spot draft with defaults and a futures draft", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    const spot = await user.post("/api/portfolios", spotPortfolio(keyId));
    expect(spot.status, spot.text).toBe(200);
    expect(spot.body).toMatchObject({
      venue,
      market: "spot",
      status: "draft",
      decisionSource: { provider: "builtin" },
      executionMode: "automatic",
      paper: false,
      futures: null,
      startingEquity: null,
    });
    expect(spot.body.clientOrderIdPrefix).toBe(`p${(spot.body.id as string).replaceAll("-", "").slice(0, 8)}-`);
    const futures = await user.post(
      "/api/portfolios",
      futuresPortfolio(keyId, { decisionSource: { provider: "groq", model: "llama-3.3-70b" }, paper: true }),
    );
    expect(futures.status, futures.text).toBe(200);
    expect(futures.body).toMatchObject({
      market: "futures",
      futures: { positionMode: "one_way", marginMode: "cross", maxLeverage: 5 },
      decisionSource: { provider: "groq", model: "llama-3.3-70b" },
      paper: true,
    });
    expect((await user.get(`/api/portfolios/${spot.body.id}`)).body).toEqual(spot.body);
  });

  it("refuses each invalid configuration with a message naming the field", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    const refused = async (body: Record<string, unknown>, status: number, message: string) => {
      const reply = await user.post("/api/portfolios", body);
      expect(reply.status, reply.text).toBe(status);
      expect(errorOf(reply).message).toContain(message);
    };
    await refused(
      spotPortfolio(keyId, { cashToken: "USDC", tokens: [{ token: "SOL", minAllocation: 10 }] }),
      400,
      `tokens[0].token: SOLUSDC does not trade on ${name} spot.`,
    );
    await refused(
      spotPortfolio(keyId, { tokens: [{ token: "HALT", minAllocation: 10 }] }),
      400,
      `tokens[0].token: HALTUSDT is halted on ${name} spot`,
    );
    await refused(
      futuresPortfolio(keyId, { tokens: [{ token: "NOPE", minAllocation: 10 }] }),
      400,
      `tokens[0].token: NOPEUSDT does not trade on ${name} futures.`,
    );
    await refused(
      spotPortfolio(keyId, {
        tokens: [
          { token: "BTC", minAllocation: 60 },
          { token: "ETH", minAllocation: 50 },
        ],
      }),
      400,
      "tokens: the minimum allocations add up to 110%",
    );
    await refused(
      spotPortfolio(keyId, { tokens: [{ token: "USDT", minAllocation: 5 }] }),
      400,
      "USDT is the cash token",
    );
    await refused(
      spotPortfolio(keyId, {
        tokens: [
          { token: "BTC", minAllocation: 5 },
          { token: "btc", minAllocation: 5 },
        ],
      }),
      400,
      "tokens[1].token: BTC is listed twice",
    );
    await refused(spotPortfolio(keyId, { tokens: [] }), 400, "at least 1 token");
    await refused(
      spotPortfolio(keyId, { tokens: Array.from({ length: 9 }, (_, i) => ({ token: `T${i}X`, minAllocation: 1 })) }),
      400,
      "at most 8 tokens",
    );
    await refused(spotPortfolio(keyId, { reviewInterval: "2h" }), 400, "reviewInterval");
    await refused(spotPortfolio(keyId, { cashToken: "BUSD" }), 400, "cashToken");
    await refused(futuresPortfolio(keyId, { futures: null }), 400, "futures: a futures portfolio needs");
    await refused(
      spotPortfolio(keyId, { futures: { positionMode: "one_way", marginMode: "cross", maxLeverage: 3 } }),
      400,
      "futures: a spot portfolio has no futures settings",
    );
    // Binance lists no leverage ceiling in its market data (it comes from leverage brackets).
    if (venue === "bybit")
      await refused(
        futuresPortfolio(keyId, { futures: { positionMode: "one_way", marginMode: "cross", maxLeverage: 125 } }),
        400,
        "futures.maxLeverage: SOLUSDT allows at most",
      );
    await refused(
      spotPortfolio(keyId, { tokens: [{ token: "BTC", minAllocation: 20, targetAllocation: 10 }] }),
      400,
      "tokens.0.targetAllocation: must be at least the minimum allocation (20%)",
    );
    await refused(spotPortfolio(keyId, { decisionSource: { provider: "openai" } }), 400, "decisionSource");
    await refused(spotPortfolio(keyId, { risk: { maxOrderPct: "150" } }), 400, "risk.maxOrderPct");
    await refused(spotPortfolio("no-such-key"), 404, "No such exchange key");
  });

  it("lists in pages with a bounded limit, updates settings, and deletes softly", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createPortfolio(user, spotPortfolio(keyId, { name: `P${i}` })));
    const first = await user.get("/api/portfolios?limit=2");
    expect(first.status).toBe(200);
    const names = (first.body.portfolios as { name: string }[]).map((p) => p.name);
    const second = await user.get(
      `/api/portfolios?limit=2&cursor=${encodeURIComponent(first.body.nextCursor as string)}`,
    );
    const third = await user.get(
      `/api/portfolios?limit=2&cursor=${encodeURIComponent(second.body.nextCursor as string)}`,
    );
    names.push(...(second.body.portfolios as { name: string }[]).map((p) => p.name));
    names.push(...(third.body.portfolios as { name: string }[]).map((p) => p.name));
    expect(names.sort()).toEqual(["P0", "P1", "P2", "P3", "P4"]);
    expect(third.body.nextCursor).toBeNull();
    expect((await user.get("/api/portfolios?limit=101")).status).toBe(400);
    expect((await user.get("/api/portfolios?cursor=nonsense")).status).toBe(400);

    const id = ids[0] as string;
    const updated = await user.call("PATCH", `/api/portfolios/${id}`, {
      body: { name: "Renamed", reviewInterval: "1w", tokens: [{ token: "SOL", minAllocation: 30, maxAllocation: 60 }] },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ name: "Renamed", reviewInterval: "1w", cashToken: "USDT" });
    expect(updated.body.tokens).toEqual([
      { token: "SOL", minAllocation: 30, targetAllocation: null, maxAllocation: 60 },
    ]);
    const badUpdate = await user.call("PATCH", `/api/portfolios/${id}`, { body: { cashToken: "USDC" } });
    expect(badUpdate.status).toBe(400);
    expect(errorOf(badUpdate).message).toContain(`SOLUSDC does not trade on ${name} spot`);

    expect((await user.delete(`/api/portfolios/${id}`)).body).toEqual({ deleted: true });
    expect((await user.get(`/api/portfolios/${id}`)).status).toBe(404);
    expect((await user.get("/api/portfolios?limit=100")).body.portfolios).toHaveLength(4);
    expect((await user.get("/api/portfolios?status=deleted")).body.portfolios).toHaveLength(1);
    expect((await user.delete(`/api/portfolios/${id}`)).status).toBe(404);
  });

  it("keeps portfolios to their owner", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    const id = await createPortfolio(user, spotPortfolio(keyId));
    const other = await signIn(app);
    for (const reply of [
      await other.get(`/api/portfolios/${id}`),
      await other.call("PATCH", `/api/portfolios/${id}`, { body: { name: "mine" } }),
      await other.post(`/api/portfolios/${id}/start`),
      await other.post(`/api/portfolios/${id}/stop`),
      await other.post(`/api/portfolios/${id}/kill`),
      await other.delete(`/api/portfolios/${id}`),
    ])
      expect(reply.status).toBe(404);
    expect((await other.post("/api/portfolios", spotPortfolio(keyId))).status).toBe(404);
    expect((await other.get("/api/portfolios")).body.portfolios).toEqual([]);
    expect((await user.get(`/api/portfolios/${id}`)).body.name).toBe("Majors");
  });
});
