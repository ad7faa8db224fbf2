import { defineConfig } from "@playwright/test";
import base from "./playwright.config.ts";

const PORT = 8797;
const SIM_PORT = 8796;

// The app as `npm start` runs it, WITH demo data (user, keys, portfolios, the simulator's demo scenario), on ports of
// its own, for the specs in e2e/demo. Like the main suite, only one run at a time on a machine (fixed ports).
export default defineConfig({
  ...base,
  testDir: "e2e/demo",
  testIgnore: [],
  outputDir: "artifacts/e2e-results/demo",
  use: { ...base.use, baseURL: `http://127.0.0.1:${PORT}` },
  webServer: {
    command: `node scripts/start.ts --skip-build --fresh --port ${PORT} --sim-port ${SIM_PORT} --state artifacts/e2e-demo-state`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
