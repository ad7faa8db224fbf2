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

const wrangler = spawn(
  "wrangler",
  ["dev", "--ip", "127.0.0.1", "--port", values.port, "--persist-to", values.state, "--test-scheduled"],
  { stdio: "inherit", env },
);
const stop = () => wrangler.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", (code) => process.exit(code ?? 0));
