import type { ReviewInterval } from "../../shared/api/portfolios.ts";

/**
 * When reviews happen. Slots are anchored at the portfolio's start, so a slow run or a late alarm never shifts the
 * schedule, and every interval (3d and 1w included) is plain millisecond arithmetic, not cron day-of-month steps. A
 * small jitter, stable per portfolio, spreads portfolios that share an interval so they do not all hit the venue on
 * the same second.
 */

const MINUTE = 60_000;

export const INTERVAL_MS: Record<ReviewInterval, number> = {
  "10m": 10 * MINUTE,
  "15m": 15 * MINUTE,
  "30m": 30 * MINUTE,
  "1h": 60 * MINUTE,
  "4h": 4 * 60 * MINUTE,
  "12h": 12 * 60 * MINUTE,
  "1d": 24 * 60 * MINUTE,
  "3d": 3 * 24 * 60 * MINUTE,
  "1w": 7 * 24 * 60 * MINUTE,
};

/** At most 2 minutes, and at most 5 % of the interval (30 s for 10m). */
const MAX_JITTER_MS = 2 * MINUTE;

/** FNV-1a of the portfolio id: the same portfolio always lands on the same offset. */
function hashOf(portfolioId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < portfolioId.length; i++) {
    hash ^= portfolioId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A stable offset in [0, min(2 min, 5 % of the interval)) from the portfolio id. */
export function stableJitterMs(portfolioId: string, intervalMs: number): number {
  const span = Math.min(MAX_JITTER_MS, Math.floor(intervalMs * 0.05));
  return span <= 0 ? 0 : hashOf(portfolioId) % span;
}

/**
 * How long after a wake-up a portfolio starts, in [0, 30 s): when many are overdue at once (the cron's safety net,
 * a venue's rate limit lifting) they spread out instead of hitting the venue in the same second.
 */
export function spreadMs(portfolioId: string): number {
  return hashOf(portfolioId) % 30_000;
}

/**
 * The first slot strictly after `after`: anchor + jitter + k × interval with k ≥ 1 (starting reviews at once, so
 * slot 0 is the start itself). Missed slots (the object was down, a run took longer than an interval) are skipped,
 * never run back to back.
 */
export function nextRunAt(input: {
  portfolioId: string;
  interval: ReviewInterval;
  anchor: number;
  after: number;
}): number {
  const intervalMs = INTERVAL_MS[input.interval];
  const first = input.anchor + stableJitterMs(input.portfolioId, intervalMs) + intervalMs;
  if (input.after < first) return first;
  const slots = Math.floor((input.after - first) / intervalMs) + 1;
  return first + slots * intervalMs;
}

export function intervalMinutes(interval: ReviewInterval): number {
  return INTERVAL_MS[interval] / MINUTE;
}
