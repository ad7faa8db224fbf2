import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import Big from "big.js";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../../worker/db/client.ts";
import { countedD1, newQueryCount, type QueryCount } from "../../../worker/db/counted-d1.ts";
import { type EngineServices, engineServices } from "../../../worker/portfolios/engine/engine-services.ts";
import { Mutex } from "../../../worker/portfolios/engine/mutex.ts";
import { syncPortfolio } from "../../../worker/portfolios/engine/order-sync.ts";
import { cachedPaperStore } from "../../../worker/portfolios/engine/paper-account-store.ts";
import { executeRun, type RunEnd, type RunOutcome } from "../../../worker/portfolios/engine/review-run.ts";
import { addFault, clearFaults, holdPrice, keyRequests } from "../accounts/support.ts";
import { settledRun, spotPortfolio, startSettled } from "../portfolios/support.ts";
import {
  engineStub,
  eventually,
  expectLedgerMatchesVenue,
  newPortfolio,
  OPENAI,
  rows,
  type ScriptedTrader,
  scriptedTrader,
  settleVenue,
  sleep,
  spotBuy,
  spotPlan,
  venueOrders,
} from "./support.ts";

/**
 * A review saves each step's writes and its journal in one D1 batch, and reads the portfolio's row again only when a
 * control or a settings edit changed it (worker/portfolios/engine/review-run.ts). These tests hold it to both: few
 * round trips, and every control or edit saved before a step still seen by that step, down to the next order.
 */

afterEach(async () => {
  await clearFaults();
});

type Review = {
  outcome: RunOutcome;
  end: RunEnd;
  queries: QueryCount;
  /** Statements that read a portfolio's whole row. */
  rowReads: number;
  /** Each round trip's statements, in order (a batch is one round trip). */
  trips: string[][];
};

/**
 * One review of a started portfolio run by `executeRun` itself, inside the portfolio's object (its storage and
 * paper account), with every D1 query counted; `beforeStep` runs inside the object's lock before each step that takes
 * it (every step but "decide"), and counts as a control of the object.
 */
async function countedReview(
  portfolioId: string,
  seq: number,
  beforeStep?: (n: number, services: EngineServices) => Promise<void>,
) {
  const queries = newQueryCount();
  let rowReads = 0;
  const trips: string[][] = [];
  let controls = 0;
  let steps = 0;
  const lock = new Mutex();
  const end = await runInDurableObject(engineStub(portfolioId), (_object, state) => {
    const db = openDatabase(
      countedD1(env.DB, queries, (sql) => {
        if (/^select\b[\s\S]*"tokens"[\s\S]*from "portfolios"/i.test(sql)) rowReads++;
        // The count has already taken the statement's round trip when it reports the statement.
        const trip = queries.roundTrips - 1;
        trips[trip] = [...(trips[trip] ?? []), sql];
      }),
    );
    const storage = {
      get: (key: string) => state.storage.get(key),
      put: (key: string, value: unknown) => state.storage.put(key, value),
    };
    const services = engineServices(env, portfolioId, {
      db,
      storage,
      lock: {
        run: (work) =>
          lock.run(async () => {
            steps++;
            if (beforeStep) {
              await beforeStep(steps, services);
              controls++;
            }
            return work();
          }),
      } as Mutex,
      paperLock: new Mutex(),
      paperAccount: cachedPaperStore(state.storage),
      controlCount: () => controls,
      notificationsQueued: () => {},
    });
    return executeRun(services, {
      id: crypto.randomUUID(),
      portfolioId,
      seq,
      trigger: "manual",
      requestedAt: new Date(),
    });
  });
  return { outcome: end.outcome, end, queries, rowReads, trips } satisfies Review;
}

async function ethPortfolio(t: ScriptedTrader, overrides: Record<string, unknown> = {}) {
  return newPortfolio(
    t.user,
    spotPortfolio(t.keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: OPENAI, ...overrides }),
  );
}

