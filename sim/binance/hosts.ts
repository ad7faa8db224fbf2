import type { VenueHost } from "../environments.ts";

/**
 * Binance's testnet and demo sites, each serving only its own path family (testnet/rest-api.md: "The Spot Testnet
 * only supports /api/* endpoints"; demo-mode/general-info.md): spot sites `/api/*`, USDⓈ-M sites `/fapi/*`, never
 * `/sapi/*`. The spot and futures testnets are separate sites with separate accounts; one demo account works on both
 * demo sites.
 */

/** What Binance's front end answers for a path the site does not serve (HTML, not a `{code, msg}` body). */
function notFound(): Response {
  return new Response("<html><body><h2>404 Not found</h2></body></html>", {
    status: 404,
    headers: { "Content-Type": "text/html" },
  });
}

const spotPaths = (pathname: string) => pathname.startsWith("/api/");
const futuresPaths = (pathname: string) => pathname.startsWith("/fapi/");

export const binanceHosts: VenueHost[] = [
  {
    host: "testnet.binance.vision",
    venue: "binance",
    environment: "spot-testnet",
    serves: spotPaths,
    notServed: notFound,
  },
  {
    host: "testnet.binancefuture.com",
    venue: "binance",
    environment: "futures-testnet",
    serves: futuresPaths,
    notServed: notFound,
  },
  { host: "demo-api.binance.com", venue: "binance", environment: "demo", serves: spotPaths, notServed: notFound },
  { host: "demo-fapi.binance.com", venue: "binance", environment: "demo", serves: futuresPaths, notServed: notFound },
];
