import type { RateRule } from "./gcra.ts";

/**
 * Named limits. `login` is counted per IP (there is no user yet); the others per user when signed in, per IP when not.
 * `twoFactor` is tight because a 6-digit code must not be guessable by brute force. `aiReplay` is counted per portfolio
 * by the replay service itself (enforceRateLimit), once it knows the replay asks an AI.
 */
export const RATE_PRESETS = {
  login: { limit: 5, periodMs: 60_000 },
  twoFactor: { limit: 5, periodMs: 60_000 },
  sensitive: { limit: 10, periodMs: 60_000 },
  write: { limit: 30, periodMs: 60_000 },
  read: { limit: 120, periodMs: 60_000 },
  // What-if replays decided by a portfolio's AI, per portfolio: each is a billed AI request.
  aiReplay: { limit: 10, periodMs: 3_600_000 },
} as const satisfies Record<string, RateRule>;

export type RatePreset = keyof typeof RATE_PRESETS;
