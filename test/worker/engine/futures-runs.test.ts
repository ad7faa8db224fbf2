import Big from "big.js";
import { describe, expect, it } from "vitest";
import { dumpAccount, holdPrice, VENUES } from "../accounts/support.ts";
import { futuresPortfolio, startSettled } from "../portfolios/support.ts";
import {
  cronTick,
  eventually,
  futuresAction,
  futuresPlan,
  newPortfolio,
  OPENAI,
  runNow,
  scriptedTrader,
  settleVenue,
} from "./support.ts";

type Order = {
  action: string;
  status: string;
  stopsStatus: string;
  leverage: number | null;
  reduceOnly: boolean;
  reason: string | null;
  filledQuantity: string;
};

type Dump = Awaited<ReturnType<typeof dumpAccount>> & {
  futures: { marginBalance: string };
};

/** The portfolio owns the whole futures wallet and is its only trader: its equity must be the venue's margin balance. */
async function expectEquityMatchesVenue(user: Parameters<typeof startSettled>[0], id: string, apiKey: string) {
  const venue = (await dumpAccount(apiKey)) as Dump;
  const allocation = (await user.get(`/api/portfolios/${id}/allocation`)).body;
  const equity = Big(allocation.equity as string);
  // Allocation rounds to cents; the venue's figure is exact.
  expect(
    equity.minus(venue.futures.marginBalance).abs().lte("0.01"),
    `${equity} vs ${venue.futures.marginBalance}`,
  ).toBe(true);
  return venue;
}

describe.each(VENUES)("%s futures reviews", (venue) => {
  it("opens with leverage and SL/TP after the fill, closes at the next review, and books the PnL", async () => {
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const t = await scriptedTrader(venue, { spot: {}, futuresWallet: "10000" });
    await t.decide(
      futuresPlan([
        futuresAction({
          symbol: "SOLUSDT",
          action: "OPEN",
          side: "LONG",
          quantity: "10",
          leverage: 3,
          stopLoss: "95",
          takeProfit: "110",
        }),
        // Above the portfolio's 5× maximum: refused with the reason, the open above still goes.
        futuresAction({
          symbol: "SOLUSDT",
          action: "OPEN",
          side: "SHORT",
          quantity: "1",
          leverage: 20,
          stopLoss: "105",
        }),
      ]),
      futuresPlan([futuresAction({ symbol: "SOLUSDT", action: "CLOSE", side: "LONG" })]),
    );
    const id = await newPortfolio(t.user, futuresPortfolio(t.keyId, { decisionSource: OPENAI }));
    const { run } = await startSettled(t.user, id);
    expect(run.status, JSON.stringify(run.error)).toBe("completed");
    const [open, refused] = run.orders as unknown as Order[];
    expect(open).toMatchObject({ action: "OPEN", status: "filled", stopsStatus: "placed", leverage: 3 });
    expect(refused?.status).toBe("rejected");
    expect(refused?.reason).toMatch(/position is already open|Leverage 20× is outside/);

    const opened = await dumpAccount(t.account.apiKey);
    expect(opened.leverage.SOLUSDT).toBe(3);
    expect(opened.positions.filter((p) => Big(p.size).gt(0))).toEqual([
      expect.objectContaining({ symbol: "SOLUSDT", size: "10" }),
    ]);
    const active = opened.conditionals.filter((c) => !["canceled", "triggered", "filled"].includes(c.status));
    expect(active.map((c) => [c.kind, Big(c.triggerPrice).toFixed()]).sort()).toEqual([
      ["stop_loss", "95"],
      ["take_profit", "110"],
    ]);
    const positions = (await t.user.get(`/api/portfolios/${id}/positions`)).body;
    expect(positions.positions).toEqual([expect.objectContaining({ symbol: "SOLUSDT", side: "long", size: "10" })]);
    await expectEquityMatchesVenue(t.user, id, t.account.apiKey);

    await holdPrice(venue, "linear", "SOLUSDT", "104");
    const second = await runNow(t.user, id);
    expect(second.status, JSON.stringify(second.error)).toBe("completed");
    const [close] = second.orders as unknown as Order[];
    expect(close).toMatchObject({ action: "CLOSE", status: "filled", reduceOnly: true });
    const closed = await expectEquityMatchesVenue(t.user, id, t.account.apiKey);
    expect(closed.positions.filter((p) => Big(p.size).gt(0))).toEqual([]);
    // Up about 4 USDT a contract on 10 contracts, less fees.
    const { performance } = (await t.user.get(`/api/portfolios/${id}`)).body as { performance: { pnl: string } };
    const pnl = Big(performance.pnl);
    expect(pnl.gt(35) && pnl.lt(40), `pnl ${pnl}`).toBe(true);
  });

  it("records a stop-loss the venue triggered, so the ledger follows the position", async () => {
    await holdPrice(venue, "linear", "XRPUSDT", "1");
    const t = await scriptedTrader(venue, { spot: {}, futuresWallet: "10000" });
    await t.decide(
      futuresPlan([
        futuresAction({
          symbol: "XRPUSDT",
          action: "OPEN",
          side: "LONG",
          quantity: "1000",
          leverage: 2,
          stopLoss: "0.98",
        }),
      ]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, { decisionSource: OPENAI, tokens: [{ token: "XRP", minAllocation: 0 }] }),
    );
    const { run } = await startSettled(t.user, id);
    expect((run.orders as unknown as Order[])[0]).toMatchObject({ status: "filled", stopsStatus: "placed" });

    await holdPrice(venue, "linear", "XRPUSDT", "0.97");
    await settleVenue(venue);
    await eventually(
      async () => ((await dumpAccount(t.account.apiKey)).positions.some((p) => Big(p.size).gt(0)) ? undefined : true),
      "the venue's stop-loss to close the position",
    );
    // The cron's sync (every third minute) records the venue's closing trade.
    await cronTick(Date.UTC(2026, 11, 1, 12, 3, 0));
    const fills = (await t.user.get(`/api/portfolios/${id}/fills`)).body.fills as { orderId: string; side: string }[];
    expect(fills).toEqual(expect.arrayContaining([expect.objectContaining({ orderId: "external", side: "sell" })]));
    const venueState = await expectEquityMatchesVenue(t.user, id, t.account.apiKey);
    expect(Big(venueState.futures.marginBalance).lt(10000)).toBe(true);
  });

  it("sets the portfolio's position mode when the account differs, and orders in that mode", async () => {
    await holdPrice(venue, "linear", "ADAUSDT", "0.5");
    const t = await scriptedTrader(venue, { spot: {}, futuresWallet: "10000" });
    await t.decide(
      futuresPlan([
        futuresAction({
          symbol: "ADAUSDT",
          action: "OPEN",
          side: "SHORT",
          quantity: "100",
          leverage: 2,
          stopLoss: "0.52",
        }),
      ]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, {
        decisionSource: OPENAI,
        tokens: [{ token: "ADA", minAllocation: 0 }],
        futures: { positionMode: "hedge", marginMode: "cross", maxLeverage: 3 },
      }),
    );
    const { run } = await startSettled(t.user, id);
    expect(run.notes).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "settings", message: "Position mode set to hedge." })]),
    );
    expect((run.orders as unknown as (Order & { positionSide: string })[])[0]).toMatchObject({
      status: "filled",
      positionSide: "short",
    });
    const account = await dumpAccount(t.account.apiKey);
    expect(account.positionMode).toBe("hedge");
    expect(account.positions.filter((p) => Big(p.size).gt(0))).toEqual([
      expect.objectContaining({ symbol: "ADAUSDT", positionSide: "short" }),
    ]);
  });

  it("sets the portfolio's isolated margin before the entry (on Bybit, the whole account's mode)", async () => {
    await holdPrice(venue, "linear", "BNBUSDT", "650");
    const t = await scriptedTrader(venue, { spot: {}, futuresWallet: "10000" });
    await t.decide(
      futuresPlan([
        futuresAction({
          symbol: "BNBUSDT",
          action: "OPEN",
          side: "LONG",
          quantity: "1",
          leverage: 2,
          stopLoss: "620",
        }),
      ]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, {
        decisionSource: OPENAI,
        tokens: [{ token: "BNB", minAllocation: 0 }],
        futures: { positionMode: "one_way", marginMode: "isolated", maxLeverage: 3 },
      }),
    );
    const { run } = await startSettled(t.user, id);
    expect(run.status, JSON.stringify(run.error)).toBe("completed");
    expect((run.orders as unknown as Order[])[0]).toMatchObject({ status: "filled", stopsStatus: "placed" });
    expect(run.notes).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining("Margin mode stays") })]),
    );
    const account = await dumpAccount(t.account.apiKey);
    expect(account.marginMode.BNBUSDT).toBe("isolated");
    // Binance sets it for the contract traded; a Bybit unified account has one mode for every perpetual.
    expect(account.marginMode.BTCUSDT).toBe(venue === "bybit" ? "isolated" : undefined);
    const { positions } = (await t.user.get(`/api/portfolios/${id}/positions`)).body;
    expect(positions).toEqual([expect.objectContaining({ symbol: "BNBUSDT", marginMode: "isolated" })]);
  });
});

