import type { VenueHost } from "../environments.ts";

/**
 * Bybit's testnet is a full V5 environment; demo trading serves only a subset (docs/v5/demo.mdx) and answers the
 * rest with retCode 10032 "Demo trading are not supported." in an ordinary HTTP 200 envelope (as ccxt/ccxt#23232
 * shows for asset/coin/query-info). Each has its own accounts: a key works only on the environment it was made in.
 */

const DEMO_PATHS = new Set([
  "/v5/order/create",
  "/v5/order/amend",
  "/v5/order/cancel",
  "/v5/order/cancel-all",
  "/v5/order/realtime",
  "/v5/order/history",
  "/v5/execution/list",
  "/v5/position/list",
  "/v5/position/set-leverage",
  "/v5/position/switch-mode",
  "/v5/position/trading-stop",
  "/v5/position/set-auto-add-margin",
  "/v5/position/add-margin",
  "/v5/position/closed-pnl",
  "/v5/account/wallet-balance",
  "/v5/account/borrow-history",
  "/v5/account/set-collateral-switch",
  "/v5/account/collateral-info",
  "/v5/account/info",
  "/v5/account/transaction-log",
  "/v5/account/set-margin-mode",
  "/v5/account/set-hedging-mode",
  "/v5/account/demo-apply-money",
  "/v5/asset/delivery-record",
  "/v5/asset/settlement-record",
]);

const v5Paths = (pathname: string) => pathname.startsWith("/v5/");
const demoPaths = (pathname: string) => pathname.startsWith("/v5/market/") || DEMO_PATHS.has(pathname);

/** A path outside V5 altogether: a bare 404 from the gateway. */
function notFound(): Response {
  return new Response("", { status: 404 });
}

function notOnDemo(pathname: string, serverTime: number): Response {
  if (!v5Paths(pathname)) return notFound();
  const body = {
    retCode: 10032,
    retMsg: "Demo trading are not supported.",
    result: {},
    retExtInfo: {},
    time: serverTime,
  };
  return Response.json(body, { status: 200 });
}

export const bybitHosts: VenueHost[] = [
  { host: "api-testnet.bybit.com", venue: "bybit", environment: "testnet", serves: v5Paths, notServed: notFound },
  { host: "api-demo.bybit.com", venue: "bybit", environment: "demo", serves: demoPaths, notServed: notOnDemo },
];
