import type { SimLimits } from "./types.ts";

export const DEFAULT_LIMITS: SimLimits = { binanceWeightPerMinute: 6000, binanceOrdersPer10s: 100, bybitPerSecond: 10 };

export type RateLimitResult = { allowed: boolean; used: number; limit: number; resetAt: number };

/**
 * Fixed-window counters for the wire modules (Binance weight per minute, Bybit requests per second per UID and
 * endpoint). A denied request consumes nothing, so the window recovers exactly at `resetAt`.
 */
export class RateLimitBook {
  private readonly windows = new Map<string, { start: number; used: number }>();

  consume(key: string, cost: number, windowMs: number, limit: number, now: number): RateLimitResult {
    const start = Math.floor(now / windowMs) * windowMs;
    const slot = `${key}|${windowMs}`;
    let window = this.windows.get(slot);
    if (!window || window.start !== start) {
      window = { start, used: 0 };
      this.windows.set(slot, window);
    }
    const resetAt = start + windowMs;
    if (window.used + cost > limit) return { allowed: false, used: window.used, limit, resetAt };
    window.used += cost;
    return { allowed: true, used: window.used, limit, resetAt };
  }

  reset(): void {
    this.windows.clear();
  }
}
