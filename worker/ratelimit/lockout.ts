/**
 * A lockout after repeated failures: `maxAttempts` tries, then nothing for `lockMs`, doubling with each lockout in a
 * row up to `maxLockMs`, so a patient guesser gets a few tries a day rather than a few per quarter hour. A success
 * clears it (the caller says so).
 */
export type LockoutRule = { maxAttempts: number; lockMs: number; maxLockMs: number };

export type LockoutState = { attempts: number; lockouts: number; lockedUntil: number | null };

/**
 * `allowed: false` while locked; `lockedUntil` is then when the lock ends. An allowed attempt that used the last try
 * carries the lock that stands if it fails, so the caller can say so at once.
 */
export type LockoutDecision = { allowed: boolean; lockedUntil: number | null };

/**
 * Counts the attempt before its outcome is known: concurrent attempts each take a try, so sending many at once does
 * not get more than `maxAttempts` past the check.
 */
export function attempt(
  rule: LockoutRule,
  stored: LockoutState | null,
  now: number,
): { decision: LockoutDecision; state: LockoutState } {
  const state = stored ?? { attempts: 0, lockouts: 0, lockedUntil: null };
  if (state.lockedUntil !== null && now < state.lockedUntil)
    return { decision: { allowed: false, lockedUntil: state.lockedUntil }, state };
  const attempts = state.attempts + 1;
  if (attempts < rule.maxAttempts)
    return { decision: { allowed: true, lockedUntil: null }, state: { ...state, attempts, lockedUntil: null } };
  const lockouts = state.lockouts + 1;
  const lockedUntil = now + Math.min(rule.maxLockMs, rule.lockMs * 2 ** (lockouts - 1));
  return { decision: { allowed: true, lockedUntil }, state: { attempts: 0, lockouts, lockedUntil } };
}
