import { describe, expect, it } from "vitest";
import { FaultBook } from "../../sim/engine/faults.ts";
import { RateLimitBook } from "../../sim/engine/rate-limits.ts";

describe("RateLimitBook", () => {
  it("counts cost in fixed windows and refuses past the limit until the window resets", () => {
    const book = new RateLimitBook();
    const minute = 60_000;
    const t0 = 1_800_000_000_000; // a minute boundary
    expect(book.consume("ip", 20, minute, 50, t0 + 1000)).toEqual({
      allowed: true,
      used: 20,
      limit: 50,
      resetAt: t0 + minute,
    });
    expect(book.consume("ip", 20, minute, 50, t0 + 2000).used).toBe(40);
    expect(book.consume("ip", 20, minute, 50, t0 + 3000)).toMatchObject({ allowed: false, used: 40 });
    expect(book.consume("ip", 10, minute, 50, t0 + 4000)).toMatchObject({ allowed: true, used: 50 });
    expect(book.consume("other", 1, minute, 50, t0 + 4000).used).toBe(1);
    expect(book.consume("ip", 1, 1000, 50, t0 + 4000).used).toBe(1);
    expect(book.consume("ip", 20, minute, 50, t0 + minute)).toMatchObject({ allowed: true, used: 20 });
    book.reset();
    expect(book.consume("ip", 1, minute, 50, t0 + minute).used).toBe(1);
  });
});

describe("FaultBook", () => {
  it("hands each request fault to the first matching request only", () => {
    const faults = new FaultBook();
    faults.add({ type: "error_after_accept", venue: "binance", pathPrefix: "/api/v3/order", status: 503 });
    faults.add({ type: "rate_limit", venue: "binance", pathPrefix: "POST /fapi", retryAfterSeconds: 2 });
    expect(faults.take("bybit", "POST /api/v3/order")).toBeUndefined();
    expect(faults.take("binance", "GET /api/v3/account")).toBeUndefined();
    expect(faults.take("binance", "GET /fapi/v1/order")).toBeUndefined();
    expect(faults.take("binance", "POST /api/v3/order")).toMatchObject({ type: "error_after_accept", status: 503 });
    expect(faults.take("binance", "POST /api/v3/order")).toBeUndefined();
    expect(faults.take("binance", "POST/fapi/v1/order")).toMatchObject({ type: "rate_limit" });
    expect(faults.list()).toEqual([]);
  });

  it("applies a clock skew for its count of uses, per venue", () => {
    const faults = new FaultBook();
    faults.add({ type: "clock_skew", venue: "bybit", skewMs: -7000, count: 2 });
    expect(faults.take("bybit", "GET /v5/market/time")).toBeUndefined();
    expect(faults.clockSkewMs("binance")).toBe(0);
    expect(faults.clockSkewMs("bybit")).toBe(-7000);
    expect(faults.clockSkewMs("bybit")).toBe(-7000);
    expect(faults.clockSkewMs("bybit")).toBe(0);
    faults.add({ type: "timeout_after_accept", venue: "bybit", pathPrefix: "/v5/order", delayMs: 100 });
    faults.clear();
    expect(faults.take("bybit", "POST /v5/order/create")).toBeUndefined();
  });
});
