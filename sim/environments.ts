import type { MiddlewareHandler } from "hono";
import { binanceHosts } from "./binance/hosts.ts";
import { bybitHosts } from "./bybit/hosts.ts";
import type { SimEnvironment, SimVenue } from "./engine/types.ts";
import type { SimState } from "./state.ts";

/**
 * The venues' official testnet and demo sites, served in their real path layout. Worker tests route requests for
 * these hosts (and only these: never a live host) to the simulator, naming the host in `X-Forwarded-Host`
 * (vitest.config.ts). Such a request reaches only the paths that site really serves and authenticates only keys of
 * that site's environment; a request without the header is the `live` environment (a custom base URL).
 */

export const FORWARDED_HOST = "X-Forwarded-Host";

export type VenueHost = {
  host: string;
  venue: SimVenue;
  environment: SimEnvironment;
  serves(pathname: string): boolean;
  /** The venue's own answer for a path this site does not serve. */
  notServed(pathname: string, serverTime: number): Response;
};

const SITES = new Map([...binanceHosts, ...bybitHosts].map((site) => [site.host, site]));

export const SIMULATED_HOSTS: readonly string[] = [...SITES.keys()];

/** The environment a request reaches: its forwarded venue site's, or `live` when it came straight here. */
export function requestEnvironment(forwardedHost: string | undefined): SimEnvironment {
  if (!forwardedHost) return "live";
  return SITES.get(forwardedHost.toLowerCase())?.environment ?? "live";
}

/** Refuses what a forwarded site does not serve, before any venue module sees the request. */
export function environmentGate(state: SimState): MiddlewareHandler {
  return async (c, next) => {
    const forwarded = c.req.header(FORWARDED_HOST);
    if (!forwarded) return next();
    const site = SITES.get(forwarded.toLowerCase());
    if (!site) return c.text(`The simulator does not serve ${forwarded}.`, 421);
    const { pathname } = new URL(c.req.url);
    if (!site.serves(pathname)) return site.notServed(pathname, state.exchanges[site.venue].now());
    return next();
  };
}
