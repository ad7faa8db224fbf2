import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type PageVisibility, Poller } from "./poller.ts";

/** A page whose visibility the test sets, telling the poller when it is shown again as the browser would. */
function fakePage() {
  let hidden = false;
  const listeners = new Set<() => void>();
  const visibility: PageVisibility = {
    isHidden: () => hidden,
    onShown(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    visibility,
    listeners,
    hide: () => {
      hidden = true;
    },
    show: () => {
      hidden = false;
      for (const listener of listeners) listener();
    },
  };
}

/** A resource read the test answers by hand: each call waits until the test resolves it. */
function manualReads() {
  const pending: ((ok: boolean) => void)[] = [];
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const read = () => {
    calls += 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<boolean>((resolve) =>
      pending.push((ok) => {
        inFlight -= 1;
        resolve(ok);
      }),
    );
  };
  return {
    read,
    get calls() {
      return calls;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get waiting() {
      return pending.length;
    },
    /** Answers the oldest waiting read, and lets the poller see the answer. */
    async answer(ok: boolean) {
      const next = pending.shift();
      if (!next) throw new Error("no read is waiting");
      next(ok);
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Poller", () => {
  it("reads every interval after the first refresh and records when the data was good", async () => {
    const page = fakePage();
    const reads = manualReads();
    const poller = new Poller(reads.read, { intervalMs: 10_000, visibility: page.visibility });
    poller.start();
    expect(reads.calls).toBe(0);
    void poller.refresh();
    await vi.advanceTimersByTimeAsync(0);
    expect(reads.calls).toBe(1);
    await reads.answer(true);
    expect(poller.state).toEqual({ updatedAt: Date.parse("2026-01-01T00:00:00Z"), failures: 0 });

    await vi.advanceTimersByTimeAsync(9_999);
    expect(reads.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads.calls).toBe(2);
    await reads.answer(true);
    expect(poller.state.updatedAt).toBe(Date.parse("2026-01-01T00:00:10Z"));
  });

  it("never has two reads in flight: a refresh during a read queues exactly one more after it", async () => {
    const page = fakePage();
    const reads = manualReads();
    const poller = new Poller(reads.read, { intervalMs: 1_000, visibility: page.visibility });
    poller.start();
    void poller.refresh();
    await vi.advanceTimersByTimeAsync(0);
    // The interval passes and three refreshes are asked for while the first read is still out.
    await vi.advanceTimersByTimeAsync(5_000);
    const followUps = [poller.refresh(), poller.refresh(), poller.refresh()];
    await vi.advanceTimersByTimeAsync(0);
    expect(reads.calls).toBe(1);
    await reads.answer(true);
    expect(reads.calls).toBe(2);
    expect(reads.maxInFlight).toBe(1);
    await reads.answer(true);
    await Promise.all(followUps);
    expect(reads.calls).toBe(2);
  });

  it("backs off after failures (doubling, capped) and keeps the time of the last good data", async () => {
    const page = fakePage();
    const reads = manualReads();
    const poller = new Poller(reads.read, { intervalMs: 1_000, maxBackoffMs: 5_000, visibility: page.visibility });
    poller.start();
    void poller.refresh();
    await vi.advanceTimersByTimeAsync(0);
    await reads.answer(true);
    const good = poller.state.updatedAt;

    const delays: number[] = [];
    for (let failure = 1; failure <= 4; failure += 1) {
      await vi.advanceTimersByTimeAsync(poller.nextDelayMs - 1);
      const before = reads.calls;
      await vi.advanceTimersByTimeAsync(1);
      expect(reads.calls, `read ${failure} comes after the backoff, not before`).toBe(before + 1);
      await reads.answer(false);
      delays.push(poller.nextDelayMs);
    }
    expect(delays).toEqual([2_000, 4_000, 5_000, 5_000]);
    expect(poller.state).toEqual({ updatedAt: good, failures: 4 });

    await vi.advanceTimersByTimeAsync(5_000);
    await reads.answer(true);
    expect(poller.state.failures).toBe(0);
    expect(poller.nextDelayMs).toBe(1_000);
  });

  it("a read that throws counts as a failure and the schedule goes on", async () => {
    const page = fakePage();
    let calls = 0;
    const poller = new Poller(
      () => {
        calls += 1;
        throw new Error("offline");
      },
      { intervalMs: 1_000, visibility: page.visibility },
    );
    poller.start();
    await poller.refresh();
    expect(poller.state.failures).toBe(1);
    expect(poller.inFlight).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(2);
  });

  it("reads nothing while the tab is hidden, and reads at once when it is shown again", async () => {
    const page = fakePage();
    const reads = manualReads();
    const poller = new Poller(reads.read, { intervalMs: 1_000, visibility: page.visibility });
    poller.start();
    void poller.refresh();
    await vi.advanceTimersByTimeAsync(0);
    await reads.answer(true);
    page.hide();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reads.calls).toBe(1);
    page.show();
    await vi.advanceTimersByTimeAsync(0);
    expect(reads.calls).toBe(2);
    // Focus and visibility often arrive together: the second signal reads nothing more.
    page.show();
    await vi.advanceTimersByTimeAsync(0);
    expect(reads.calls).toBe(2);
    await reads.answer(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads.calls).toBe(3);
  });

  it("stops on navigation: no more reads, no listener left, and a read in flight schedules nothing", async () => {
    const page = fakePage();
    const reads = manualReads();
    const poller = new Poller(reads.read, { intervalMs: 1_000, visibility: page.visibility });
    const stop = poller.start();
    void poller.refresh();
    await vi.advanceTimersByTimeAsync(0);
    stop();
    expect(page.listeners.size).toBe(0);
    await reads.answer(true);
    await vi.advanceTimersByTimeAsync(60_000);
    page.show();
    expect(reads.calls).toBe(1);
    expect(reads.waiting).toBe(0);
  });
});
