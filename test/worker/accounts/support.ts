import { env } from "cloudflare:workers";
import { clearSharedMarketData } from "../../../worker/exchanges/shared-market-data.ts";
import type { ExchangeKeyVerifier } from "../../../worker/keys/exchange-key-verifier.ts";
import { addSimFault, clearSimFaults } from "../../support/simulator.ts";
import { type Caller, signIn, type TestApp, testApp } from "../identity/support.ts";

/**
 * Exchange-account routes against the simulator over HTTP. Keys are created through the API with environment
 * `custom` pointing at SIM_URL (listed in EXCHANGE_EXTRA_HOSTS) and verified by the production gateway verifier.
 */

export type Venue = "binance" | "bybit";
export const VENUES: Venue[] = ["binance", "bybit"];

export function simUrl(): string {
  return env.SIM_URL.replace(/\/+$/, "");
}

/** The simulator under another loopback name: a key on it gets its own transport (clock and rate-limit state). */
export function simUrlAsLocalhost(): string {
  return simUrl().replace("127.0.0.1", "localhost");
}

/**
 * For keys that must reach a route although the venue would refuse them now (revoked after verification, or a
 * region change): marks every key verified without asking.
 */
export const verifiedEarlier: ExchangeKeyVerifier = async () => ({
  outcome: "verified",
  permissions: { canTrade: true, canWithdraw: false, spot: true, futures: true },
});

export function accountsApp(identity: Parameters<typeof testApp>[0] = {}): TestApp {
  const hosts = [new URL(simUrl()).host, new URL(simUrlAsLocalhost()).host].join(",");
  return testApp(identity, { EXCHANGE_EXTRA_HOSTS: hosts });
}

export async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${simUrl()}/control${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** What the simulator answered to one API key's signed requests so far, per "METHOD path" (sim/request-stats.ts). */
export async function keyRequests(apiKey: string): Promise<Record<string, number>> {
  return (await control<{ keys: Record<string, Record<string, number>> }>("GET", "/stats")).keys[apiKey] ?? {};
}

export type SimAccount = { apiKey: string; apiSecret: string };

export function simAccount(
  venue: Venue,
  input: {
    spot?: Record<string, string>;
    futuresWallet?: string;
    permissions?: { read?: boolean; spot?: boolean; futures?: boolean; withdrawals?: boolean };
    /** `restricted-location…` makes the simulator refuse the key as if the request came from a blocked country. */
    apiKey?: string;
  } = {},
): Promise<SimAccount> {
  return control("POST", "/accounts", { venue, spot: { USDT: "10000" }, futuresWallet: "10000", ...input });
}

/** `apiKey`: only that key's requests take the fault, so test files sharing the simulator do not take each other's. */
export type Fault = (
  | { type: "timeout_after_accept"; pathPrefix: string; delayMs: number }
  | { type: "error_after_accept"; pathPrefix: string; status: number }
  | { type: "rate_limit"; pathPrefix: string; retryAfterSeconds: number }
) & { apiKey?: string };

export async function addFault(venue: Venue, fault: Fault, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await addSimFault(venue, fault);
}

/** This test file's leftover faults only: other files running beside it keep theirs. */
export const clearFaults = clearSimFaults;

/** Holds a price on the simulator; prices the worker shares between paper reads are forgotten, so it is seen at once. */
export async function holdPrice(venue: Venue, market: "spot" | "linear", symbol: string, price: string) {
  await control("POST", "/prices", { venue, market, symbol, price, hold: true });
  clearSharedMarketData();
}

export type AccountDump = {
  orders: {
    clientOrderId: string;
    status: string;
    market: string;
    symbol: string;
    side: string;
    type: string;
    quantity: string;
    price: string | null;
  }[];
  balances: { asset: string; free: string; locked: string }[];
  futures: { walletBalance: string; marginBalance: string; unrealizedPnl: string };
  positions: { symbol: string; size: string; positionSide: string }[];
  conditionals: { symbol: string; kind: string; status: string; triggerPrice: string }[];
  leverage: Record<string, number>;
  marginMode: Record<string, string>;
  positionMode: string;
};

export function dumpAccount(apiKey: string): Promise<AccountDump> {
  return control("GET", `/accounts/${encodeURIComponent(apiKey)}`);
}

/** Adds a sim account as an exchange key of `caller` (environment custom → the simulator); returns the key id. */
export async function connectKey(
  caller: Caller,
  venue: Venue,
  account: SimAccount,
  baseUrl = simUrl(),
): Promise<string> {
  const reply = await caller.post("/api/keys/exchange", {
    venue,
    environment: "custom",
    baseUrl,
    label: `sim-${crypto.randomUUID().slice(0, 8)}`,
    apiKey: account.apiKey,
    apiSecret: account.apiSecret,
  });
  if (reply.status !== 200) throw new Error(`key not added: ${reply.status} ${reply.text}`);
  return reply.body.id as string;
}

/** A signed-in user with a verified key on a fresh sim account. */
export async function trader(
  app: TestApp,
  venue: Venue,
  input: Parameters<typeof simAccount>[1] = {},
  baseUrl?: string,
): Promise<{ user: Caller; keyId: string; account: SimAccount }> {
  const user = await signIn(app);
  const account = await simAccount(venue, input);
  const keyId = await connectKey(user, venue, account, baseUrl);
  return { user, keyId, account };
}

export function errorOf(reply: { body: Record<string, unknown> }): {
  code: string;
  message: string;
  details?: Record<string, unknown>;
} {
  return reply.body.error as { code: string; message: string; details?: Record<string, unknown> };
}
