import type { Environment, MarketType, Venue } from "./contract.ts";
import { ExchangeError } from "./errors.ts";

type BaseUrls = Record<MarketType, string>;

/** Official hosts per environment (../shared/exchanges.md §1.1, §2.1, §3.1). */
const KNOWN: Record<Venue, Record<Exclude<Environment, "custom">, BaseUrls>> = {
  binance: {
    live: { spot: "https://api.binance.com", linear: "https://fapi.binance.com" },
    testnet: { spot: "https://testnet.binance.vision", linear: "https://testnet.binancefuture.com" },
    demo: { spot: "https://demo-api.binance.com", linear: "https://demo-fapi.binance.com" },
  },
  bybit: {
    live: { spot: "https://api.bybit.com", linear: "https://api.bybit.com" },
    testnet: { spot: "https://api-testnet.bybit.com", linear: "https://api-testnet.bybit.com" },
    demo: { spot: "https://api-demo.bybit.com", linear: "https://api-demo.bybit.com" },
  },
};

/** Regional and alternate hosts a custom base URL may point at (proxies must use one of these names or loopback). */
const ALLOWED_CUSTOM_HOSTS = new Set([
  ...Object.values(KNOWN).flatMap((envs) =>
    Object.values(envs).flatMap((urls) => Object.values(urls).map((u) => new URL(u).hostname)),
  ),
  "api1.binance.com",
  "api2.binance.com",
  "api3.binance.com",
  "api4.binance.com",
  "api-gcp.binance.com",
  "api.bytick.com",
  "api.bybit.nl",
  "api.bybit.tr",
  "api.bybit.kz",
  "api.bybitgeorgia.ge",
  "api.bybit.ae",
  "api.bybit.eu",
  "api.bybit.id",
]);

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * Where a key's requests go. A custom base URL is an SSRF door, so it may only name a venue host over https, or a
 * loopback address when the deployment allows local URLs (development and tests, where the simulator runs).
 */
export function resolveBaseUrls(
  venue: Venue,
  environment: Environment,
  customBaseUrl: string | null | undefined,
  options: { allowLocalUrls: boolean },
): BaseUrls {
  if (environment !== "custom") return KNOWN[venue][environment];
  const url = parseUrl(customBaseUrl, venue);
  const local = LOOPBACK.test(url.hostname);
  const allowed = local ? options.allowLocalUrls : url.protocol === "https:" && ALLOWED_CUSTOM_HOSTS.has(url.hostname);
  if (!allowed) {
    throw new ExchangeError(
      "not_supported",
      `Custom base URL ${url.origin} is not allowed: use an official ${venue === "binance" ? "Binance" : "Bybit"} host over https${options.allowLocalUrls ? " or a loopback address" : ""}.`,
      { venue },
    );
  }
  const base = url.origin + url.pathname.replace(/\/+$/, "");
  return { spot: base, linear: base };
}

export function isAllowedCustomBaseUrl(venue: Venue, customBaseUrl: string, allowLocalUrls: boolean): boolean {
  try {
    resolveBaseUrls(venue, "custom", customBaseUrl, { allowLocalUrls });
    return true;
  } catch {
    return false;
  }
}

function parseUrl(raw: string | null | undefined, venue: Venue): URL {
  try {
    if (!raw) throw new Error("missing");
    const url = new URL(raw);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("protocol");
    return url;
  } catch {
    throw new ExchangeError("not_supported", "A custom environment needs a valid http(s) base URL.", { venue });
  }
}