/** A started ETH portfolio deciding with OpenAI (scripted): its start's review decides nothing, the next one `plan`. */
async function startedEth(plan: ReturnType<typeof spotPlan>, overrides: Record<string, unknown> = {}) {
  await holdPrice("binance", "spot", "ETHUSDT", "2500");
  const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
  await t.decide(spotPlan([]), plan);
  const id = await ethPortfolio(t, overrides);
  await startSettled(t.user, id);
  return { t, id };
}

type Order = { status: string; reason: string | null; clientOrderId: string };

describe("a review's trips to D1", () => {
  it("reads the portfolio's row once and saves each step in one batch", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    // The start's review leaves a resting limit; the counted review cancels it and places two orders.
    await t.decide(
      spotPlan([spotBuy("ETHUSDT", "0.5", "2500", "2400")]),
      spotPlan([spotBuy("ETHUSDT", "0.5", "2500"), spotBuy("ETHUSDT", "0.2", "2500", "2400")]),
    );
    const id = await ethPortfolio(t);
    await startSettled(t.user, id);

    const review = await countedReview(id, 2);
    expect(review.outcome).toBe("completed");
    const orders = await rows<{ status: string }>(
      "SELECT status FROM portfolio_orders WHERE portfolio_id = ? ORDER BY created_at, leg",
      id,
    );
    expect(orders.map((o) => o.status)).toEqual(["canceled", "filled", "open"]);
    expect(review.rowReads).toBe(1);
    // One batch to start (with the first step's read and the exchange key) and one per step (its writes, the journal,
    // and the next step's reads, the recorded trades with reconcile's), one per order sent (its `sending` mark, with
    // the previous order's answer), and the AI key, read by its own module: 11.
    expect(review.queries.roundTrips).toBeLessThanOrEqual(11);
  });
});

/** The statuses of the orders of the portfolio's second run (the counted review's), in the order they were made. */
async function secondRunStatuses(portfolioId: string): Promise<string[]> {
  const orders = await rows<{ status: string }>(
    "SELECT o.status FROM portfolio_orders o JOIN portfolio_runs r ON r.id = o.run_id WHERE r.portfolio_id = ? AND r.seq = 2 ORDER BY o.leg",
    portfolioId,
  );
  return orders.map((o) => o.status);
}

