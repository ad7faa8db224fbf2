// `npm start`: build the UI, apply D1 migrations locally, start the exchange simulator, then serve API + UI with
// wrangler on 127.0.0.1 and seed demo data. Everything runs offline. Flags: `npm start -- --help`.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { connect } from "node:net";
import { parseArgs } from "node:util";
import { startSimulator } from "../sim/server.ts";
import { seedDemoData } from "./demo-data.ts";
import { localVapidKeys } from "./local-vapid-keys.ts";
import { offlineEnv, run, runQuiet, waitFor } from "./process.ts";
import { passWranglerOutput } from "./wrangler-output.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    "sim-port": { type: "string", default: "8790" },
    state: { type: "string", default: ".wrangler/state" },
    fresh: { type: "boolean", default: false },
    "skip-build": { type: "boolean", default: false },
    "no-demo": { type: "boolean", default: false },
    "extra-hosts": { type: "string", default: "" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(`npm start -- [flags]: the whole app offline (UI build, local D1, exchange simulator, wrangler dev, demo data)

  --port N           the app (API + UI) on http://127.0.0.1:N (default 8787)
  --sim-port N       the exchange and AI simulator (default 8790)
  --state DIR        local D1 and Durable Object state (default .wrangler/state)
  --fresh            wipe that state first
  --skip-build       serve the UI already built in web/build
  --no-demo          no demo user, keys and portfolios (and no demo scenario in the simulator's prices)
  --extra-hosts H:P  more hosts allowed as custom exchange URLs, comma-separated
  -h, --help         this text`);
  process.exit(0);
}

const env = offlineEnv();
if (values.fresh) rmSync(values.state, { recursive: true, force: true });
if (!values["skip-build"]) await run("npm", ["run", "web:build"], env);
await runQuiet("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", values.state], env);
console.log(`local D1 (${values.state}): migrations applied`);

// The simulator stands in for Binance, Bybit and the OpenAI-compatible providers (see sim/README.md). With demo data,
// BTC and ETH follow its demo scenario (sim/engine/scenarios.ts): a market the demo futures portfolio trades in its
// first minutes. Without (--no-demo, as the e2e server runs), every symbol keeps the default seeded path.
const simulator = await startSimulator({
  port: Number(values["sim-port"]),
  seed: 42,
  scenario: values["no-demo"] ? null : "demo",
});
const simHost = new URL(simulator.url).host;
console.log(`exchange simulator on ${simulator.url}`);

// A usable offline app: development sign-in on (admin@ballast.local signs in as an administrator), a clearly-local
// master key for stored secrets (never a real one), and the simulator allowed as a custom exchange / AI base URL.
const vapid = await localVapidKeys(values.state);
const LOCAL_VARS = {
  DEV_LOGIN: "true",
  ADMIN_EMAILS: "admin@ballast.local",
  MASTER_KEY: "local-development-master-key-not-a-secret",
  EXCHANGE_EXTRA_HOSTS: [simHost, `localhost:${simulator.port}`, values["extra-hosts"]].filter(Boolean).join(","),
  OPENAI_BASE_URL: simulator.url,
  GROQ_BASE_URL: `${simulator.url}/openai`,
  // News and Fear & Greed from the simulator's feeds (sim/news/), which carry a few demo headlines.
  NEWS_FEEDS: ["coindesk", "cointelegraph", "decrypt"].map((feed) => `${simulator.url}/news/${feed}.xml`).join(","),
  FEAR_GREED_URL: simulator.url,
  // Notifications: Telegram's Bot API from the simulator (sim/notifications/), and a local Web Push key pair.
  TELEGRAM_API_BASE_URL: simulator.url,
  VAPID_PUBLIC_KEY: vapid.publicKey,
  VAPID_PRIVATE_KEY: vapid.privateKey,
};
const localVars = Object.entries(LOCAL_VARS).flatMap(([name, value]) => ["--var", `${name}:${value}`]);

const origin = `http://127.0.0.1:${values.port}`;
const wranglerArgs = ["dev", "--ip", "127.0.0.1", "--port", values.port, "--persist-to", values.state, ...localVars];

