import { describe, expect, it } from "vitest";
import { Caller } from "../identity/support.ts";
import { accountsApp, errorOf, holdPrice, trader, VENUES } from "./support.ts";

describe("capability map", () => {
  it("lists both venues with markets, environments and operations, to signed-in callers only", async () => {
    const app = accountsApp();
    const { user } = await trader(app, "binance");
    const reply = await user.get("/api/exchanges");
    expect(reply.status).toBe(200);
    const venues = reply.body.venues as { venue: string; markets: string[]; operations: Record<string, string[]> }[];
    expect(venues.map((v) => v.venue)).toEqual(["binance", "bybit"]);
    for (const venue of venues) {
      expect(venue.markets).toEqual(["spot", "linear"]);
      expect(venue.operations.linear).toContain("setLeverage");
    }
    expect((await new Caller(app).get("/api/exchanges")).status).toBe(401);
  });
});

describe.each(VENUES)("%s markets for pickers", (venue) => {
  it("searches a key's environment, tradable markets first, and answers one market with its price", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    const search = await user.get(`/api/exchanges/${venue}/markets?market=linear&q=sol&keyId=${keyId}`);
    expect(search.status).toBe(200);
    expect(search.body).toMatchObject({ venue, market: "linear", total: 1 });
    expect((search.body.markets as { symbol: string }[])[0]?.symbol).toBe("SOLUSDT");

    const spot = await user.get(`/api/exchanges/${venue}/markets?market=spot&keyId=${keyId}&limit=3`);
    expect(spot.status).toBe(200);
    expect((spot.body.markets as unknown[]).length).toBe(3);
    expect(spot.body.total as number).toBeGreaterThan(3);

    await holdPrice(venue, "linear", "SOLUSDT", "150");
    const one = await user.get(`/api/exchanges/${venue}/markets/SOLUSDT?market=linear&keyId=${keyId}`);
    expect(one.status).toBe(200);
    expect(one.body.market).toMatchObject({ venue, type: "linear", symbol: "SOLUSDT", tickSize: "0.01" });
    expect(one.body.ticker).toMatchObject({ symbol: "SOLUSDT", last: "150" });
  });

  it("answers an unknown symbol 422 exchange_bad_symbol, bad input 400, another venue's key 400", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    const unknown = await user.get(`/api/exchanges/${venue}/markets/NOPEUSDT?market=linear&keyId=${keyId}`);
    expect(unknown.status).toBe(422);
    expect(errorOf(unknown)).toMatchObject({ code: "exchange_bad_symbol", details: { venue } });
    expect((await user.get(`/api/exchanges/${venue}/markets?market=options`)).status).toBe(400);
    expect((await user.get("/api/exchanges/kraken/markets")).status).toBe(400);
    const other = venue === "binance" ? "bybit" : "binance";
    const mismatch = await user.get(`/api/exchanges/${other}/markets?keyId=${keyId}`);
    expect(mismatch.status).toBe(400);
    expect(errorOf(mismatch).message).toContain(`a ${venue} key`);
  });

  it("does not let another user read markets through someone else's key", async () => {
    const app = accountsApp();
    const { keyId } = await trader(app, venue);
    const { user: stranger } = await trader(app, venue);
    const reply = await stranger.get(`/api/exchanges/${venue}/markets?keyId=${keyId}`);
    expect(reply.status).toBe(404);
  });
});
