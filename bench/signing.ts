// Building + signing one order request inside workerd, ours against CCXT 4.5.84's `sign()` for the same request, then
// the adapters' per-call overhead against the local simulator (in Node). Prints numbers; asserts nothing, and exits
// non-zero only when the bench cannot run or the two sides disagree on a signature (the comparison would be void).
//
//   npm run bench:signing -- --rounds 31 --round-ms 50
//
// The workerd part bundles bench/signing-worker.ts the way wrangler bundles the app (same compatibility date and
// minification) and runs it on Miniflare directly. Each round times a batch of ours and a batch of CCXT's, each sized
// to take about --round-ms and timed inside the isolate (ours first in even rounds, CCXT first in odd ones); the
// ratio is taken per round and its median printed, so load from other processes on the machine mostly cancels out.
// workerd's clock advances in whole milliseconds, hence batches of tens of milliseconds rather than single calls.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";
import { offlineEnv, runQuiet } from "../scripts/process.ts";
import { startSimulator } from "../sim/server.ts";
import { createGateway } from "../worker/exchanges/gateway.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "31" }, "round-ms": { type: "string", default: "50" } },
});
const rounds = Number(values.rounds);
const roundMs = Number(values["round-ms"]);
if (!Number.isInteger(rounds) || rounds < 1 || !(roundMs > 0)) {
  console.error("--rounds takes an integer ≥ 1, --round-ms a number > 0");
  process.exit(2);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

type SigningWorker = {
  /** Runs `iterations` requests of one case inside the isolate; answers the isolate's own elapsed ms. */
  time(name: string, iterations: number): Promise<number>;
  check(): Promise<Record<"binance" | "bybit", SignatureCheck>>;
  close(): Promise<void>;
};
type SignatureCheck = { ccxtPayload: string; ccxtSignature: string; oursOverCcxtPayload: string; oursBody: string };

/** Bundles bench/signing-worker.ts with wrangler (in a temporary directory, removed on close) and starts it. */
async function startSigningWorker(): Promise<SigningWorker> {
  const scratch = mkdtempSync(path.join(tmpdir(), "ballast-signing-"));
  try {
    const app = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") }) as unknown as {
      compatibility_date?: string;
      minify?: boolean;
      keep_names?: boolean;
    };
    // CCXT's exchange base statically imports modules that only its other exchanges and transports use: protobufjs
    // (an optional peer dependency, not installed) and undici (Node's HTTP client, which needs node:sqlite). Neither
    // runs when sign() is called; an empty module stands in for each. nodejs_compat serves the node: imports of
    // ccxt's WebSocket client (also never run). It adds modules, not JavaScript speed.
    const stub = path.join(scratch, "empty-module.js");
    writeFileSync(stub, "export default {};\n");
    const config = path.join(scratch, "wrangler.json");
    writeFileSync(
      config,
      JSON.stringify({
        name: "ballast-signing-bench",
        main: path.join(ROOT, "bench/signing-worker.ts"),
        compatibility_date: app.compatibility_date,
        compatibility_flags: ["nodejs_compat"],
        minify: app.minify ?? false,
        keep_names: app.keep_names ?? true,
        alias: { "protobufjs/minimal": stub, "protobufjs/minimal.js": stub, undici: stub },
      }),
    );
    const outdir = path.join(scratch, "bundle");
    // Its output is shown only when it fails.
    await runQuiet("wrangler", ["deploy", "--dry-run", "--outdir", outdir, "--config", config], offlineEnv());
    const mf = new Miniflare({
      // Listed rather than discovered: the bundle keeps ccxt's dynamic imports, which Miniflare's scan refuses.
      modules: [{ type: "ESModule", path: path.join(outdir, "signing-worker.js") }],
      modulesRoot: outdir,
      compatibilityDate: app.compatibility_date,
      compatibilityFlags: ["nodejs_compat"],
    });
    const origin = (await mf.ready).origin;
    const get = async (pathname: string) => {
      const response = await mf.dispatchFetch(`${origin}${pathname}`);
      if (!response.ok) throw new Error(`bench worker ${pathname}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    return {
      time: async (name, iterations) =>
        ((await get(`/run?case=${name}&iterations=${iterations}`)) as { ms: number }).ms,
      check: async () => (await get("/check")) as Record<"binance" | "bybit", SignatureCheck>,
      close: async () => {
        await mf.dispose();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

const venues = [
  { name: "binance", request: "POST /api/v3/order" },
  { name: "bybit", request: "POST /v5/order/create" },
] as const;
const sides = ["ours", "ccxt"] as const;

const worker = await startSigningWorker();
try {
  const checks = await worker.check();
  let agreed = true;
  for (const venue of venues) {
    const check = checks[venue.name];
    const same = check.ccxtSignature === check.oursOverCcxtPayload;
    agreed &&= same;
    console.log(
      `check ${venue.name.padEnd(7)} ours = CCXT's HMAC over CCXT's payload: ${same ? "yes" : `NO (${check.ccxtSignature} vs ${check.oursOverCcxtPayload})`}`,
    );
    console.log(`  CCXT sends  ${check.ccxtPayload}`);
    console.log(`  ours sends  ${check.oursBody}`);
  }
  if (!agreed) throw new Error("the two sides sign differently: the timing comparison would be meaningless");

  // Warm up (JIT, key caches), then size each side's batch to take about --round-ms, so the two halves of a round
  // see the same stretch of machine load.
  const batch = new Map<string, number>();
  for (const venue of venues) {
    for (const side of sides) {
      const name = `${venue.name}-${side}`;
      for (let i = 0; i < 3; i++) await worker.time(name, 5_000);
      const msPerRequest = (await worker.time(name, 10_000)) / 10_000;
      batch.set(name, Math.max(500, Math.round(roundMs / Math.max(msPerRequest, 1e-4))));
    }
  }

  const perVenue = new Map(
    venues.map((v) => [v.name, { ours: [] as number[], ccxt: [] as number[], ratio: [] as number[] }]),
  );
  for (let round = 0; round < rounds; round++) {
    for (const venue of venues) {
      const microseconds = { ours: 0, ccxt: 0 };
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        const n = batch.get(`${venue.name}-${side}`) ?? 1;
        microseconds[side] = ((await worker.time(`${venue.name}-${side}`, n)) * 1000) / n;
      }
      const record = perVenue.get(venue.name);
      record?.ours.push(microseconds.ours);
      record?.ccxt.push(microseconds.ccxt);
      record?.ratio.push(microseconds.ccxt / microseconds.ours);
    }
  }

  console.log(
    `\n# build + sign an order request inside workerd (Miniflare): medians of ${rounds} alternating rounds of ~${roundMs} ms a side`,
  );
  for (const venue of venues) {
    const record = perVenue.get(venue.name);
    if (!record) continue;
    const ours = median(record.ours);
    const ccxt = median(record.ccxt);
    const ratios = [...record.ratio].sort((a, b) => a - b);
    console.log(
      `${venue.name.padEnd(7)} ${venue.request.padEnd(22)} ours ${ours.toFixed(2)} µs (${rate(ours)}/s) | CCXT 4.5.84 sign() ${ccxt.toFixed(2)} µs (${rate(ccxt)}/s) | ratio ${median(record.ratio).toFixed(2)}× (rounds ${ratios[0]?.toFixed(2)}–${ratios.at(-1)?.toFixed(2)}×)`,
    );
  }
} finally {
  await worker.close();
}

function rate(microseconds: number): string {
  return Math.round(1e6 / microseconds).toLocaleString("en");
}

console.log("\n# adapter overhead against the simulator (Node, loopback HTTP)");
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
        ? `${sim.url}/api/v3/ticker/24hr?symbol=BTCUSDT`
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
