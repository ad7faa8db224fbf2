// Demo data for `npm start`: simulator accounts with fixed keys and balances, the demo user's exchange keys pointing
// at them, and two started paper portfolios. Idempotent: keys and portfolios that already exist (from an earlier
// start) are left alone.
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
  const portfolios = await seedDemoPortfolios(options.origin, headers);
  return { email: DEMO_EMAIL, keys: DEMO_ACCOUNTS.map((a) => a.label), portfolios };
}

/**
 * Paper portfolios on the demo keys, started, so the dashboard has something running: a spot rebalance with the
 * built-in strategy on the Binance simulator and a futures trend portfolio on the Bybit one. Skipped by name when
 * they exist from an earlier start.
 */
const DEMO_PORTFOLIOS = [
  {
    key: "Simulator (Binance)",
    body: {
      name: "Demo spot (paper)",
      market: "spot",
      cashToken: "USDT",
      tokens: [
        { token: "BTC", minAllocation: 20, targetAllocation: 40 },
        { token: "ETH", minAllocation: 10, targetAllocation: 30 },
        { token: "SOL", minAllocation: 5, targetAllocation: 10 },
      ],
      reviewInterval: "1h",
      paper: true,
      paperCapital: "10000",
      risk: { maxOrderPct: "25", maxExposurePct: null, maxDailyLossPct: "5", maxDrawdownPct: "15" },
    },
  },
  {
    key: "Simulator (Bybit)",
    body: {
      name: "Demo futures (paper)",
      market: "futures",
      cashToken: "USDT",
      tokens: [
        { token: "BTC", minAllocation: 0 },
        { token: "ETH", minAllocation: 0 },
      ],
      reviewInterval: "4h",
      paper: true,
      paperCapital: "5000",
      futures: { positionMode: "one_way", marginMode: "cross", maxLeverage: 3 },
      risk: { maxOrderPct: "30", maxExposurePct: "150", maxDailyLossPct: "5", maxDrawdownPct: "15" },
    },
  },
] as const;

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
