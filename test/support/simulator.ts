import { env } from "cloudflare:workers";
import type { Venue } from "../../shared/api/exchanges.ts";

/**
 * The exchange simulator's control API, for worker tests: the harness (test/setup/simulator.ts) starts it and binds
 * SIM_URL; adapters under test reach it over real HTTP like a venue.
 */
export function simUrl(): string {
  if (!env.SIM_URL)
    throw new Error("SIM_URL is not bound: the simulator globalSetup (test/setup/simulator.ts) did not run");
  return env.SIM_URL.replace(/\/+$/, "");
}

export async function simControl<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${simUrl()}/control${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export type SimAccount = { apiKey: string; apiSecret: string };

export type SimAccountInput = {
  /**
   * The venue environment whose sites know the key (sim/environments.ts): Binance live, spot-testnet,
   * futures-testnet or demo; Bybit live, testnet or demo. Default live, which is also what a custom base URL reaches.
   */
  environment?: "live" | "testnet" | "spot-testnet" | "futures-testnet" | "demo";
  spot?: Record<string, string>;
  /** USDT-M wallet; Bybit's unified account adds it to spot USDT (the engine margins linear from it). */
  futuresWallet?: string;
  permissions?: { read?: boolean; spot?: boolean; futures?: boolean; withdrawals?: boolean };
  apiKey?: string;
};

export function createSimAccount(venue: Venue, input: SimAccountInput = {}): Promise<SimAccount> {
  return simControl("POST", "/accounts", { venue, spot: { USDT: "10000" }, futuresWallet: "10000", ...input });
}

/** `apiKey`: only that key's requests take the fault (test files share one simulator and run side by side). */
export type SimFault =
  | { type: "timeout_after_accept"; pathPrefix: string; delayMs: number; apiKey?: string }
  | { type: "error_after_accept"; pathPrefix: string; status: number; apiKey?: string }
  | { type: "rate_limit"; pathPrefix: string; retryAfterSeconds: number; apiKey?: string }
  | { type: "redirect"; pathPrefix: string; status: 301 | 302 | 303 | 307 | 308; apiKey?: string }
  | { type: "clock_skew"; skewMs: number; count: number };

/** Ids of the faults this test file added and may not have been consumed yet. */
const addedFaults = new Set<string>();

export async function addSimFault(venue: Venue, fault: SimFault): Promise<void> {
  const { id } = await simControl<{ id: string }>("POST", "/faults", { venue, ...fault });
  addedFaults.add(id);
}

/** Removes this test file's leftover faults (a test that failed midway must not poison the next), no one else's. */
export async function clearSimFaults(): Promise<void> {
  if (addedFaults.size === 0) return;
  const query = [...addedFaults].map((id) => `id=${encodeURIComponent(id)}`).join("&");
  addedFaults.clear();
  await simControl("DELETE", `/faults?${query}`);
}

/** Moves a price and holds it there (the seeded path pauses) so a test sees exactly that price. */
export async function setSimPrice(
  venue: Venue,
  market: "spot" | "linear",
  symbol: string,
  price: string,
): Promise<void> {
  await simControl("POST", "/prices", { venue, market, symbol, price, hold: true });
}