describe("bybit futures reviews on a unified account", () => {
  it("trades in the account's margin mode, with a note, when Bybit refuses to switch it under open positions", async () => {
    await holdPrice("bybit", "linear", "BNBUSDT", "650");
    const t = await scriptedTrader("bybit", { spot: {}, futuresWallet: "10000" });
    // Something else on this account holds a position, so the account-wide mode cannot change now.
    const other = await t.user.post(`/api/keys/${t.keyId}/futures/positions`, {
      symbol: "ETHUSDT",
      side: "long",
      quantity: "0.01",
    });
    expect(other.status, other.text).toBe(200);
    await t.decide(
      futuresPlan([
        futuresAction({
          symbol: "BNBUSDT",
          action: "OPEN",
          side: "LONG",
          quantity: "1",
          leverage: 2,
          stopLoss: "620",
        }),
      ]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, {
        decisionSource: OPENAI,
        tokens: [{ token: "BNB", minAllocation: 0 }],
        futures: { positionMode: "one_way", marginMode: "isolated", maxLeverage: 3 },
      }),
    );
    const { run } = await startSettled(t.user, id);
    expect(run.status, JSON.stringify(run.error)).toBe("completed");
    expect((run.orders as unknown as Order[])[0]).toMatchObject({ status: "filled", stopsStatus: "placed" });
    expect(run.notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "settings",
          symbol: "BNBUSDT",
          message: expect.stringContaining(
            "Margin mode stays as the account has it: Bybit rejected account/set-margin-mode",
          ),
        }),
      ]),
    );
    const account = await dumpAccount(t.account.apiKey);
    expect(account.marginMode.BNBUSDT).toBeUndefined();
  });
});