describe("reconcile's journal entry", () => {
  const EQUITY_POINT = /^insert into "equity_snapshots"/i;
  const recordTrip = (review: Review) => review.trips.findIndex((trip) => trip.some((sql) => EQUITY_POINT.test(sql)));
  const RECONCILE_READ = /^select\b[\s\S]*from "portfolio_orders" where "run_id" = \?/i;
  const ORDER_ANSWER = /^update "portfolio_orders" set "status" = \?, "exchange_order_id" = \?/i;
  const SENDING_MARK = /^update "portfolio_orders" set "status" = 'sending'/i;

  it("is saved with the record's batch, with the placement's answers, when nothing filled", async () => {
    // The counted review places one limit that rests on the book: nothing fills, nothing to record.
    const { id } = await startedEth(spotPlan([spotBuy("ETHUSDT", "0.2", "2500", "2400")]));

    const review = await countedReview(id, 2);
    expect(review.outcome).toBe("completed");
    const record = recordTrip(review);
    // The venue's answer to the limit is saved in the record's batch; the round trip before it is the limit's
    // `sending` mark, and reconcile read nothing at all: neither the run's orders nor the recorded trades.
    expect(review.trips[record]?.some((sql) => ORDER_ANSWER.test(sql))).toBe(true);
    expect(review.trips[record - 1]).toEqual([expect.stringMatching(SENDING_MARK)]);
    expect(review.trips.flat().filter((sql) => RECONCILE_READ.test(sql) || /^with "windows"/i.test(sql))).toEqual([]);
    // One update of the run: the journal's steps (place, reconcile, record) and its result.
    expect(review.trips[record]?.filter((sql) => /^update "portfolio_runs"/i.test(sql))).toHaveLength(1);
    const [run] = await rows<{ status: string; step: string; durations: string }>(
      "SELECT status, step, durations FROM portfolio_runs WHERE portfolio_id = ? AND seq = 2",
      id,
    );
    expect(run).toMatchObject({ status: "completed", step: "done" });
    expect(Object.keys(JSON.parse(run?.durations ?? "{}"))).toEqual(
      expect.arrayContaining(["place", "reconcile", "record"]),
    );
    expect(await secondRunStatuses(id)).toEqual(["open"]);
  });

  it("keeps the object's lock from placement to that batch: a sync waiting for it finds the answers saved", async () => {
    const { id } = await startedEth(spotPlan([spotBuy("ETHUSDT", "0.2", "2500", "2400")]));

    // Steps taking the lock: cancel (1), snapshot (2), plan (3), then place; work queued for the lock during
    // placement (as a sync is) runs once the lock is free.
    let queued: Promise<string[]> | undefined;
    let holds = 0;
    const review = await countedReview(id, 2, async (step, services) => {
      holds = Math.max(holds, step);
      if (step !== 4) return;
      queued = services.exclusive(() => secondRunStatuses(id));
    });
    expect(review.outcome).toBe("completed");
    // Place, reconcile and record held the lock once; the queued work took it after them, with the answer saved.
    expect(holds).toBe(5);
    expect(await queued).toEqual(["open"]);
  });

  it("saves those answers before letting go of the lock when the record fails", async () => {
    const { id } = await startedEth(spotPlan([spotBuy("ETHUSDT", "0.2", "2500", "2400")]));

    // Before placement the portfolio's ledger goes (the record cannot value it and fails the review), and work is
    // queued for the lock, as a sync would be.
    let queued: Promise<string[]> | undefined;
    const review = await countedReview(id, 2, async (step, services) => {
      if (step !== 4) return;
      await env.DB.prepare("UPDATE portfolios SET ledger = NULL, updated_at = ? WHERE id = ?")
        .bind(Date.now(), id)
        .run();
      queued = services.exclusive(() => secondRunStatuses(id));
    });
    expect(review.outcome).toBe("failed");
    const [run] = await rows<{ status: string; error_code: string }>(
      "SELECT status, error_code FROM portfolio_runs WHERE portfolio_id = ? AND seq = 2",
      id,
    );
    expect(run).toEqual({ status: "failed", error_code: "not_started" });
    // The limit's answer was saved before the queued work ran: it never saw the order `sending`.
    expect(await queued).toEqual(["open"]);
  });

  it("is saved on its own, with the trades, when reconcile recorded some", async () => {
    // The counted review's market buy fills: its trade is recorded by reconcile, before the record step runs.
    const { id } = await startedEth(spotPlan([spotBuy("ETHUSDT", "0.2", "2500")]));

    const review = await countedReview(id, 2);
    expect(review.outcome).toBe("completed");
    const record = recordTrip(review);
    const trades = review.trips.findIndex((trip) => trip.some((sql) => /^insert into "portfolio_fills"/i.test(sql)));
    expect(trades).toBeGreaterThan(-1);
    expect(trades).toBeLessThan(record);
    const [fills] = await rows<{ n: number }>("SELECT count(*) AS n FROM portfolio_fills WHERE portfolio_id = ?", id);
    expect(fills?.n).toBe(1);
  });
});

