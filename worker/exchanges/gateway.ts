import { createBinanceGateway } from "./binance/gateway.ts";
import { createBybitGateway } from "./bybit/gateway.ts";
import { ClockSync } from "./clock.ts";
import type { Environment, ExchangeGateway, MarketBaseUrls, MarketType, Venue } from "./contract.ts";
import { marketBaseUrl, resolveBaseUrls } from "./endpoints.ts";
import { VenueHttp } from "./http.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { type PriceReuse, withSharedMarketData } from "./shared-market-data.ts";

export type GatewayOptions = {
  venue: Venue;
  environment: Environment;
  /** `custom` only: each market's base URL (Binance splits spot and futures hosts; Bybit has one for both). */
  customBaseUrls?: MarketBaseUrls | null;
  /** Null for public market data only. */
  credentials: { apiKey: string; apiSecret: string } | null;
  recvWindowMs?: number;
  timeoutMs?: number;
  /** Custom base URL policy: loopback allowed (tests), and operator-listed `host:port` entries. */
  allowLocalUrls?: boolean;
  extraHosts?: readonly string[];
  fetch?: typeof fetch;
  /** Whether and how long a price or book top read before may be reused (worker/exchanges/shared-market-data.ts). */
  priceReuse?: PriceReuse;
};

/** What the factory hands a venue adapter: resolved URLs, settings and the shared transport per host. */
export type GatewayDeps = {
  /** Null for a market a custom key has no URL for. */
  baseUrls: MarketBaseUrls;
  /** A market's base URL; not_supported for a market the key has no URL for. */
  baseUrl(market: MarketType): string;
  recvWindowMs: number;
  timeoutMs: number;
  fetch: typeof fetch;
  /**
   * The transport for a market's host, shared by every gateway of this isolate that talks to that host, so clock
   * offset and rate-limit state are learnt once. `fetchServerTime` is used the first time the clock is synced.
   */
  http(market: MarketType, fetchServerTime: () => Promise<number>): VenueHttp;
};

export const DEFAULT_RECV_WINDOW_MS = 5_000;
export const DEFAULT_TIMEOUT_MS = 10_000;

const transports = new Map<string, VenueHttp>();

export function createGateway(options: GatewayOptions): ExchangeGateway {
  const baseUrls = resolveBaseUrls(options.venue, options.environment, options.customBaseUrls, {
    allowLocalUrls: options.allowLocalUrls ?? false,
    extraHosts: options.extraHosts ?? [],
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const deps: GatewayDeps = {
    baseUrls,
    baseUrl: (market) => marketBaseUrl(options.venue, baseUrls, market),
    recvWindowMs: options.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS,
    timeoutMs,
    fetch: doFetch,
    http(market, fetchServerTime) {
      const key = `${options.venue}|${baseUrls[market]}|${market}|${timeoutMs}`;
      const shared = options.fetch ? undefined : transports.get(key);
      if (shared) return shared;
      const http = new VenueHttp({
        venue: options.venue,
        fetch: doFetch,
        timeoutMs,
        clock: new ClockSync(fetchServerTime),
        limiter: new RateLimiter(),
      });
      if (!options.fetch) transports.set(key, http);
      return http;
    },
  };
  const gateway = options.venue === "binance" ? createBinanceGateway(options, deps) : createBybitGateway(options, deps);
  // A test's own fetch is its own world: nothing is shared with other gateways.
  if (options.fetch) return gateway;
  return withSharedMarketData(gateway, `${options.venue}|${baseUrls.spot}|${baseUrls.linear}`, options.priceReuse);
}

/** Forget learnt clock offsets and rate-limit blocks (tests, or after changing a key's environment). */
export function resetTransports(): void {
  transports.clear();
}
