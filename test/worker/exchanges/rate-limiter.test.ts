import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../../worker/exchanges/rate-limiter.ts";

describe("RateLimiter", () => {
  it("lets calls through while the budget is comfortable", () => {
    const limiter = new RateLimiter(() => 10_000);
    limiter.observe("binance:spot", { usedFraction: 0.5 });
    expect(limiter.decide("binance:spot")).toEqual({ wait: 0 });
  });

  it("pauses until the window resets when the budget is nearly used", () => {
    let now = 61_000;
    const limiter = new RateLimiter(() => now);
    limiter.observe("binance:spot", { usedFraction: 0.95, resetAt: 62_000 });
    expect(limiter.decide("binance:spot")).toEqual({ wait: 1_000 });
    now = 62_000;
    expect(limiter.decide("binance:spot")).toEqual({ wait: 0 });
  });

  it("fails fast while the venue's Retry-After ban lasts, per bucket", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    limiter.observe("bybit:order", { retryAfterMs: 600_000 });
    expect(limiter.decide("bybit:order")).toEqual({ blockedForMs: 600_000 });
    expect(limiter.decide("bybit:market")).toEqual({ wait: 0 });
    now = 600_000;
    expect(limiter.decide("bybit:order")).toEqual({ wait: 0 });
  });

  it("turns a long pacing pause into a block instead of sleeping inside a request", () => {
    const limiter = new RateLimiter(() => 0);
    limiter.observe("k", { usedFraction: 1, resetAt: 30_000 });
    expect(limiter.decide("k")).toEqual({ blockedForMs: 30_000 });
  });
});
