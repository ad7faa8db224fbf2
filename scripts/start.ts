// `npm start`: build the UI, apply D1 migrations locally, start the exchange simulator, then serve API + UI with
// wrangler on 127.0.0.1 and seed demo data. Everything runs offline.
// Flags: --port N (default 8787), --sim-port N (default 8790), --state DIR (local D1/DO state, default
// .wrangler/state), --fresh (wipe that state first), --skip-build, --no-demo (no demo data), --extra-hosts H:P,...
// (more hosts allowed as custom exchange URLs, e.g. a closed loopback port the e2e tests use as an unreachable venue).
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { startSimulator } from "../sim/server.ts";
import { seedDemoData } from "./demo-data.ts";
import { offlineEnv, run } from "./process.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    "sim-port": { type: "string", default: "8790" },
    state: { type: "string", default: ".wrangler/state" },
    fresh: { type: "boolean", default: false },
    "skip-build": { type: "boolean", default: false },
    "no-demo": { type: "boolean", default: false },
    "extra-hosts": { type: "string", default: "" },
  },
});

const env = offlineEnv();
if (values.fresh) rmSync(values.state, { recursive: true, force: true });
if (!values["skip-build"]) await run("npm", ["run", "web:build"], env);
await run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", values.state], env);

// The simulator stands in for Binance, Bybit and the OpenAI-compatible providers (see sim/README.md).
const simulator = await startSimulator({ port: Number(values["sim-port"]), seed: 42 });
const simHost = new URL(simulator.url).host;
console.log(`exchange simulator on ${simulator.url}`);

// A usable offline app: development sign-in on (admin@ballast.local signs in as an administrator), a clearly-local
// master key for stored secrets (never a real one), and the simulator allowed as a custom exchange / AI base URL.
const LOCAL_VARS = {
  DEV_LOGIN: "true",
  ADMIN_EMAILS: "admin@ballast.local",
  MASTER_KEY: "local-development-master-key-not-a-secret",
  EXCHANGE_EXTRA_HOSTS: [simHost, `localhost:${simulator.port}`, values["extra-hosts"]].filter(Boolean).join(","),
  OPENAI_BASE_URL: simulator.url,
  GROQ_BASE_URL: `${simulator.url}/openai`,
};
const localVars = Object.entries(LOCAL_VARS).flatMap(([name, value]) => ["--var", `${name}:${value}`]);

const origin = `http://127.0.0.1:${values.port}`;
const wrangler = spawn(
  "wrangler",
  ["dev", "--ip", "127.0.0.1", "--port", values.port, "--persist-to", values.state, ...localVars],
  { stdio: "inherit", env },
);

// wrangler dev does not fire Cron Triggers by itself: tick the scheduled handler every minute like production.
// (Through Miniflare's /cdn-cgi/handler/scheduled: `--test-scheduled`'s /__scheduled would be answered by the
// SPA's assets, which only let /api/* reach the Worker.) A failed tick is reported once until one succeeds.
let tickFailing = false;
const cron = setInterval(async () => {
  const query = new URLSearchParams({ cron: "* * * * *", time: String(Date.now()), format: "json" });
  const failure = await fetch(`${origin}/cdn-cgi/handler/scheduled?${query}`)
    .then(async (response) => {
      const { outcome } = (await response.json()) as { outcome?: string };
      return outcome === "ok" ? null : `outcome ${outcome ?? `missing (HTTP ${response.status})`}`;
    })
    .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  if (failure && !tickFailing) console.error(`cron tick failed: ${failure}`);
  tickFailing = failure !== null;
}, 60_000);

let simulatorClosed = false;
const closeSimulator = async () => {
  if (simulatorClosed) return;
  simulatorClosed = true;
  await simulator.close();
};
const stop = async () => {
  clearInterval(cron);
  wrangler.kill("SIGTERM");
  await closeSimulator();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", async (code) => {
  clearInterval(cron);
  await closeSimulator();
  process.exit(code ?? 0);
});

if (!values["no-demo"]) {
  try {
    const summary = await seedDemoData({ origin, simulatorUrl: simulator.url });
    console.log(
      `demo data ready: sign in as ${summary.email} (keys ${summary.keys.join(", ")}; portfolios ${summary.portfolios.join(", ")})`,
    );
  } catch (error) {
    console.error(`demo data not seeded: ${error instanceof Error ? error.message : String(error)}`);
  }
}
