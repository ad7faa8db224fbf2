import type { ExchangeEnvironment, Venue } from "../../shared/api/keys.ts";

export type ExchangeKeyPermissions = { canTrade: boolean; canWithdraw: boolean; spot: boolean; futures: boolean };

export type ExchangeKeyCheck = {
  venue: Venue;
  environment: ExchangeEnvironment;
  baseUrl: string | null;
  apiKey: string;
  apiSecret: string;
};

export type ExchangeKeyVerification =
  | { outcome: "verified"; permissions: ExchangeKeyPermissions }
  | { outcome: "rejected"; reason: string }
  | { outcome: "unavailable"; reason: string };

/**
 * Checks a key against its venue with a signed read call (Binance apiRestrictions, Bybit query-api) and reports
 * its permissions. "rejected" means the venue refused the key; "unavailable" means we could not ask.
 */
export type ExchangeKeyVerifier = (check: ExchangeKeyCheck) => Promise<ExchangeKeyVerification>;

/**
 * The production verifier until the exchange gateway (worker/exchanges) provides a signed `permissions()` read.
 * It never pretends: keys are saved as "unverified", and the portfolio engine must not trade with unverified keys.
 */
export const gatewayPendingVerifier: ExchangeKeyVerifier = async () => ({
  outcome: "unavailable",
  reason: "Key verification with the exchange is not available yet; the key is saved as unverified.",
});
