import type { RateRule } from "./gcra.ts";

/**
 * Named limits. `login` is counted per IP (there is no user yet); the others per user when signed in, per IP when not.
 * `twoFactor` is tight because a 6-digit code must not be guessable by brute force.
 */
export const RATE_PRESETS = {
  login: { limit: 5, periodMs: 60_000 },
  twoFactor: { limit: 5, periodMs: 60_000 },
  sensitive: { limit: 10, periodMs: 60_000 },
  write: { limit: 30, periodMs: 60_000 },
  read: { limit: 120, periodMs: 60_000 },
} as const satisfies Record<string, RateRule>;

export type RatePreset = keyof typeof RATE_PRESETS;
