import type { ExchangeEnvironment, Venue } from "../../shared/api/exchanges.ts";
import { customBaseUrlFor } from "../exchanges/endpoints.ts";
import { isExchangeError } from "../exchanges/errors.ts";
import { ApiError } from "../http/api-error.ts";

/**
 * The base URL to store with a key: null for the standard environments, a normalised allowed URL for `custom`.
 * The host policy (the venue's own hosts over https, plus the operator's EXCHANGE_EXTRA_HOSTS) lives with the
 * gateway in worker/exchanges/endpoints.ts, so what we store is exactly what the gateway will accept.
 */
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
  try {
    return customBaseUrlFor(venue, baseUrl, { extraHosts });
  } catch (error) {
    if (isExchangeError(error)) throw new ApiError("validation_failed", error.message);
    throw error;
  }
}
