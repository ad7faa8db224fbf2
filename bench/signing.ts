// Signing + request-building throughput for both venues, and the adapter's per-call overhead against the local
// simulator (adapter call vs a bare fetch of the same endpoint). Prints numbers; asserts nothing.

import { startSimulator } from "../sim/server.ts";
import { signRequest } from "../worker/exchanges/binance/signing.ts";
import { authHeaders, signBybit } from "../worker/exchanges/bybit/signing.ts";
import { createGateway } from "../worker/exchanges/gateway.ts";

const SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

async function opsPerSecond(label: string, iterations: number, body: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await body(i); // warm-up (JIT, imported-key cache)
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await body(i);
  const seconds = (performance.now() - started) / 1000;
  const rate = iterations / seconds;
  console.log(
    `${label.padEnd(48)} ${Math.round(rate).toLocaleString("en")} ops/s  (${((seconds * 1e6) / iterations).toFixed(1)} µs/op)`,
  );
  return rate;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

console.log("# request signing (Node 22, WebCrypto HMAC-SHA256)");
await opsPerSecond("binance: build + sign POST /api/v3/order", 20_000, (i) =>
  signRequest(
    "POST",
    {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.001",
      price: "95000.10",
      newClientOrderId: `bench-${i}`,
    },
    { apiSecret: SECRET },
    5000,
    1_700_000_000_000 + i,
  ),
);
await opsPerSecond("bybit: build + sign POST /v5/order/create", 20_000, async (i) => {
  const body = JSON.stringify({
    category: "linear",
    symbol: "BTCUSDT",
    side: "Buy",
    orderType: "Limit",
    qty: "0.001",
    price: "95000.1",
    orderLinkId: `bench-${i}`,
  });
  const input = { timestamp: 1_700_000_000_000 + i, apiKey: "XXXXXXXXXX", recvWindow: 5000, payload: body };
  return authHeaders(input, await signBybit("YYYYYYYYYY", input));
});

console.log("\n# adapter overhead against the simulator (loopback HTTP)");
const sim = await startSimulator({ port: 0, seed: 42 });
// Measure overhead, not the venues' budgets: lift the simulator's rate limits for this run.
await fetch(`${sim.url}/control/limits`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    binanceWeightPerMinute: 1_000_000_000,
    binanceOrdersPer10s: 1_000_000,
    bybitPerSecond: 1_000_000,
  }),
});
try {
  for (const venue of ["binance", "bybit"] as const) {
    const account = await (
      await fetch(`${sim.url}/control/accounts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ venue, spot: { USDT: "100000" }, futuresWallet: "100000" }),
      })
    ).json();
    const gateway = createGateway({
      venue,
      environment: "custom",
      customBaseUrls: { spot: sim.url, linear: sim.url },
      credentials: { apiKey: account.apiKey, apiSecret: account.apiSecret },
      allowLocalUrls: true,
    });
    const rawUrl =
      venue === "binance"
        ? `${sim.url}/api/v3/ticker/price?symbol=BTCUSDT`
        : `${sim.url}/v5/market/tickers?category=spot&symbol=BTCUSDT`;
    await gateway.markets("spot"); // warm the markets cache (and learn the venue's advertised limits)
    const raw: number[] = [];
    const viaAdapter: number[] = [];
    const signed: number[] = [];
    for (let i = 0; i < 300; i++) {
      let t = performance.now();
      await (await fetch(rawUrl)).text();
      raw.push(performance.now() - t);
      t = performance.now();
      await gateway.tickers("spot", ["BTCUSDT"]);
      viaAdapter.push(performance.now() - t);
      t = performance.now();
      await gateway.balances();
      signed.push(performance.now() - t);
    }
    console.log(
      `${venue.padEnd(8)} bare fetch ${median(raw).toFixed(2)} ms | adapter tickers ${median(viaAdapter).toFixed(2)} ms (overhead ${(median(viaAdapter) - median(raw)).toFixed(2)} ms) | signed balances ${median(signed).toFixed(2)} ms  (medians of 300)`,
    );
  }
} finally {
  await sim.close();
}
