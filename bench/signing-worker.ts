// The Worker `npm run bench:signing` runs inside workerd: it times building + signing one order request, ours and
// CCXT's `sign()` for the same request, one case per call (`GET /run?case=&iterations=`), and answers the elapsed
// milliseconds measured in the isolate. Bench-only: CCXT is a devDependency and nothing under worker/ imports it.
// The deep imports skip ccxt's index (every exchange); its package `exports` map only allows the index, so they
// name the files.
import ccxtBinance from "../node_modules/ccxt/js/src/binance.js";
import ccxtBybit from "../node_modules/ccxt/js/src/bybit.js";
import { signPayload, signRequest } from "../worker/exchanges/binance/signing.ts";
import { authHeaders, signBybit } from "../worker/exchanges/bybit/signing.ts";

/** Binance's published example pair (exchanges.md §1.3), and the derived Bybit pair (§3.2). */
const BINANCE = {
  apiKey: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
  apiSecret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
};
const BYBIT = { apiKey: "XXXXXXXXXX", apiSecret: "YYYYYYYYYY" };
const RECV_WINDOW_MS = 5000;

// CCXT signs with the same keys and recvWindow; its nonce is Date.now() (no time-difference adjustment, nothing
// fetched), the same timestamp source as ours.
const ccxtOptions = { recvWindow: RECV_WINDOW_MS, adjustForTimeDifference: false };
const binance = new ccxtBinance({ apiKey: BINANCE.apiKey, secret: BINANCE.apiSecret, options: ccxtOptions });
const bybit = new ccxtBybit({ apiKey: BYBIT.apiKey, secret: BYBIT.apiSecret, options: ccxtOptions });

/** The spot limit order both sides build: the parameters rest.ts sends for POST /api/v3/order. */
const binanceOrder = (i: number) => ({
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  quantity: "0.001",
  price: "95000.10",
  newClientOrderId: `bench-${i}`,
});

/** The linear limit order both sides build for POST /v5/order/create. */
const bybitOrder = (i: number) => ({
  category: "linear",
  symbol: "BTCUSDT",
  side: "Buy",
  orderType: "Limit",
  qty: "0.001",
  price: "95000.1",
  orderLinkId: `bench-${i}`,
});

type Built = { url: string; body: string | undefined; headers: Record<string, string> };

/** What BinanceRest.send prepares for a signed POST (worker/exchanges/binance/rest.ts). */
function oursBinance(i: number): Built {
  const { query, body } = signRequest("POST", binanceOrder(i), BINANCE, RECV_WINDOW_MS, Date.now());
  const headers: Record<string, string> = { "X-MBX-APIKEY": BINANCE.apiKey };
  if (body) headers["Content-Type"] = "application/x-www-form-urlencoded";
  return { url: `https://api.binance.com/api/v3/order${query ? `?${query}` : ""}`, body: body || undefined, headers };
}

/** What BybitRest.signedPost prepares (worker/exchanges/bybit/rest.ts). */
function oursBybit(i: number): Built {
  const body = JSON.stringify(bybitOrder(i));
  const input = { timestamp: Date.now(), apiKey: BYBIT.apiKey, recvWindow: RECV_WINDOW_MS, payload: body };
  const headers = {
    Accept: "application/json",
    "Content-Type": "application/json",
    ...authHeaders(input, signBybit(BYBIT.apiSecret, input)),
  };
  return { url: "https://api.bybit.com/v5/order/create", body, headers };
}

const ccxtSign = (exchange: typeof binance | typeof bybit, path: string, params: Record<string, string>): Built =>
  exchange.sign(path, "private", "POST", params) as Built;

const cases: Record<string, (i: number) => Built> = {
  "binance-ours": oursBinance,
  "binance-ccxt": (i) => ccxtSign(binance, "order", binanceOrder(i)),
  "bybit-ours": oursBybit,
  "bybit-ccxt": (i) => ccxtSign(bybit, "v5/order/create", bybitOrder(i)),
};

/** Times `iterations` calls; the lengths are summed and returned so no call can be optimized away. */
function run(name: string, iterations: number): { ms: number; bytes: number } {
  const build = cases[name];
  if (!build) throw new Error(`unknown case ${name}`);
  let bytes = 0;
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const built = build(i);
    bytes += built.url.length + (built.body?.length ?? 0);
  }
  return { ms: performance.now() - started, bytes };
}

/**
 * CCXT computes its HMAC over its own payload (its parameter order: timestamp first, recvWindow last); ours must
 * give the same signature for those same bytes. Also shows one request of each side.
 */
function check(): Record<string, unknown> {
  const ccxtBinanceBuilt = ccxtSign(binance, "order", binanceOrder(1));
  const [ccxtBinancePayload = "", ccxtBinanceSignature] = (ccxtBinanceBuilt.body ?? "").split("&signature=");
  const ccxtBybitBuilt = ccxtSign(bybit, "v5/order/create", bybitOrder(1));
  const bybitInput = {
    timestamp: Number(ccxtBybitBuilt.headers["X-BAPI-TIMESTAMP"]),
    apiKey: BYBIT.apiKey,
    recvWindow: Number(ccxtBybitBuilt.headers["X-BAPI-RECV-WINDOW"]),
    payload: ccxtBybitBuilt.body ?? "",
  };
  const oursBinanceBuilt = oursBinance(1);
  return {
    binance: {
      ccxtPayload: ccxtBinancePayload,
      ccxtSignature: ccxtBinanceSignature,
      oursOverCcxtPayload: signPayload(BINANCE.apiSecret, ccxtBinancePayload, ""),
      oursBody: oursBinanceBuilt.body,
    },
    bybit: {
      ccxtPayload: ccxtBybitBuilt.body,
      ccxtSignature: ccxtBybitBuilt.headers["X-BAPI-SIGN"],
      oursOverCcxtPayload: signBybit(BYBIT.apiSecret, bybitInput),
      oursBody: oursBybit(1).body,
    },
  };
}

export default {
  fetch(request: Request): Response {
    const url = new URL(request.url);
    if (url.pathname === "/check") return Response.json(check());
    const name = url.searchParams.get("case") ?? "";
    const iterations = Number(url.searchParams.get("iterations") ?? "0");
    return Response.json(run(name, iterations));
  },
};
