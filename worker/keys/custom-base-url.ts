import type { ExchangeEnvironment, Venue } from "../../shared/api/keys.ts";
import { ApiError } from "../http/api-error.ts";

/**
 * A custom base URL would let a user point our signed requests anywhere (SSRF), so only the venues' own API hosts
 * are accepted, over https, plus the hosts an operator lists in EXCHANGE_EXTRA_HOSTS (e.g. the local simulator).
 * Source: /work/shared/exchanges.md §1.1 and the Bybit V5 section (base URLs per environment).
 */
const VENUE_HOSTS: Record<Venue, readonly string[]> = {
  binance: [
    "api.binance.com",
    "api-gcp.binance.com",
    "api1.binance.com",
    "api2.binance.com",
    "api3.binance.com",
    "api4.binance.com",
    "fapi.binance.com",
    "testnet.binance.vision",
    "testnet.binancefuture.com",
    "demo-api.binance.com",
    "demo-fapi.binance.com",
  ],
  bybit: ["api.bybit.com", "api.bytick.com", "api-testnet.bybit.com", "api-demo.bybit.com"],
};

/** The base URL to store: null for the standard environments, a normalised allowed origin for `custom`. */
export function checkedBaseUrl(
  venue: Venue,
  environment: ExchangeEnvironment,
  baseUrl: string | undefined,
  extraHosts: string[],
): string | null {
  if (environment !== "custom") {
    if (baseUrl) throw new ApiError("validation_failed", "baseUrl is only accepted with environment `custom`.");
    return null;
  }
  if (!baseUrl) throw new ApiError("validation_failed", "Environment `custom` needs a baseUrl.");
  const url = new URL(baseUrl);
  const extra = extraHosts.includes(url.host.toLowerCase());
  const known = url.protocol === "https:" && VENUE_HOSTS[venue].includes(url.hostname.toLowerCase());
  if (!known && !extra)
    throw new ApiError(
      "validation_failed",
      `baseUrl must be an https URL on a ${venue} API host (${VENUE_HOSTS[venue].join(", ")}).`,
    );
  if (url.username || url.password || url.search || url.hash)
    throw new ApiError("validation_failed", "baseUrl must not carry credentials, a query or a fragment.");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
