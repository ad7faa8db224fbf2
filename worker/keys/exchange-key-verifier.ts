import type { ExchangeEnvironment, Venue } from "../../shared/api/exchanges.ts";
import { isExchangeError } from "../exchanges/errors.ts";
import { createGateway } from "../exchanges/gateway.ts";

export type ExchangeKeyPermissions = { canTrade: boolean; canWithdraw: boolean; spot: boolean; futures: boolean };

export type ExchangeKeyCheck = {
  venue: Venue;
  environment: ExchangeEnvironment;
  baseUrl: string | null;
  apiKey: string;
  apiSecret: string;
  /** The operator's extra hosts a custom base URL may use (EXCHANGE_EXTRA_HOSTS). */
  extraHosts: readonly string[];
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
 * The production verifier: a signed read of the key's permissions through the gateway (Binance apiRestrictions,
 * Bybit query-api). A venue that refuses the key rejects it; a venue we cannot reach leaves it unverified, and the
 * portfolio engine never trades with unverified keys.
 */
export const gatewayVerifier: ExchangeKeyVerifier = async (check) => {
  try {
    const gateway = createGateway({
      venue: check.venue,
      environment: check.environment,
      customBaseUrl: check.baseUrl,
      credentials: { apiKey: check.apiKey, apiSecret: check.apiSecret },
      extraHosts: check.extraHosts,
    });
    const permissions = await gateway.permissions();
    return {
      outcome: "verified",
      permissions: {
        canTrade: permissions.spotTrading || permissions.futuresTrading,
        canWithdraw: permissions.withdrawals,
        spot: permissions.spotTrading,
        futures: permissions.futuresTrading,
      },
    };
  } catch (error) {
    if (isExchangeError(error, "authentication") || isExchangeError(error, "permission")) {
      return { outcome: "rejected", reason: error.message };
    }
    if (isExchangeError(error)) return { outcome: "unavailable", reason: error.message };
    throw error;
  }
};
