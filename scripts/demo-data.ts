// Demo data for `npm start`: simulator accounts with fixed keys and balances, the demo user's exchange keys pointing
// at them, and two started paper portfolios (demo-portfolios.ts). Idempotent: keys and portfolios that already exist
// (from an earlier start) are left alone.
import { DEMO_PORTFOLIOS } from "./demo-portfolios.ts";
import { waitFor } from "./process.ts";

const DEMO_EMAIL = "admin@ballast.local";

const DEMO_ACCOUNTS = [
  {
    venue: "binance",
    label: "Simulator (Binance)",
    apiKey: "demo-binance-api-key-0001",
    apiSecret: "demo-binance-api-secret-0001",
  },
  {
    venue: "bybit",
    label: "Simulator (Bybit)",
    apiKey: "demo-bybit-api-key-0001",
    apiSecret: "demo-bybit-api-secret-0001",
  },
] as const;

const SPOT = { USDT: "10000", USDC: "2000", BTC: "0.05", ETH: "1.5", SOL: "20" };
/** Binance keeps futures money in a wallet of its own; a Bybit unified account has one wallet, its USDT serving both. */
const FUTURES_WALLET = { binance: "10000", bybit: undefined } as const;

export async function seedDemoData(options: {
  origin: string;
  simulatorUrl: string;
  /** Runs once the keys exist, before the portfolios start (the first cron tick: news for their first reviews). */
  beforePortfolios?: () => Promise<void>;
}) {
  await waitFor(`${options.origin}/api/health`, 120_000);
  for (const account of DEMO_ACCOUNTS) {
    await post(`${options.simulatorUrl}/control/accounts`, {
      venue: account.venue,
      apiKey: account.apiKey,
      apiSecret: account.apiSecret,
      spot: SPOT,
      futuresWallet: FUTURES_WALLET[account.venue],
    });
  }

  const signIn = await post(`${options.origin}/api/auth/dev`, { email: DEMO_EMAIL }, { origin: options.origin });
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const headers = { origin: options.origin, cookie };
  const existing = (await (await fetch(`${options.origin}/api/keys/exchange`, { headers })).json()) as {
    keys: { label: string }[];
  };
  const labels = new Set(existing.keys.map((k) => k.label));
  for (const account of DEMO_ACCOUNTS) {
    if (labels.has(account.label)) continue;
    await post(
      `${options.origin}/api/keys/exchange`,
      {
        venue: account.venue,
        environment: "custom",
        baseUrl: options.simulatorUrl,
        label: account.label,
        apiKey: account.apiKey,
        apiSecret: account.apiSecret,
      },
      headers,
    );
  }
  await options.beforePortfolios?.();
  // The simulator's demo scenario (sim/engine/scenarios.ts) counts from now, so the futures portfolio's first review
  // sees its setup and the next minutes its breakout, however long the app took to start.
  await post(`${options.simulatorUrl}/control/scenario`, { elapsedMs: 0 });
  const portfolios = await seedDemoPortfolios(options.origin, headers);
  return { email: DEMO_EMAIL, keys: DEMO_ACCOUNTS.map((a) => a.label), portfolios };
}

/** The demo portfolios (demo-portfolios.ts), started; skipped by name when they exist from an earlier start. */
async function seedDemoPortfolios(origin: string, headers: Record<string, string>): Promise<string[]> {
  const keys = (await (await fetch(`${origin}/api/keys/exchange`, { headers })).json()) as {
    keys: { id: string; label: string }[];
  };
  const existing = (await (await fetch(`${origin}/api/portfolios?limit=100`, { headers })).json()) as {
    portfolios: { name: string }[];
  };
  const names = new Set(existing.portfolios.map((p) => p.name));
  for (const demo of DEMO_PORTFOLIOS) {
    const key = keys.keys.find((k) => k.label === demo.key);
    if (!key || names.has(demo.body.name)) continue;
    const created = await post(`${origin}/api/portfolios`, { ...demo.body, exchangeKeyId: key.id }, headers);
    const { id } = (await created.json()) as { id: string };
    await post(`${origin}/api/portfolios/${id}/start`, {}, headers);
  }
  return DEMO_PORTFOLIOS.map((d) => d.body.name);
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${new URL(url).pathname} answered ${res.status}: ${await res.text()}`);
  return res;
}