describe("recording a run's trades", () => {
  const WINDOW_READ = /^with "windows"/i;
  const RECONCILE_READ = /^select\b[\s\S]*from "portfolio_orders" where "run_id" = \?/i;

  it("reads the record with reconcile's reads, in the placement's last batch, not in a round trip of its own", async () => {
    // The counted review's market buy fills: its trade is recorded by reconcile.
    const { t, id } = await startedEth(spotPlan([spotBuy("ETHUSDT", "0.2", "2500")]));

    const review = await countedReview(id, 2);
    expect(review.outcome).toBe("completed");
    const reads = review.trips.filter((trip) => trip.some((sql) => WINDOW_READ.test(sql)));
    expect(reads).toHaveLength(1);
    // With the order's answer and reconcile's read of the run's orders.
    expect(reads[0]?.some((sql) => /^update "portfolio_orders"/i.test(sql))).toBe(true);
    expect(reads[0]?.some((sql) => RECONCILE_READ.test(sql))).toBe(true);
    const fills = await rows<{ quantity: string }>("SELECT quantity FROM portfolio_fills WHERE portfolio_id = ?", id);
    expect(fills.map((f) => f.quantity)).toEqual(["0.2"]);
    const holdings = await expectLedgerMatchesVenue(t.user, id, t.account.apiKey);
    expect(Big(holdings.find((h) => h.asset === "ETH")?.quantity ?? "0").gt(0)).toBe(true);
  });

  it("reads it again after a sync of the object recorded trades between placement and reconcile", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    await holdPrice("binance", "spot", "BTCUSDT", "60000");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    // The counted review buys ETH at market and rests a BTC limit at 58 000.
    await t.decide(
      spotPlan([]),
      spotPlan([spotBuy("ETHUSDT", "0.2", "2500"), spotBuy("BTCUSDT", "0.01", "60000", "58000")]),
    );
    const id = await ethPortfolio(t, {
      tokens: [
        { token: "ETH", minAllocation: 0 },
        { token: "BTC", minAllocation: 0 },
      ],
    });
    await startSettled(t.user, id);

    // Steps taking the lock: cancel (1), snapshot (2), plan (3), place (4), reconcile (5). Before reconcile the BTC
    // limit fills and the object's sync records it, moving the ledger that the placement's last batch read.
    const review = await countedReview(id, 2, async (step, services) => {
      if (step !== 5) return;
      await holdPrice("binance", "spot", "BTCUSDT", "57900");
      await settleVenue("binance");
      expect((await syncPortfolio(services, id)).refreshed).toBe(1);
    });
    expect(review.outcome).toBe("completed");
    const fills = await rows<{ symbol: string }>(
      "SELECT symbol FROM portfolio_fills WHERE portfolio_id = ? ORDER BY symbol",
      id,
    );
    expect(fills.map((f) => f.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    // Reconcile recorded the ETH trade on the ledger the sync left: the BTC the sync booked is still there.
    const holdings = await expectLedgerMatchesVenue(t.user, id, t.account.apiKey);
    for (const asset of ["ETH", "BTC"])
      expect(Big(holdings.find((h) => h.asset === asset)?.quantity ?? "0").gt(0), asset).toBe(true);
  });
});

describe("the schedule after a review", () => {
  const SCHEDULE_READ = /^select "id", "status", "started_at", "review_interval", "next_run_at" from "portfolios"/i;

  it("is read with the record's batch and answered with the outcome, with the control count it was read at", async () => {
    const { id } = await startedEth(spotPlan([spotBuy("ETHUSDT", "0.2", "2500")]));

    // A control before every step that takes the lock: the count the schedule was read at is the last one.
    const review = await countedReview(id, 2, async () => {});
    expect(review.outcome).toBe("completed");
    expect(review.trips.at(-1)?.some((sql) => SCHEDULE_READ.test(sql))).toBe(true);
    expect(review.trips.flat().filter((sql) => SCHEDULE_READ.test(sql))).toHaveLength(1);
    const [row] = await rows<{ status: string; review_interval: string; next_run_at: number | null }>(
      "SELECT status, review_interval, next_run_at FROM portfolios WHERE id = ?",
      id,
    );
    expect(review.end.schedule?.row).toMatchObject({
      id,
      status: row?.status,
      reviewInterval: row?.review_interval,
      nextRunAt: row?.next_run_at === null ? null : new Date(row?.next_run_at ?? 0),
    });
    // cancel, snapshot, plan, place, reconcile, record.
    expect(review.end.schedule?.controls).toBe(6);
  });

  it("is not answered when the record's loss limit paused the portfolio after that batch", async () => {
    // The counted review buys 2 ETH; ETH falls before its record: a drawdown past 1 %.
    const { id } = await startedEth(spotPlan([spotBuy("ETHUSDT", "2", "2500")]), {
      risk: { maxOrderPct: null, maxExposurePct: null, maxDailyLossPct: null, maxDrawdownPct: "1" },
    });

    // Steps taking the lock: cancel (1), snapshot (2), plan (3), place (4), reconcile (5), record (6).
    const review = await countedReview(id, 2, async (step) => {
      if (step !== 6) return;
      await holdPrice("binance", "spot", "ETHUSDT", "2300");
      // A review reuses a price it read for a second.
      await sleep(1_100);
    });
    expect(review.outcome).toBe("completed");
    expect(review.end.schedule).toBeUndefined();
    const [row] = await rows<{ status: string; status_reason_code: string }>(
      "SELECT status, status_reason_code FROM portfolios WHERE id = ?",
      id,
    );
    expect(row).toEqual({ status: "paused", status_reason_code: "loss_limit" });
  });
});

describe("the built-in strategy's decision", () => {
  const BUILTIN = { decisionSource: { provider: "builtin" }, tokens: [{ token: "ETH", minAllocation: 30 }] };
  /** A started ETH portfolio deciding with the built-in strategy (it buys ETH up to its 30 % floor). */
  const startedBuiltin = async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const id = await ethPortfolio(t, BUILTIN);
    await startSettled(t.user, id);
    return { t, id };
  };
  /** The round trip that saved the run's decision (an UPDATE of the run setting "decision"). */
  const decisionTrip = (review: Review) =>
    review.trips.find((trip) => trip.some((sql) => /^update "portfolio_runs" set[\s\S]*"decision" = \?/i.test(sql)));

  it("is saved in the plan's batch, with the planned orders, not in a round trip of its own", async () => {
    const { id } = await startedBuiltin();

    const review = await countedReview(id, 2);
    expect(review.outcome).toBe("completed");
    const [run] = await rows<{ provider: string; decision: string | null; step: string }>(
      "SELECT provider, decision, step FROM portfolio_runs WHERE portfolio_id = ? AND seq = 2",
      id,
    );
    expect(run).toMatchObject({ provider: "builtin", step: "done" });
    expect(JSON.parse(run?.decision ?? "null")).toMatchObject({ summary: expect.any(String) });
    const trip = decisionTrip(review);
    expect(trip?.some((sql) => /^insert into "portfolio_orders"/i.test(sql))).toBe(true);
    // In one update of the run with the plan's stops and the journal's next step.
    const updates = trip?.filter((sql) => /^update "portfolio_runs"/i.test(sql)) ?? [];
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatch(/"decision" = \?[\s\S]*"planned_stops" = \?[\s\S]*"step" = \?/);
  });

  it("is saved with the snapshot it decides on: one batch from the cancel's to the plan's", async () => {
    const { id } = await startedBuiltin();

    const review = await countedReview(id, 2);
    expect(review.outcome).toBe("completed");
    const trip = decisionTrip(review);
    const updates = trip?.filter((sql) => /^update "portfolio_runs"/i.test(sql)) ?? [];
    // The decision input and the equity it was taken at, in the same update as the decision and the plan.
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatch(/"input" = \?[\s\S]*"equity_before" = \?[\s\S]*"decision" = \?/);
    // No round trip saved the snapshot on its own: the one before the plan's is the cancel's, which read what the
    // snapshot reads (the owner's account among it).
    const plan = review.trips.indexOf(trip ?? []);
    expect(review.trips[plan - 1]?.some((sql) => /^select "enabled" from "users"/i.test(sql))).toBe(true);
    expect(
      review.trips
        .slice(0, plan)
        .flat()
        .filter((sql) => /^update "portfolio_runs" set[\s\S]*"input" = \?/i.test(sql)),
    ).toEqual([]);
    const [run] = await rows<{ input: string | null; equity_before: string | null }>(
      "SELECT input, equity_before FROM portfolio_runs WHERE portfolio_id = ? AND seq = 2",
      id,
    );
    expect(JSON.parse(run?.input ?? "null")).toMatchObject({ kind: "spot" });
    expect(Big(run?.equity_before ?? "0").gt(0)).toBe(true);
  });

  it("holds the object's lock from the snapshot to the plan's batch when the snapshot corrected the ledger", async () => {
    const { id } = await startedBuiltin();
    // The ledger holds more USDT than the account: the snapshot caps it (an outflow), a write carried to the plan's batch.
    await env.DB.prepare("UPDATE portfolios SET ledger = json_set(ledger, '$.assets.USDT', '20000') WHERE id = ?")
      .bind(id)
      .run();

    // Steps taking the lock: cancel (1), then snapshot (2), whose corrected ledger is unsaved until the plan's batch:
    // work queued for the lock during it (as a sync is) must find the correction saved.
    let queued: Promise<string | undefined> | undefined;
    let holds = 0;
    const review = await countedReview(id, 2, async (step, services) => {
      holds = Math.max(holds, step);
      if (step !== 2) return;
      queued = services.exclusive(async () => {
        const [row] = await rows<{ usdt: string }>(
          "SELECT json_extract(ledger, '$.assets.USDT') AS usdt FROM portfolios WHERE id = ?",
          id,
        );
        return row?.usdt;
      });
    });
    expect(review.outcome).toBe("completed");
    const seen = await queued;
    expect(Big(seen ?? "20000").lte("10000")).toBe(true);
    // Snapshot, decide and plan held it once (2), the queued work took it after them (3), then placement (4).
    expect(holds).toBe(4);
  });

  it("a review that ends before its plan is saved keeps the decision on the run", async () => {
    const { t, id } = await startedBuiltin();

    // Steps taking the lock: cancel (1), snapshot (2), plan (3): the stop lands after the decision, before the plan.
    const review = await countedReview(id, 2, async (step) => {
      if (step === 3) await env.DB.prepare("UPDATE portfolios SET status = 'stopped' WHERE id = ?").bind(id).run();
    });
    expect(review.outcome).toBe("aborted");
    const [run] = await rows<{ status: string; decision: string | null; summary: string | null }>(
      "SELECT status, decision, summary FROM portfolio_runs WHERE portfolio_id = ? AND seq = 2",
      id,
    );
    expect(run?.status).toBe("aborted");
    expect(JSON.parse(run?.decision ?? "null")).toMatchObject({ summary: expect.any(String) });
    // Saved with the run's ending, in its one batch.
    expect(decisionTrip(review)?.at(-1)).toMatch(/^update "portfolio_runs" set[\s\S]*"status" = \?/i);
    // Nothing planned, nothing sent (the start's review left the one order the venue holds).
    const planned =
      "SELECT o.id FROM portfolio_orders o JOIN portfolio_runs r ON r.id = o.run_id WHERE r.portfolio_id = ? AND r.seq = 2";
    expect(await rows(planned, id)).toEqual([]);
    expect((await venueOrders(t.account)).filter((o) => o.clientOrderId.includes("-r2-"))).toEqual([]);
  });
});

