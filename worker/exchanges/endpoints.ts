import type { Environment, MarketBaseUrls, MarketType, Venue } from "./contract.ts";
import { ExchangeError } from "./errors.ts";
import { venueName } from "./http.ts";

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

/** Each venue's own hosts a custom base URL may point at: its environments plus alternate and regional hosts. */
const VENUE_HOSTS: Record<Venue, ReadonlySet<string>> = {
  binance: new Set([
    ...officialHosts("binance"),
    "api1.binance.com",
    "api2.binance.com",
    "api3.binance.com",
    "api4.binance.com",
    "api-gcp.binance.com",
  ]),
  bybit: new Set([
    ...officialHosts("bybit"),
    "api.bytick.com",
    "api.bybit.nl",
    "api.bybit.tr",
    "api.bybit.kz",
    "api.bybitgeorgia.ge",
    "api.bybit.ae",
    "api.bybit.eu",
    "api.bybit.id",
  ]),
};

function officialHosts(venue: Venue): string[] {
  return Object.values(KNOWN[venue]).flatMap((urls) => Object.values(urls).map((u) => new URL(u).hostname));
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

export type CustomUrlPolicy = {
  /** Any loopback address (tests and tools that start the simulator on a random port). */
  allowLocalUrls?: boolean;
  /** `host:port` entries an operator allows besides the venues' hosts, e.g. the local simulator `127.0.0.1:8790`. */
  extraHosts?: readonly string[];
};

/**
 * Where a key's requests go, per market. A custom base URL is an SSRF door, so each may only name one of this venue's
 * hosts over https, a host the operator listed, or a loopback address when the policy allows local URLs. Binance
 * serves spot and USDⓈ-M futures from separate hosts, so a custom Binance key may have a URL for one market only;
 * Bybit serves both from one host.
 */
export function resolveBaseUrls(
  venue: Venue,
  environment: Environment,
  custom: MarketBaseUrls | null | undefined,
  policy: CustomUrlPolicy,
): MarketBaseUrls {
  if (environment !== "custom") return KNOWN[venue][environment];
  const spot = custom?.spot ? customBaseUrlFor(venue, custom.spot, policy) : null;
  const linear = custom?.linear ? customBaseUrlFor(venue, custom.linear, policy) : null;
  if (!spot && !linear) throw new ExchangeError("not_supported", "A custom environment needs a base URL.", { venue });
  if (venue === "bybit" && spot !== linear) {
    throw new ExchangeError("not_supported", "Bybit serves spot and futures from one host: give one base URL.", {
      venue,
    });
  }
  return { spot, linear };
}

/** A market's base URL, or not_supported when a custom key has none for that market. */
export function marketBaseUrl(venue: Venue, baseUrls: MarketBaseUrls, market: MarketType): string {
  const url = baseUrls[market];
  if (url) return url;
  throw noMarketBaseUrl(venue, market);
}

export function noMarketBaseUrl(venue: Venue, market: MarketType): ExchangeError {
  const name = market === "spot" ? "spot" : "futures";
  return new ExchangeError(
    "not_supported",
    `This ${venueName(venue)} key has no ${name} base URL, so it cannot use ${name}: replace the key with a ${name} base URL to use it.`,
    { venue },
  );
}

/** The normalised custom base URL (origin + path, no trailing slash), or a not_supported error saying why not. */
export function customBaseUrlFor(venue: Venue, raw: string | null | undefined, policy: CustomUrlPolicy): string {
  const url = parseUrl(raw, venue);
  const listed = policy.extraHosts?.includes(url.host.toLowerCase()) ?? false;
  const local = LOOPBACK.test(url.hostname) && (policy.allowLocalUrls ?? false);
  const official = url.protocol === "https:" && VENUE_HOSTS[venue].has(url.hostname.toLowerCase());
  // The venues answer on the default https port only; another port on their host is some other service.
  if (official && url.port !== "" && !listed && !local) {
    throw new ExchangeError(
      "not_supported",
      `Custom base URL ${url.origin} is not allowed: ${venueName(venue)}'s API hosts are only reached on the default https port (443); remove ":${url.port}".`,
      { venue },
    );
  }
  if (!listed && !local && !official) {
    throw new ExchangeError(
      "not_supported",
      `Custom base URL ${url.origin} is not allowed: use an https URL on a ${venueName(venue)} API host (${[...VENUE_HOSTS[venue]].join(", ")}).`,
      { venue },
    );
  }
  return url.origin + url.pathname.replace(/\/+$/, "");
}

function parseUrl(raw: string | null | undefined, venue: Venue): URL {
  let url: URL;
  try {
    url = new URL(raw ?? "");
  } catch {
    throw new ExchangeError("not_supported", "A custom environment needs a valid http(s) base URL.", { venue });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ExchangeError("not_supported", "A custom base URL must use http or https.", { venue });
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ExchangeError("not_supported", "A custom base URL must not carry credentials, a query or a fragment.", {
      venue,
    });
  }
  return url;
}
