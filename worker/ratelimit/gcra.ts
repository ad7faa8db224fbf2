/** A limit of `limit` requests per `periodMs`, allowing bursts up to `limit`. */
export type RateRule = { limit: number; periodMs: number };

export type RateDecision = { allowed: boolean; retryAfterMs: number; remaining: number };

/**
 * GCRA (the leaky bucket as a meter): one number of state, the theoretical arrival time, so a limiter costs one
 * stored value per subject and no timestamp log.
 */
export function consume(rule: RateRule, tat: number | null, now: number): { decision: RateDecision; tat: number } {
  const interval = rule.periodMs / rule.limit;
  const start = Math.max(tat ?? now, now);
  const next = start + interval;
  const allowAt = next - rule.periodMs;
  if (now < allowAt) {
    return { decision: { allowed: false, retryAfterMs: Math.ceil(allowAt - now), remaining: 0 }, tat: start };
  }
  const remaining = Math.floor((rule.periodMs - (next - now)) / interval);
  return { decision: { allowed: true, retryAfterMs: 0, remaining }, tat: next };
}
