import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import Big from "big.js";
import { describe, expect, it } from "vitest";
import type { PaperAccount } from "../../../worker/exchanges/paper/paper-account.ts";
import { holdPrice, VENUES } from "../accounts/support.ts";
import { simFunding } from "../exchanges/paper/harness.ts";
import { futuresPortfolio, startSettled } from "../portfolios/support.ts";
import {
  engineStub,
  futuresAction,
  futuresPlan,
  newPortfolio,
  OPENAI,
  rows,
  runNow,
  scriptedTrader,
} from "./support.ts";

/**
 * A paper futures portfolio pays funding as the venue would charge it, from the venue's public funding history, and
 * the review books it once into the ledger like a live portfolio's funding. A funding time cannot pass in a test, so
 * after the first review opens the position the test moves the portfolio's start and the paper account's last
 * settled funding time 9 hours back: the position has been held through the last real funding time, unsettled.
 * LINKUSDT perpetuals at the price the live funding test holds.
 */

const READ_ONLY = { permissions: { read: true, spot: false, futures: false }, futuresWallet: "0", spot: {} };
const EIGHT_HOURS = 8 * 3_600_000;
/** The paper account without its closed orders and fills (worker/portfolios/engine/paper-account-store.ts). */
const PAPER_ACCOUNT = "paper-current";

type Portfolio = { equity: string; performance: { equity: string; pnl: string; funding: string } };

describe.each(VENUES)("%s paper funding in the ledger", (venue) => {
  it("charges a paper long held through a funding time once, across reviews and a restart, in equity and PnL", async () => {
    await holdPrice(venue, "linear", "LINKUSDT", "20");
    const t = await scriptedTrader(venue, READ_ONLY);
    await t.decide(
      futuresPlan([
        futuresAction({
          symbol: "LINKUSDT",
          action: "OPEN",
          side: "LONG",
          quantity: "30",
          leverage: 2,
          stopLoss: "19",
        }),
      ]),
      futuresPlan([]),
      futuresPlan([]),
    );
    const id = await newPortfolio(
      t.user,
      futuresPortfolio(t.keyId, {
        tokens: [{ token: "LINK", minAllocation: 0 }],
        decisionSource: OPENAI,
        paper: true,
        paperCapital: "5000",
      }),
    );
    const { run: first } = await startSettled(t.user, id);
    expect(first.status, JSON.stringify(first.error)).toBe("completed");
    expect((first.orders as unknown as { status: string; paper: boolean }[])[0]).toMatchObject({
      paper: true,
      status: "filled",
    });
    const fundingTime = Math.floor(Date.now() / EIGHT_HOURS) * EIGHT_HOURS;
    const stub = engineStub(id);
    const opened = await runInDurableObject(stub, async (_object, state) => {
      const account = (await state.storage.get(PAPER_ACCOUNT)) as PaperAccount;
      return account;
    });
    // Opening settled up to the last funding time, with no position then: nothing was charged.
    expect(opened.fundingSettledAt).toBe(fundingTime);
    expect(opened.funding ?? []).toEqual([]);
    expect(await rows(`SELECT 1 FROM "portfolio_funding" WHERE "portfolio_id" = ?`, id)).toEqual([]);

    // As if the position had been opened 9 hours ago: started before the funding time, not settled through it.
    await env.DB.prepare(`UPDATE "portfolios" SET "started_at" = ? WHERE "id" = ?`)
      .bind(fundingTime - EIGHT_HOURS - 3_600_000, id)
      .run();
    await runInDurableObject(stub, (_object, state) =>
      state.storage.put(PAPER_ACCOUNT, { ...opened, fundingSettledAt: fundingTime - EIGHT_HOURS }),
    );
    // The object keeps its account in memory (only it writes the key): a restart makes it read what was written here.
    await abortAllDurableObjects();
    const before = (await t.user.get(`/api/portfolios/${id}`)).body as Portfolio;

    const second = await runNow(t.user, id);
    expect(second.status).toBe("completed");
    const { rate, mark } = await simFunding(venue, "LINKUSDT", fundingTime);
    const expected = Big(-30).times(mark).times(rate).round(8);
    expect(expected.eq(0)).toBe(false);
    expect((second.notes as { message: string }[]).map((n) => n.message)).toContainEqual(
      expect.stringMatching(
        new RegExp(`^Funding (paid|received) on LINKUSDT: ${expected.abs().toFixed().replace(".", "\\.")} USDT`),
      ),
    );
    const booked = await rows<{ venue_id: string; amount: string; run_id: string }>(
      `SELECT "venue_id", "amount", "run_id" FROM "portfolio_funding" WHERE "portfolio_id" = ?`,
      id,
    );
    expect(booked).toEqual([
      {
        venue_id: expect.stringContaining(`paper:LINKUSDT:${fundingTime}`),
        amount: expected.toFixed(),
        run_id: second.id,
      },
    ]);

    // A restart of the Durable Object and another review: the payment is neither charged nor booked again.
    await abortAllDurableObjects();
    const third = await runNow(t.user, id);
    expect(third.status).toBe("completed");
    expect((third.notes as { message: string }[]).some((n) => n.message.startsWith("Funding"))).toBe(false);
    expect(await rows(`SELECT 1 FROM "portfolio_funding" WHERE "portfolio_id" = ?`, id)).toHaveLength(1);
    // The aborted stub is gone: a new one reaches the restarted object.
    const settled = await runInDurableObject(
      engineStub(id),
      async (_object, state) => (await state.storage.get(PAPER_ACCOUNT)) as PaperAccount,
    );
    expect(settled.funding?.map((p) => p.amount)).toEqual([expected.toFixed()]);
    expect(Big(settled.futuresWallet).minus(opened.futuresWallet).eq(expected)).toBe(true);

    // The price is held and nothing traded since: equity and PnL moved by the funding alone.
    const after = (await t.user.get(`/api/portfolios/${id}`)).body as Portfolio;
    expect(after.performance.funding).toBe(expected.toFixed());
    expect(Big(after.performance.pnl).minus(before.performance.pnl).eq(expected)).toBe(true);
    expect(Big(after.performance.equity).minus(before.performance.equity).eq(expected)).toBe(true);
  });
});
