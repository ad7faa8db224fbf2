import { ApiError } from "../http/api-error.ts";
import type { LockoutRule } from "../ratelimit/lockout.ts";

/**
 * Wrong 2FA codes counted per account, whatever IP or route they come through (sign-in, verify, disable), so
 * rotating IPs does not buy more guesses: 5 tries, then locked for 15 minutes, doubling per lockout up to a day.
 * Recovery codes count too. A correct code clears it, but not while the lock stands.
 */
const RULE: LockoutRule = { maxAttempts: 5, lockMs: 15 * 60_000, maxLockMs: 24 * 3_600_000 };

export type TwoFactorAttempts = {
  /** Takes one try; throws the 429 while the account is locked. Answers the lock that stands if this try fails. */
  begin(userId: string, now: Date): Promise<{ lockedUntil: number | null }>;
  succeeded(userId: string): Promise<void>;
};

export function twoFactorAttempts(limiters: Env["RATE_LIMITER"]): TwoFactorAttempts {
  const limiter = (userId: string) => limiters.getByName(`twoFactorLockout:user:${userId}`);
  return {
    async begin(userId, now) {
      const decision = await limiter(userId).attemptLockout(RULE, now.getTime());
      if (!decision.allowed && decision.lockedUntil !== null) throw twoFactorLocked(decision.lockedUntil, now);
      return { lockedUntil: decision.lockedUntil };
    },
    async succeeded(userId) {
      await limiter(userId).clearLockout();
    },
  };
}

export function twoFactorLocked(lockedUntil: number, now: Date): ApiError {
  const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil - now.getTime()) / 1000));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new ApiError(
    "two_factor_locked",
    `Too many wrong two-factor codes for this account: codes are not accepted for ${minutes} min (until ${new Date(lockedUntil).toISOString()}), not even a correct one. Try again then.`,
    {
      status: 429,
      details: { retryAfterSeconds, lockedUntil: new Date(lockedUntil).toISOString() },
      headers: { "Retry-After": String(retryAfterSeconds) },
    },
  );
}