// wrangler dev before 4.131.1 exited on its own mid-session, with an empty "✘ [ERROR]", whenever one request failed
// inside its ProxyWorker (a browser's aborted request, a reused connection closed at the wrong moment:
// cloudflare/workers-sdk#15317); from 4.131.1 that request fails alone. The project's wrangler is 4.131.1, while
// @cloudflare/vitest-pool-workers keeps its own 4.116 for the tests. Should wrangler dev still exit, the local state is
// on disk, so the server is started again on the same port and state; an exit before it ever answered (a real
// configuration error) or a sixth one ends `npm start`. "Started" means answered, not a time.
const MAX_RESTARTS = 5;
const STARTUP_MS = 120_000;
let stopping = false;
let restarts = 0;
let wrangler: ChildProcess;

function startWrangler(): void {
  const startedAt = Date.now();
  let answered = false;
  wrangler = spawn("wrangler", wranglerArgs, { stdio: ["inherit", "pipe", "pipe"], env });
  waitFor(`${origin}/api/health`, STARTUP_MS).then(
    () => {
      answered = true;
    },
    () => undefined,
  );
  if (wrangler.stdout) passWranglerOutput(wrangler.stdout, process.stdout);
  if (wrangler.stderr) passWranglerOutput(wrangler.stderr, process.stderr);
  wrangler.on("exit", async (code, signal) => {
    const upMs = Date.now() - startedAt;
    if (!stopping && answered && restarts < MAX_RESTARTS) {
      restarts += 1;
      const how = signal ?? `code ${code}`;
      console.error(
        `wrangler dev exited on its own (${how}) after ${Math.round(upMs / 1000)} s; starting it again on the same port and state (${restarts}/${MAX_RESTARTS})`,
      );
      await portFree(Number(values.port));
      // Stopped (Ctrl+C) while waiting: end like any stop instead of starting it again.
      if (!stopping) return startWrangler();
    }
    clearInterval(cron);
    await closeSimulator();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

/** Waits (up to 10 s) until nothing answers on the port, so a restarted server can bind it. */
async function portFree(port: number): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (!listening) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

startWrangler();

// wrangler dev does not fire Cron Triggers by itself: tick the scheduled handler every minute like production.
// (Through Miniflare's /cdn-cgi/handler/scheduled: `--test-scheduled`'s /__scheduled would be answered by the
// SPA's assets, which only let /api/* reach the Worker.) A failed tick is reported once until one succeeds.
let tickFailing = false;
async function cronTick(): Promise<void> {
  const query = new URLSearchParams({ cron: "* * * * *", time: String(Date.now()), format: "json" });
  const failure = await fetch(`${origin}/cdn-cgi/handler/scheduled?${query}`)
    .then(async (response) => {
      const { outcome } = (await response.json()) as { outcome?: string };
      return outcome === "ok" ? null : `outcome ${outcome ?? `missing (HTTP ${response.status})`}`;
    })
    .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  if (failure && !tickFailing) console.error(`cron tick failed: ${failure}`);
  tickFailing = failure !== null;
}
const cron = setInterval(cronTick, 60_000);

let simulatorClosed = false;
const closeSimulator = async () => {
  if (simulatorClosed) return;
  simulatorClosed = true;
  await simulator.close();
};
const stop = async () => {
  stopping = true;
  clearInterval(cron);
  wrangler.kill("SIGTERM");
  await closeSimulator();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

if (!values["no-demo"]) {
  try {
    // One tick once the keys exist reads the simulator's news before the demo portfolios' first reviews.
    const summary = await seedDemoData({ origin, simulatorUrl: simulator.url, beforePortfolios: cronTick });
    console.log(
      `demo data ready: sign in as ${summary.email} (keys ${summary.keys.join(", ")}; portfolios ${summary.portfolios.join(", ")})`,
    );
    console.log(`\nBallast is running: open ${origin} and sign in as ${summary.email} (Ctrl+C stops it)`);
  } catch (error) {
    console.error(`demo data not seeded: ${error instanceof Error ? error.message : String(error)}`);
  }
} else {
  try {
    await waitFor(`${origin}/api/health`, 120_000);
    console.log(`\nBallast is running: open ${origin} (Ctrl+C stops it)`);
  } catch (error) {
    console.error(`the app is not answering yet: ${error instanceof Error ? error.message : String(error)}`);
  }
}
