import Big from "big.js";
import { describe, expect, it } from "vitest";
import { control, holdPrice, VENUES } from "../accounts/support.ts";
import { futuresPortfolio, spotPortfolio, startSettled } from "../portfolios/support.ts";
import {
  futuresAction,
  futuresPlan,
  newPortfolio,
  OPENAI,
  runNow,
  scriptedTrader,
  spotBuy,
  spotPlan,
  venueOrders,
} from "./support.ts";

/**
 * Paper portfolios run the same pipeline against the venue's public prices with a virtual account: no key with
 * trading rights, nothing placed on the venue, fees and slippage applied (worker/exchanges/paper).
 */

const READ_ONLY = { permissions: { read: true, spot: false, futures: false }, futuresWallet: "0" };

type Book = { book: { askPrice: string; bidPrice: string } };
type Holding = { asset: string; quantity: string };
type Order = { status: string; paper: boolean; action: string; clientOrderId: string; filledQuantity: string };

describe.each(VENUES)("%s paper portfolios", (venue) => {
  it("trade a virtual account at the venue's prices with a read-only key, and fill resting limits later", async () => {
    await holdPrice(venue, "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader(venue, { ...READ_ONLY, spot: { USDT: "10" } });
    await t.decide(
      spotPlan([spotBuy("ETHUSDT", "1", "2500"), spotBuy("ETHUSDT", "0.5", "2500", "2480")]),
      spotPlan([]),
    );
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, {
        tokens: [{ token: "ETH", minAllocation: 0 }],
        decisionSource: OPENAI,
        paper: true,
        paperCapital: "5000",
      }),
    );
    const { book } = await control<Book>("GET", `/prices?venue=${venue}&market=spot&symbol=ETHUSDT`);
    const { portfolio, run } = await startSettled(t.user, id);
    expect(portfolio).toMatchObject({ paper: true, startingEquity: "5000" });
    const [market, limit] = run.orders as unknown as Order[];
    expect(market).toMatchObject({ paper: true, status: "filled", filledQuantity: "1" });
    expect(limit).toMatchObject({ paper: true, status: "open" });
    expect(await venueOrders(t.account)).toEqual([]);

    // Market buys pay the ask plus 5 bps of slippage, and 0.1 % of the ETH received as fee.
    const price = Big(book.askPrice).times("1.0005");
    const holdings = (await t.user.get(`/api/portfolios/${id}/positions`)).body.holdings as Holding[];
    const usdt = Big(holdings.find((h) => h.asset === "USDT")?.quantity ?? "0");
    expect(usdt.minus(Big(5000).minus(price)).abs().lte("0.00000001"), `USDT ${usdt}`).toBe(true);
    expect(holdings.find((h) => h.asset === "ETH")?.quantity).toBe("0.999");

    // The price falls through the resting limit: the next review finds it filled (as maker) instead of canceling it.
    await holdPrice(venue, "spot", "ETHUSDT", "2450");
    await runNow(t.user, id);
    const orders = (await t.user.get(`/api/portfolios/${id}/orders`)).body.orders as Order[];
    expect(orders.find((o) => o.clientOrderId === limit?.clientOrderId)).toMatchObject({
      status: "filled",
      filledQuantity: "0.5",
    });
    const after = (await t.user.get(`/api/portfolios/${id}/positions`)).body.holdings as Holding[];
    expect(after.find((h) => h.asset === "ETH")?.quantity).toBe(Big("0.999").plus("0.4995").toFixed());
  });

  it("a live portfolio on a read-only key is refused at start, with what to do", async () => {
    const t = await scriptedTrader(venue, { ...READ_ONLY, spot: { USDT: "1000" } });
    const id = await newPortfolio(t.user, spotPortfolio(t.keyId));
    const refused = await t.user.post(`/api/portfolios/${id}/start`);
    expect(refused.status).toBe(409);
    expect((refused.body.error as { message: string }).message).toMatch(
      /cannot trade spot .* run this portfolio as paper/,
    );
  });

  it("paper futures: a virtual position with its stop-loss, closed by the kill switch", async () => {
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const t = await scriptedTrader(venue, { ...READ_ONLY, spot: {} });
    await t.decide(
      futuresPlan([
        futuresAction({ symbol: "SOLUSDT", action: "OPEN", side: "LONG", quantity: "5", leverage: 2, stopLoss: "96" }),
      ]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, { decisionSource: OPENAI, paper: true, paperCapital: "2000" }),
    );
    const { run } = await startSettled(t.user, id);
    expect((run.orders as unknown as (Order & { stopsStatus: string })[])[0]).toMatchObject({
      paper: true,
      status: "filled",
      stopsStatus: "placed",
    });
    const held = (await t.user.get(`/api/portfolios/${id}/positions`)).body;
    expect(held.positions).toEqual([
      expect.objectContaining({ symbol: "SOLUSDT", side: "long", size: "5", leverage: 2 }),
    ]);
    expect(held.stops).toEqual([expect.objectContaining({ kind: "stop_loss", triggerPrice: "96" })]);

    const killed = await t.user.post(`/api/portfolios/${id}/kill`);
    expect(killed.status, killed.text).toBe(200);
    expect(killed.body.closedPositions).toEqual([expect.objectContaining({ symbol: "SOLUSDT", quantity: "5" })]);
    const after = (await t.user.get(`/api/portfolios/${id}/positions`)).body;
    expect(after).toMatchObject({ positions: [], stops: [] });
    const orders = (await t.user.get(`/api/portfolios/${id}/orders`)).body.orders as Order[];
    expect(orders.find((o) => o.action === "kill")).toMatchObject({ status: "filled", paper: true });
    expect(await venueOrders(t.account)).toEqual([]);
  });
});
