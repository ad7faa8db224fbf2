import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ReviewInterval } from "../../../shared/api/portfolios.ts";
import { INTERVAL_MS, nextRunAt, spreadMs, stableJitterMs } from "../../../worker/portfolios/schedule.ts";
import { accountsApp, trader } from "../accounts/support.ts";
import { settledRun, spotPortfolio, startSettled } from "../portfolios/support.ts";
import { cronTick, engineStub, eventually, rows } from "./support.ts";

const DAY = 24 * 3_600_000;

describe("review schedule", () => {
  it("every interval's slots are start + interval × k + a stable jitter under min(2 min, 5 %)", () => {
    const anchor = Date.UTC(2026, 0, 30, 9, 0, 0);
    for (const interval of ReviewInterval.options) {
      const step = INTERVAL_MS[interval];
      const jitter = stableJitterMs("portfolio-a", step);
      expect(jitter).toBe(stableJitterMs("portfolio-a", step));
      expect(jitter).toBeGreaterThanOrEqual(0);
      expect(jitter).toBeLessThan(Math.min(120_000, step * 0.05));
      // Right after the start review, the next slot is one interval later.
      expect(nextRunAt({ portfolioId: "portfolio-a", interval, anchor, after: anchor + 5_000 })).toBe(
        anchor + step + jitter,
      );
      // After an outage of 10.5 intervals the missed slots are skipped, not run back to back.
      expect(nextRunAt({ portfolioId: "portfolio-a", interval, anchor, after: anchor + 10.5 * step })).toBe(
        anchor + 11 * step + jitter,
      );
    }
    expect(new Set(["a", "b", "c", "d", "e"].map((id) => stableJitterMs(id, DAY))).size).toBeGreaterThan(1);
  });

  it("3d and 1w fall on whole days from the start, across month ends", () => {
    const anchor = Date.UTC(2026, 0, 30, 9, 0, 0);
    const jitter3d = stableJitterMs("p", 3 * DAY);
    const jitter1w = stableJitterMs("p", 7 * DAY);
    expect(
      new Date(nextRunAt({ portfolioId: "p", interval: "3d", anchor, after: anchor + 1 }) - jitter3d).toISOString(),
    ).toBe("2026-02-02T09:00:00.000Z");
    expect(
      new Date(
        nextRunAt({ portfolioId: "p", interval: "1w", anchor, after: anchor + 8 * DAY }) - jitter1w,
      ).toISOString(),
    ).toBe("2026-02-13T09:00:00.000Z");
  });
});

async function startedPortfolio(interval: ReviewInterval) {
  const app = accountsApp();
  const { user, keyId } = await trader(app, "binance", { futuresWallet: "0" });
  const created = await user.post("/api/portfolios", {
    ...spotPortfolio(keyId, { reviewInterval: interval, paper: true }),
  });
  const id = created.body.id as string;
  const { portfolio } = await startSettled(user, id);
  return { user, id, startedAt: new Date(portfolio.startedAt as string).getTime() };
}

const alarmOf = (id: string) => runInDurableObject(engineStub(id), (_object, state) => state.storage.getAlarm());

describe.each(["3d", "1w"] as const)("a %s portfolio", (interval) => {
  it("keeps its next run in the object's alarm and in the portfolio, one interval after its start", async () => {
    const { user, id, startedAt } = await startedPortfolio(interval);
    const expected = startedAt + INTERVAL_MS[interval] + stableJitterMs(id, INTERVAL_MS[interval]);
    const body = (await user.get(`/api/portfolios/${id}`)).body;
    expect(body.nextRunAt).toBe(new Date(expected).toISOString());
    expect(await alarmOf(id)).toBe(expected);
  });
});

describe("scheduled reviews", () => {
  it("the alarm runs a due review and moves to the following slot", async () => {
    const { user, id, startedAt } = await startedPortfolio("1h");
    // As if the hour had passed: the slot is due.
    await runInDurableObject(engineStub(id), (_object, state) => state.storage.put("nextRunAt", Date.now() - 1));
    expect(await runDurableObjectAlarm(engineStub(id))).toBe(true);
    const run = await settledRun(user, id);
    expect(run).toMatchObject({ trigger: "schedule", seq: 2, status: "completed" });
    const step = INTERVAL_MS["1h"];
    const next = nextRunAt({ portfolioId: id, interval: "1h", anchor: startedAt, after: Date.now() });
    expect(await alarmOf(id)).toBe(next);
    expect(next - startedAt).toBe(step + stableJitterMs(id, step));
    // Mirrored on the portfolio for the cron and the owner, from the schedule the review's last batch read.
    expect((await user.get(`/api/portfolios/${id}`)).body.nextRunAt).toBe(new Date(next).toISOString());
  });

  it("the cron wakes an overdue portfolio whose alarm was lost", async () => {
    const { user, id } = await startedPortfolio("1h");
    await runInDurableObject(engineStub(id), async (_object, state) => {
      await state.storage.deleteAlarm();
      await state.storage.put("nextRunAt", Date.now() - 10 * 60_000);
    });
    await env.DB.prepare("UPDATE portfolios SET next_run_at = ? WHERE id = ?")
      .bind(Date.now() - 10 * 60_000, id)
      .run();
    const woken = Date.now();
    await cronTick(woken);
    // Woken with a stable spread, so many overdue portfolios do not all start in the same second: within 30 s.
    const alarm = (await alarmOf(id)) ?? 0;
    expect(alarm).toBeGreaterThanOrEqual(woken + spreadMs(id));
    expect(alarm).toBeLessThanOrEqual(Date.now() + spreadMs(id));
    expect(spreadMs(id)).toBeLessThan(30_000);
    expect(await runDurableObjectAlarm(engineStub(id))).toBe(true);
    const run = await eventually(async () => {
      const [row] = await rows<{ id: string }>("SELECT id FROM portfolio_runs WHERE portfolio_id = ? AND seq = 2", id);
      return row;
    }, "the woken review");
    expect(await settledRun(user, id, run.id)).toMatchObject({ trigger: "schedule", status: "completed" });
    expect(await alarmOf(id)).toBeGreaterThan(Date.now());
  });

  it("changing the interval of a running portfolio moves its next run", async () => {
    const { user, id, startedAt } = await startedPortfolio("1h");
    const changed = await user.call("PATCH", `/api/portfolios/${id}`, { body: { reviewInterval: "3d" } });
    expect(changed.status, changed.text).toBe(200);
    const expected = startedAt + INTERVAL_MS["3d"] + stableJitterMs(id, INTERVAL_MS["3d"]);
    expect(changed.body.nextRunAt).toBe(new Date(expected).toISOString());
    expect(await alarmOf(id)).toBe(expected);
  });

  it("a stopped portfolio has no alarm and no next run", async () => {
    const { user, id } = await startedPortfolio("10m");
    expect((await user.post(`/api/portfolios/${id}/stop`)).status).toBe(200);
    expect(await alarmOf(id)).toBeNull();
    expect((await user.get(`/api/portfolios/${id}`)).body.nextRunAt).toBeNull();
  });
});
