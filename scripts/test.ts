// `npm test`: every check and test suite, then one summary line `N passed, N failed` over all runners.
// Lint, typecheck and build count as one check each; suites count their tests from their JSON reports.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { CHROMIUM_PATH, ensureChromium } from "./chromium.ts";
import { offlineEnv, runStatus } from "./process.ts";
import {
  playwrightFailures,
  playwrightFlaky,
  playwrightTally,
  type Tally,
  vitestFailures,
  vitestTally,
} from "./test-reports.ts";

// Failed tests (and e2e tests that passed only on retry) by name, printed again after the summary.
const failures: string[] = [];
const flaky: string[] = [];
const REPORTS = path.resolve("artifacts/reports");
rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });
const env = offlineEnv({ FORCE_COLOR: process.env.CI ? "0" : "1" });
const results: { name: string; tally: Tally }[] = [];

// Said first, so nobody is surprised minutes later: the browser tests need Debian's Chromium (scripts/chromium.ts).
if (!existsSync(CHROMIUM_PATH))
  console.log(
    process.getuid?.() === 0
      ? `Chromium is missing (${CHROMIUM_PATH}): the browser tests will install Debian's chromium with apt-get when they start.`
      : `Chromium is missing (${CHROMIUM_PATH}): the browser tests will not run until it is installed (sudo apt-get install -y chromium).`,
  );

async function check(name: string, command: string, args: string[]): Promise<boolean> {
  console.log(`\n▶ ${name}`);
  const code = await runStatus(command, args, env);
  const ok = code === 0;
  results.push({ name, tally: { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 } });
  if (!ok) failures.push(`${name}: exited with code ${code} (its output is above)`);
  return ok;
}

/** Records a suite's tally. A runner that wrote no report, or exited non-zero without a failed test in it (it
 * crashed), counts as failed. */
function record(name: string, code: number, tally: Tally | null): void {
  const counted = tally ?? { passed: 0, failed: 0, skipped: 0 };
  if (!tally || (code !== 0 && counted.failed === 0)) {
    counted.failed = Math.max(counted.failed, 1);
    const what = tally ? "without a failed test in its report" : "without writing its report";
    failures.push(`${name}: exited with code ${code} ${what} (its output is above)`);
  }
  results.push({ name, tally: counted });
}

async function vitestSuite(name: string, config: string): Promise<void> {
  console.log(`\n▶ ${name}`);
  const report = `${REPORTS}/${name.replaceAll(" ", "-")}.json`;
  const code = await runStatus(
    "vitest",
    ["run", "--config", config, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    env,
  );
  const json = existsSync(report) ? JSON.parse(readFileSync(report, "utf8")) : null;
  if (json) failures.push(...vitestFailures(name, json));
  record(name, code, json ? vitestTally(json) : null);
}

async function playwrightSuite(name: string, config = "playwright.config.ts"): Promise<void> {
  console.log(`\n▶ ${name}`);
  const report = `${REPORTS}/${name.replaceAll(" ", "-")}.json`;
  const code = await runStatus("playwright", ["test", "--config", config], {
    ...env,
    PLAYWRIGHT_JSON_OUTPUT_NAME: report,
  });
  const json = existsSync(report) ? JSON.parse(readFileSync(report, "utf8")) : null;
  if (json) {
    failures.push(...playwrightFailures(name, json));
    flaky.push(...playwrightFlaky(name, json));
  }
  record(name, code, json ? playwrightTally(json) : null);
}

await check("lint", "biome", ["check", "."]);
await check("typecheck", "npm", ["run", "typecheck"]);
await vitestSuite("worker tests", "vitest.config.ts");
await vitestSuite("simulator tests", "sim/vitest.config.ts");
// The web config extends SvelteKit's generated tsconfig, which a fresh clone does not have yet.
await runStatus("npm", ["run", "web:sync"], env);
await vitestSuite("web unit tests", "web/vitest.config.ts");
const built = await check("build", "npm", ["run", "web:build"]);
const chromium = await ensureChromium();
const notRun = !built ? "the build failed" : !chromium.ok ? chromium.reason : null;
if (notRun) {
  console.log(`\n✗ e2e not run: ${notRun}`);
  results.push({ name: "e2e", tally: { passed: 0, failed: 1, skipped: 0 } });
  failures.push(`e2e: not run: ${notRun}`);
} else {
  await playwrightSuite("e2e");
  // The app as `npm start` runs it, with its demo data (e2e/demo).
  await playwrightSuite("e2e demo", "playwright.demo.config.ts");
}

const total = results.reduce(
  (sum, r) => ({
    passed: sum.passed + r.tally.passed,
    failed: sum.failed + r.tally.failed,
    skipped: sum.skipped + r.tally.skipped,
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log("\nSummary by runner:");
for (const r of results) console.log(`  ${r.name}: ${r.tally.passed} passed, ${r.tally.failed} failed`);
if (flaky.length) console.log(`\nPassed only on retry:\n${flaky.map((f) => `  ↻ ${f}`).join("\n")}`);
if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ✗ ${f}`).join("\n")}`);
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
process.exit(total.failed === 0 ? 0 : 1);
