import Big from "big.js";
import { describe, expect, it } from "vitest";
import { control, dumpAccount, holdPrice, VENUES } from "../accounts/support.ts";
import { futuresPortfolio, startSettled } from "../portfolios/support.ts";
import { futuresAction, futuresPlan, newPortfolio, OPENAI, rows, runNow, scriptedTrader } from "./support.ts";

/**
 * Funding the venue charges on a futures portfolio's contract is booked once into its ledger, so its equity (and PnL)
 * follow the venue's margin balance; reading the same payment again at the next review books nothing more.
 * LINKUSDT perpetuals: no other test trades them.
 */

type Dump = Awaited<ReturnType<typeof dumpAccount>> & { futures: { marginBalance: string } };
type Payment = { id: string; amount: string; rate: string; markPrice: string };

describe.each(VENUES)("%s funding in the ledger", (venue) => {
  it("books a funding payment once, in equity, PnL and the run's notes, and uses rate and open interest", async () => {
    await holdPrice(venue, "linear", "LINKUSDT", "20");
    const t = await scriptedTrader(venue, { spot: {}, futuresWallet: "10000" });
    await t.decide(
      futuresPlan([
        futuresAction({
          symbol: "LINKUSDT",
          action: "OPEN",
          side: "LONG",
          quantity: "200",
          leverage: 2,
          stopLoss: "19",
        }),
      ]),
      futuresPlan([]),
      futuresPlan([]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, { tokens: [{ token: "LINK", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    const { run: first } = await startSettled(t.user, id);
    expect(first.status, JSON.stringify(first.error)).toBe("completed");
    const firstInput = (await t.user.get(`/api/portfolios/${id}/runs/${first.id}`)).body.input as {
      instruments: { symbol: string; fundingRate: string; nextFundingAt: string; openInterest: string }[];
    };
    const instrument = firstInput.instruments.find((i) => i.symbol === "LINKUSDT");
    expect(Number(instrument?.fundingRate)).toBeGreaterThan(0);
    expect(Date.parse(instrument?.nextFundingAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
    expect(Number(instrument?.openInterest)).toBeGreaterThan(200);
    const pnlAfterOpen = ((await t.user.get(`/api/portfolios/${id}`)).body as { performance: { pnl: string } })
      .performance.pnl;

    // The venue settles funding now (as it does every 8 hours): a long pays a positive rate.
    const { payments } = await control<{ payments: Payment[] }>("POST", "/funding", {
      venue,
      apiKey: t.account.apiKey,
    });
    expect(payments).toHaveLength(1);
    const paid = Big(payments[0]?.amount ?? "0");
    expect(paid.lt(0)).toBe(true);
    expect(
      paid.eq(
        Big(-200)
          .times(20)
          .times(payments[0]?.rate ?? "0")
          .round(8),
      ),
    ).toBe(true);

    const second = await runNow(t.user, id);
    expect(second.status).toBe("completed");
    expect((second.notes as { message: string }[]).map((n) => n.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^Funding paid on LINKUSDT: ${paid.abs().toFixed().replace(".", "\\.")} USDT`)),
    );
    const booked = await rows<{ venue_id: string; amount: string; run_id: string }>(
      `SELECT "venue_id", "amount", "run_id" FROM "portfolio_funding" WHERE "portfolio_id" = ?`,
      id,
    );
    expect(booked).toEqual([
      { venue_id: expect.stringContaining(payments[0]?.id ?? "none"), amount: paid.toFixed(), run_id: second.id },
    ]);

    // Read again at the next review: nothing more is booked.
    const third = await runNow(t.user, id);
    expect(third.status).toBe("completed");
    expect((third.notes as { message: string }[]).some((n) => n.message.startsWith("Funding"))).toBe(false);
    expect(await rows(`SELECT 1 FROM "portfolio_funding" WHERE "portfolio_id" = ?`, id)).toHaveLength(1);

    const portfolio = (await t.user.get(`/api/portfolios/${id}`)).body as {
      equity: string;
      performance: { equity: string; pnl: string; funding: string };
    };
    expect(portfolio.performance.funding).toBe(paid.toFixed());
    // The portfolio owns the whole wallet: its equity is the venue's margin balance, funding included.
    const account = (await dumpAccount(t.account.apiKey)) as Dump;
    expect(
      Big(portfolio.performance.equity).minus(account.futures.marginBalance).abs().lte("0.000001"),
      `${portfolio.performance.equity} vs ${account.futures.marginBalance}`,
    ).toBe(true);
    // The price is held and nothing else traded since the first review: the PnL moved by the funding alone.
    expect(Big(portfolio.performance.pnl).minus(pnlAfterOpen).eq(paid)).toBe(true);
  });
});
