/**
 * Client-side pacing per rate-limit bucket (a venue host or endpoint group). It reads what the venue reports (used
 * weight, remaining calls, reset time) and bans (429/418 Retry-After, Bybit 10006 and 403). While blocked, calls fail
 * fast with the time to wait instead of hammering the venue into a longer ban.
 */
export type RateObservation = {
  /** Share of the window's budget already used, 0..1. */
  usedFraction?: number;
  /** When the current window resets (epoch ms). */
  resetAt?: number;
  /** The venue told us to stop for this long. */
  retryAfterMs?: number;
};

/** Above this share of the budget, wait for the window to reset before sending more. */
const PACE_ABOVE = 0.9;
/** Longest pause we take inside a request; longer waits surface as rate_limited with retryAfterMs. */
export const MAX_INLINE_WAIT_MS = 2_000;

type Bucket = { blockedUntil: number; pausedUntil: number };

export type RateDecision = { wait: number } | { blockedForMs: number };

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** What to do before sending on `key`: wait a little, or give up for now. */
  decide(key: string): RateDecision {
    const bucket = this.#buckets.get(key);
    if (!bucket) return { wait: 0 };
    const now = this.#now();
    if (bucket.blockedUntil > now) return { blockedForMs: bucket.blockedUntil - now };
    const pause = Math.max(0, bucket.pausedUntil - now);
    return pause > MAX_INLINE_WAIT_MS ? { blockedForMs: pause } : { wait: pause };
  }

  observe(key: string, observation: RateObservation): void {
    const bucket = this.#bucket(key);
    const now = this.#now();
    if (observation.retryAfterMs !== undefined) {
      bucket.blockedUntil = Math.max(bucket.blockedUntil, now + observation.retryAfterMs);
    }
    if (observation.usedFraction !== undefined && observation.usedFraction >= PACE_ABOVE) {
      const resetAt = observation.resetAt ?? nextMinute(now);
      bucket.pausedUntil = Math.max(bucket.pausedUntil, resetAt);
    }
  }

  #bucket(key: string): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { blockedUntil: 0, pausedUntil: 0 };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}

function nextMinute(now: number): number {
  return Math.ceil((now + 1) / 60_000) * 60_000;
}
