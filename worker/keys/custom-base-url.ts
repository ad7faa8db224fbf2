import type { IssueRule } from "../../shared/api/error.ts";
import type { CreateExchangeKey, ExchangeEnvironment, MarketBaseUrls, Venue } from "../../shared/api/keys.ts";
import { customBaseUrlFor } from "../exchanges/endpoints.ts";
import { isExchangeError } from "../exchanges/errors.ts";
import { fieldIssue } from "../http/field-issue.ts";

type BaseUrlInput = Pick<CreateExchangeKey, "baseUrl" | "baseUrls">;

/**
 * The base URLs to store with a key: null for the standard environments; for `custom`, each market's normalised
 * allowed URL, null for a market the key has none for. `baseUrl` serves every market; `baseUrls` names Binance's spot
 * and futures hosts separately (Bybit has one host for both). The host policy (the venue's own hosts over https,
 * plus the operator's EXCHANGE_EXTRA_HOSTS) lives with the gateway in worker/exchanges/endpoints.ts, so what we store
 * is exactly what the gateway will accept.
 */
export function checkedBaseUrls(
  venue: Venue,
  environment: ExchangeEnvironment,
  input: BaseUrlInput,
  extraHosts: string[],
): MarketBaseUrls | null {
  const { baseUrl, baseUrls } = input;
  if (environment !== "custom") {
    if (baseUrl || baseUrls) invalid("baseUrl", "baseUrl and baseUrls are only accepted with environment `custom`.");
    return null;
  }
  if (baseUrl && baseUrls) invalid("baseUrls", "Give either baseUrl (every market) or baseUrls (each market).");
  if (baseUrls && venue === "bybit") invalid("baseUrls", "Bybit serves spot and futures from one host: give baseUrl.");
  if (baseUrl) {
    const url = allowed(venue, baseUrl, "baseUrl", extraHosts);
    return { spot: url, linear: url };
  }
  const spot = baseUrls?.spot ? allowed(venue, baseUrls.spot, "baseUrls.spot", extraHosts) : null;
  const linear = baseUrls?.linear ? allowed(venue, baseUrls.linear, "baseUrls.linear", extraHosts) : null;
  if (!spot && !linear) {
    invalid(
      baseUrls ? "baseUrls" : "baseUrl",
      venue === "binance"
        ? "Environment `custom` needs a baseUrl, or baseUrls with a spot and/or a futures (linear) URL."
        : "Environment `custom` needs a baseUrl.",
      "base_url_needed",
    );
  }
  return { spot, linear };
}

function allowed(venue: Venue, url: string, field: string, extraHosts: string[]): string {
  try {
    return customBaseUrlFor(venue, url, { extraHosts });
  } catch (error) {
    if (isExchangeError(error)) invalid(field, error.message);
    throw error;
  }
}

/** A 400 whose issue names the field, so a form shows the message next to it. */
function invalid(field: string, message: string, rule: IssueRule = "base_url_not_allowed"): never {
  throw fieldIssue(`json.${field}`, rule, message, { summary: message });
}
