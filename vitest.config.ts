import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { fetch, Headers, type Request, type Response } from "miniflare";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";
import { FORWARDED_HOST, SIMULATED_HOSTS } from "./sim/environments.ts";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * A request for one of the venues' official testnet or demo hosts, sent to the simulator instead, which serves that
 * site's real path layout and keys (sim/environments.ts). The worker still sees its https URL on the venue's host.
 */
async function toSimulator(request: Request, simUrl: string): Promise<Response> {
  const original = new URL(request.url);
  const headers = new Headers(request.headers);
  headers.delete("host");
  headers.set(FORWARDED_HOST, original.host);
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  return fetch(new URL(`${original.pathname}${original.search}`, simUrl), {
    method: request.method,
    headers,
    body,
    redirect: "manual",
  });
}

/** The simulator under both loopback names (tests use "localhost" for a second transport of the same venue). */
function simHosts(url: string): string {
  const { port } = new URL(url);
  return `127.0.0.1:${port},localhost:${port}`;
}

/**
 * wrangler.toml's `[alias]` as Vite aliases, so the worker under test resolves modules as the deployed bundle does:
 * vitest-pool-workers builds the worker with Vite, which does not read them. Like wrangler, each matches a whole
 * import specifier. (They apply to the simulator in globalSetup too, which is why it imports zod as a namespace.)
 */
function wranglerAliases(): { find: RegExp; replacement: string }[] {
  const config = unstable_readConfig({ config: path.join(import.meta.dirname, "wrangler.toml") });
  const aliases: Record<string, string> = config.alias ?? {};
  return Object.entries(aliases).map(([specifier, target]) => ({
    find: new RegExp(`^${specifier.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
    replacement: path.resolve(import.meta.dirname, target),
  }));
}

// Worker tests run inside workerd with real local D1 and Durable Objects.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    resolve: { alias: wranglerAliases() },
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          compatibilityFlags: ["service_binding_extra_handlers"],
          // Tests talk only to this machine (the simulator on loopback). The venues' testnet and demo hosts are
          // served by the simulator too; anything else, e.g. a key saved for a live venue, fails here like an
          // unreachable network, before any DNS lookup leaves the sandbox.
          outboundService: (request: Request) => {
            const { hostname, host, protocol } = new URL(request.url);
            // workerd applies the worker's own redirect mode to what comes back; following here would hide it.
            if (LOOPBACK.test(hostname)) return fetch(request, { redirect: "manual" });
            if (protocol === "https:" && SIMULATED_HOSTS.includes(host)) return toSimulator(request, inject("simUrl"));
            throw new Error(`tests may not reach ${host}: only loopback addresses and venue test hosts are allowed`);
          },
          // Explicit bindings win over anything a developer's .dev.vars might add.
          bindings: {
            TEST_MIGRATIONS: migrations,
            APP_VERSION: "0.1.0-test",
            LOG_LEVEL: "warn",
            // Identity and secrets (test/worker/identity): dev sign-in on, a fixed master key, a fixed admin email.
            DEV_LOGIN: "true",
            MASTER_KEY: "test-master-key-0123456789abcdef-not-a-real-secret",
            ADMIN_EMAILS: "admin@ballast.test",
            GOOGLE_CLIENT_ID: "ballast-test.apps.googleusercontent.com",
            // The exchange simulator started by test/setup/simulator.ts, reached over real loopback HTTP. Portfolio
            // Durable Objects read these bindings themselves, so the simulator must be an allowed custom base URL here.
            SIM_URL: inject("simUrl"),
            // The simulator running the demo scenario (test/worker/engine/demo-portfolio.test.ts).
            DEMO_SIM_URL: inject("demoSimUrl"),
            EXCHANGE_EXTRA_HOSTS: `${simHosts(inject("simUrl"))},${simHosts(inject("demoSimUrl"))}`,
            OPENAI_BASE_URL: inject("simUrl"),
            GROQ_BASE_URL: `${inject("simUrl")}/openai`,
            // Unconfirmed orders (timeout faults) resolve in a second and a half instead of ten.
            EXCHANGE_TIMEOUT_MS: "1500",
            // No feed reads on other tests' cron ticks; test/worker/market/news tests point them at the simulator.
            NEWS_FEEDS: "",
            FEAR_GREED_URL: "",
            NEWS_TIMEOUT_MS: "1000",
            // Notifications (test/worker/notifications): Telegram's Bot API and the push service are the simulator's;
            // a fixed VAPID pair made for tests only.
            TELEGRAM_API_BASE_URL: inject("simUrl"),
            VAPID_PUBLIC_KEY: "BJ2dk7ku1JnakcJ8oulDiVyyRMLrGhLdnS1LCK00Ry6taA4SUz1FNWauxYXwz8NA7NkaVa4Z_tFtBdU_oKy8VgU",
            VAPID_PRIVATE_KEY: "oZm7nWKn1ZBKNeNmpb_ezItWqqKm_wFQBPUs1hnyAL8",
          },
        },
      })),
    ],
    test: {
      include: ["test/worker/**/*.test.ts"],
      // Reviews talk to the simulator over HTTP, with 1.5 s exchange timeouts and held answers on purpose; on a
      // slow, shared CI machine such a test takes several times its local 1–4 s, past vitest's 5 s default.
      testTimeout: 30_000,
      hookTimeout: 30_000,
      setupFiles: ["./test/setup/apply-migrations.ts"],
      globalSetup: ["./test/setup/simulator.ts"],
    },
  };
});