describe("controls and edits between a review's steps", () => {
  it("a control of the object between the cancel and the snapshot makes the snapshot read the balances again", async () => {
    const { t, id } = await startedEth(spotPlan([]));
    const accountReads = async () => (await keyRequests(t.account.apiKey))["GET /api/v3/account"] ?? 0;

    // The cancel step reads the balances (to look for strays) and the snapshot takes them as they are.
    let before = await accountReads();
    expect((await countedReview(id, 2)).outcome).toBe("completed");
    expect((await accountReads()) - before).toBe(1);

    // A control before every step that takes the lock: the snapshot's comes after the cancel's read, and may have
    // traded, so the snapshot reads them again.
    await t.decide(spotPlan([]));
    before = await accountReads();
    expect((await countedReview(id, 3, async () => {})).outcome).toBe("completed");
    expect((await accountReads()) - before).toBe(2);
  });

  it("a settings edit saved while the review waits for its decision is seen by the next step", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    await t.decide(spotPlan([]));
    await t.script({ decision: { result: spotPlan([spotBuy("ETHUSDT", "0.5", "2500")]) }, delayMs: 1_500 });
    const id = await ethPortfolio(t);
    await startSettled(t.user, id);

    const requested = await t.user.post(`/api/portfolios/${id}/runs`);
    await eventually(async () => {
      const [run] = await rows<{ step: string }>("SELECT step FROM portfolio_runs WHERE id = ?", requested.body.runId);
      return run?.step === "decide" ? true : undefined;
    }, "the review waiting for its decision");
    const edited = await t.user.call("PATCH", `/api/portfolios/${id}`, { body: { executionMode: "manual_approval" } });
    expect(edited.status).toBe(200);

    const run = await settledRun(t.user, id, requested.body.runId as string);
    expect(run.status).toBe("awaiting_approval");
    expect(run.orders.map((o) => o.status)).toEqual(["pending_approval"]);
    expect(await venueOrders(t.account)).toEqual([]);
  });

  it("a stop saved while the review waits for its decision ends it before anything is planned", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    await t.decide(spotPlan([]));
    await t.script({ decision: { result: spotPlan([spotBuy("ETHUSDT", "0.5", "2500")]) }, delayMs: 1_500 });
    const id = await ethPortfolio(t);
    await startSettled(t.user, id);

    const requested = await t.user.post(`/api/portfolios/${id}/runs`);
    await eventually(async () => {
      const [run] = await rows<{ step: string }>("SELECT step FROM portfolio_runs WHERE id = ?", requested.body.runId);
      return run?.step === "decide" ? true : undefined;
    }, "the review waiting for its decision");
    expect((await t.user.post(`/api/portfolios/${id}/stop`)).status).toBe(200);

    const run = await settledRun(t.user, id, requested.body.runId as string);
    expect(run.status).toBe("aborted");
    expect(run.orders).toEqual([]);
    expect(await venueOrders(t.account)).toEqual([]);
  });

  it("a stop the object carried out after a step was saved is seen by the next step", async () => {
    const { t, id } = await startedEth(spotPlan([spotBuy("ETHUSDT", "0.5", "2500")]));

    // Steps taking the lock: cancel (1), snapshot (2), plan (3). The stop lands once "decide" has saved, as a stop
    // waiting for the lock would: no batch of the review reads it before "plan" starts.
    const review = await countedReview(id, 2, async (step) => {
      if (step === 3) await env.DB.prepare("UPDATE portfolios SET status = 'stopped' WHERE id = ?").bind(id).run();
    });
    expect(review.outcome).toBe("aborted");
    expect(await rows("SELECT id FROM portfolio_orders WHERE portfolio_id = ?", id)).toEqual([]);
    expect(await venueOrders(t.account)).toEqual([]);
  });

  it("a stop saved while an order is on its way keeps the next order of the review from being sent", async () => {
    const { t, id } = await startedEth(
      spotPlan([spotBuy("ETHUSDT", "0.5", "2500"), spotBuy("ETHUSDT", "0.2", "2500")]),
    );
    // The first order's answer is held (the engine gives up waiting after 1.5 s and looks it up by client order id).
    await addFault("binance", {
      type: "timeout_after_accept",
      pathPrefix: "POST /api/v3/order",
      delayMs: 2_000,
      apiKey: t.account.apiKey,
    });

    const requested = await t.user.post(`/api/portfolios/${id}/runs`);
    await eventually(
      async () => ((await venueOrders(t.account)).length > 0 ? true : undefined),
      "the first order on the venue",
    );
    const stopped = t.user.post(`/api/portfolios/${id}/stop`);

    const run = await settledRun(t.user, id, requested.body.runId as string);
    expect((await stopped).status).toBe(200);
    const [first, second] = run.orders as unknown as Order[];
    expect(first?.status).toBe("filled");
    expect(second).toMatchObject({
      status: "rejected",
      reason: "Not sent: the portfolio was stopped or paused during the run.",
    });
    expect((await venueOrders(t.account)).map((o) => o.clientOrderId)).toEqual([first?.clientOrderId]);
  });
});
