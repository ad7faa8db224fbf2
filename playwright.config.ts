import { defineConfig } from "@playwright/test";

const PORT = 8799;

// Debian's Chromium, started with the flags this closed network needs; the app runs from a fresh local state.
export default defineConfig({
  testDir: "e2e",
  // e2e/demo needs the app with its demo data: playwright.demo.config.ts runs it.
  testIgnore: ["demo/**"],
  outputDir: "artifacts/e2e-results",
  timeout: 60_000,
  workers: 1,
  // One retry, for the dev server: wrangler dev can exit mid-run (see scripts/start.ts, which starts it again), and
  // the test in flight then fails through no fault of its own. `npm test` lists every test that passed only on retry.
  retries: 1,
  reporter: [["list"], ["json"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `node scripts/start.ts --skip-build --fresh --no-demo --port ${PORT} --sim-port 8798 --extra-hosts 127.0.0.1:9 --state artifacts/e2e-state`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
