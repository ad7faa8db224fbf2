import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateLimitRetry } from "./rate-limit-retry.ts";

const limited = (retryAfterSeconds: number) => ({
  error: { code: "rate_limited", message: "Too many requests", details: { preset: "read", retryAfterSeconds } },
});

describe("a panel's read refused for going too fast", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("is read again once the wait it was given is over, three times in a row at most", () => {
    const retry = new RateLimitRetry();
    const again = vi.fn();
    expect(retry.schedule(limited(2), again)).toBe(2);
    vi.advanceTimersByTime(1999);
    expect(again).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(again).toHaveBeenCalledTimes(1);
    // Each read again refused too: scheduled again after each.
    expect(retry.schedule(limited(1), again)).toBe(1);
    vi.runAllTimers();
    expect(retry.schedule(limited(1), again)).toBe(1);
    vi.runAllTimers();
    expect(again).toHaveBeenCalledTimes(3);
    // The fourth in a row is left to the reader's retry button.
    expect(retry.schedule(limited(1), again)).toBeNull();
    vi.runAllTimers();
    expect(again).toHaveBeenCalledTimes(3);
    // A read that succeeds starts a new run.
    retry.succeeded();
    expect(retry.schedule(limited(1), again)).toBe(1);
  });

  it("leaves long waits and other failures to the reader, and a read started meanwhile cancels the scheduled one", () => {
    const retry = new RateLimitRetry();
    const again = vi.fn();
    expect(retry.schedule(limited(61), again)).toBeNull();
    expect(retry.schedule({ error: { code: "exchange_unavailable", message: "down" } }, again)).toBeNull();
    expect(retry.schedule(new Error("Failed to fetch"), again)).toBeNull();
    expect(retry.schedule(limited(5), again)).toBe(5);
    retry.cancel();
    vi.runAllTimers();
    expect(again).not.toHaveBeenCalled();
  });
});
