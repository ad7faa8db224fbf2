// `npm start`: build the UI, apply D1 migrations locally, then serve API + UI with wrangler on 127.0.0.1.
// Flags: --port N (default 8787), --state DIR (local D1/DO state, default .wrangler/state), --skip-build.
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { offlineEnv, run } from "./process.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    state: { type: "string", default: ".wrangler/state" },
    "skip-build": { type: "boolean", default: false },
  },
});

const env = offlineEnv();
if (!values["skip-build"]) await run("npm", ["run", "web:build"], env);
await run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", values.state], env);

// A usable offline app: development sign-in on (admin@ballast.local signs in as an administrator), a clearly-local
// master key for stored secrets (never a real one), and the local exchange simulator (`npm run sim`, port 8790)
// allowed as a custom base URL.
const LOCAL_VARS = {
  DEV_LOGIN: "true",
  ADMIN_EMAILS: "admin@ballast.local",
  MASTER_KEY: "local-development-master-key-not-a-secret",
  EXCHANGE_EXTRA_HOSTS: "127.0.0.1:8790,localhost:8790",
};
const localVars = Object.entries(LOCAL_VARS).flatMap(([name, value]) => ["--var", `${name}:${value}`]);

const origin = `http://127.0.0.1:${values.port}`;
const wrangler = spawn(
  "wrangler",
  ["dev", "--ip", "127.0.0.1", "--port", values.port, "--persist-to", values.state, "--test-scheduled", ...localVars],
  { stdio: "inherit", env },
);

// wrangler dev does not fire Cron Triggers by itself: tick the scheduled handler every minute like production.
const cron = setInterval(() => {
  fetch(`${origin}/__scheduled?cron=${encodeURIComponent("* * * * *")}`).catch(() => {});
}, 60_000);

const stop = () => {
  clearInterval(cron);
  wrangler.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", (code) => {
  clearInterval(cron);
  process.exit(code ?? 0);
});
