import type { ExchangeEnvironment, MarketBaseUrls, Venue } from "../../shared/api/exchanges.ts";
import { isExchangeError } from "../exchanges/errors.ts";
import { createGateway } from "../exchanges/gateway.ts";

export type ExchangeKeyPermissions = { canTrade: boolean; canWithdraw: boolean; spot: boolean; futures: boolean };

export type ExchangeKeyCheck = {
  venue: Venue;
  environment: ExchangeEnvironment;
  /** `custom` only: each market's base URL. */
  baseUrls: MarketBaseUrls | null;
  apiKey: string;
  apiSecret: string;
  /** The operator's extra hosts a custom base URL may use (EXCHANGE_EXTRA_HOSTS). */
  extraHosts: readonly string[];
};

export type ExchangeKeyVerification =
  /** `note`: what the environment could not report and was inferred instead (shown with the key). */
  | { outcome: "verified"; permissions: ExchangeKeyPermissions; note?: string | null }
  | { outcome: "rejected"; reason: string }
  | { outcome: "unavailable"; reason: string };

/**
 * Checks a key against its venue with a signed read its environment serves and reports its permissions. "rejected"
 * means the venue refused the key; "unavailable" means we could not ask.
 */
export type ExchangeKeyVerifier = (check: ExchangeKeyCheck) => Promise<ExchangeKeyVerification>;

/**
 * The production verifier: the gateway's permission check, which each venue adapter asks in a way the key's
 * environment serves (live sites report the key's permissions; testnet and demo sites are read per market or
 * assumed, with a note). A venue that refuses the key rejects it; a venue we cannot reach leaves it unverified, and
 * the portfolio engine never trades with unverified keys.
 */
export const gatewayVerifier: ExchangeKeyVerifier = async (check) => {
  try {
    const gateway = createGateway({
      venue: check.venue,
      environment: check.environment,
      customBaseUrls: check.baseUrls,
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
      note: permissions.note,
    };
  } catch (error) {
    if (isExchangeError(error, "authentication") || isExchangeError(error, "permission")) {
      return { outcome: "rejected", reason: error.message };
    }
    if (isExchangeError(error)) return { outcome: "unavailable", reason: error.message };
    throw error;
  }
};
