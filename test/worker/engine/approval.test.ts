import { describe, expect, it } from "vitest";
import { holdPrice, VENUES } from "../accounts/support.ts";
import { spotPortfolio, startSettled } from "../portfolios/support.ts";
import { newPortfolio, OPENAI, runNow, scriptedTrader, spotBuy, spotPlan, venueOrders } from "./support.ts";

type Order = { id: string; status: string; quantity: string; price: string | null; reason: string | null };

async function manualPortfolio(venue: (typeof VENUES)[number]) {
  await holdPrice(venue, "spot", "ETHUSDT", "2500");
  await holdPrice(venue, "spot", "BTCUSDT", "60000");
  const t = await scriptedTrader(venue, { spot: { USDT: "10000" }, futuresWallet: "0" });
  const id = await newPortfolio(
    t.user,
    spotPortfolio(t.keyId, {
      tokens: [
        { token: "ETH", minAllocation: 0 },
        { token: "BTC", minAllocation: 0 },
      ],
      decisionSource: OPENAI,
      executionMode: "manual_approval",
    }),
  );
  return { ...t, id };
}

describe.each(VENUES)("%s manual approval", (venue) => {
  it("waits for the owner, places what is approved (edited too) and nothing that is rejected", async () => {
    const t = await manualPortfolio(venue);
    await t.decide(spotPlan([spotBuy("ETHUSDT", "1", "2500"), spotBuy("BTCUSDT", "0.01", "60000", "59000")]));
    const { run } = await startSettled(t.user, t.id);
    expect(run).toMatchObject({ status: "awaiting_approval", step: "approval" });
    const [eth, btc] = run.orders as unknown as Order[];
    expect([eth?.status, btc?.status]).toEqual(["pending_approval", "pending_approval"]);
    expect(await venueOrders(t.account)).toEqual([]);

    const approved = await t.user.post(`/api/portfolios/${t.id}/runs/${run.id}/approval`, {
      decisions: [
        { orderId: eth?.id, action: "approve", quantity: "0.4" },
        { orderId: btc?.id, action: "reject" },
      ],
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ status: "completed" });
    const [placed, rejected] = approved.body.orders as Order[];
    // Quantities are sized to the market's step (0.0001 ETH).
    expect(placed).toMatchObject({ status: "filled", quantity: "0.4000", reason: "Approved by you with changes." });
    expect(rejected).toMatchObject({ status: "rejected", reason: "Rejected by you." });
    const onVenue = await venueOrders(t.account);
    expect(onVenue.map((o) => [o.symbol, Number(o.quantity)])).toEqual([["ETHUSDT", 0.4]]);

    const again = await t.user.post(`/api/portfolios/${t.id}/runs/${run.id}/approval`, {
      decisions: [{ orderId: btc?.id, action: "approve" }],
    });
    expect(again.status).toBe(409);
  });

  it("refuses an edit that breaks a guard, changing nothing; the next review expires what was not approved", async () => {
    const t = await manualPortfolio(venue);
    await t.decide(spotPlan([spotBuy("ETHUSDT", "1", "2500", "2490")]), spotPlan([]));
    const { run } = await startSettled(t.user, t.id);
    const [order] = run.orders as unknown as Order[];
    const tooBig = await t.user.post(`/api/portfolios/${t.id}/runs/${run.id}/approval`, {
      decisions: [{ orderId: order?.id, action: "approve", quantity: "100" }],
    });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error).toMatchObject({ details: { orderId: order?.id } });
    expect((tooBig.body.error as { message: string }).message).toMatch(
      /^The edited order is refused: The order needs .* USDT/,
    );
    const unchanged = (await t.user.get(`/api/portfolios/${t.id}/runs/${run.id}`)).body.orders as Order[];
    expect(unchanged[0]).toMatchObject({ status: "pending_approval", quantity: "1.0000" });

    const next = await runNow(t.user, t.id);
    expect(next.status).toBe("completed");
    const expired = (await t.user.get(`/api/portfolios/${t.id}/runs/${run.id}`)).body;
    expect(expired.status).toBe("completed");
    expect((expired.orders as Order[])[0]).toMatchObject({
      status: "expired",
      reason: "Not approved before the next review.",
    });
    expect(await venueOrders(t.account)).toEqual([]);
  });

  it("the owner cancels an open order of the portfolio", async () => {
    const t = await manualPortfolio(venue);
    await t.decide(spotPlan([spotBuy("BTCUSDT", "0.01", "60000", "59000")]));
    const { run } = await startSettled(t.user, t.id);
    const [pending] = run.orders as unknown as Order[];
    const approved = await t.user.post(`/api/portfolios/${t.id}/runs/${run.id}/approval`, {
      decisions: [{ orderId: pending?.id, action: "approve" }],
    });
    expect((approved.body.orders as Order[])[0]?.status).toBe("open");
    const live = (await t.user.get(`/api/portfolios/${t.id}/orders?status=live`)).body.orders as Order[];
    expect(live.map((o) => o.id)).toEqual([pending?.id]);

    const canceled = await t.user.delete(`/api/portfolios/${t.id}/orders/${pending?.id}`);
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.body).toMatchObject({ status: "canceled", reason: "Canceled by you." });
    expect((await venueOrders(t.account))[0]?.status).toBe("canceled");
    const twice = await t.user.delete(`/api/portfolios/${t.id}/orders/${pending?.id}`);
    expect(twice.status).toBe(409);
    expect((twice.body.error as { message: string }).message).toBe(
      "This order is canceled; only open orders can be canceled.",
    );
  });
});
