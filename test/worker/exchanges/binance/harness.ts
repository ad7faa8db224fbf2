import { env } from "cloudflare:workers";
import type { ExchangeGateway } from "../../../../worker/exchanges/contract.ts";
import { createGateway } from "../../../../worker/exchanges/gateway.ts";

/**
 * The Binance adapter against the simulator over real HTTP (SIM_URL from the test harness; `npx node sim/main.ts`
 * on 127.0.0.1:8790 otherwise). Control-API helpers always act on the binance venue.
 */

export function simUrl(): string {
  const bound = (env as unknown as Record<string, unknown>).SIM_URL;
  return typeof bound === "string" && bound ? bound.replace(/\/+$/, "") : "http://127.0.0.1:8790";
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

export type SimAccount = { apiKey: string; apiSecret: string };

export function createAccount(
  input: {
    spot?: Record<string, string>;
    futuresWallet?: string;
    permissions?: { read?: boolean; spot?: boolean; futures?: boolean; withdrawals?: boolean };
    apiKey?: string;
  } = {},
): Promise<SimAccount> {
  return control("POST", "/accounts", { venue: "binance", spot: { USDT: "10000" }, futuresWallet: "10000", ...input });
}

export type Fault =
  | { type: "timeout_after_accept"; pathPrefix: string; delayMs: number }
  | { type: "error_after_accept"; pathPrefix: string; status: number }
  | { type: "rate_limit"; pathPrefix: string; retryAfterSeconds: number }
  | { type: "clock_skew"; skewMs: number; count: number };

export async function addFault(fault: Fault): Promise<void> {
  await control("POST", "/faults", { venue: "binance", ...fault });
}

/** Removes leftover binance faults (a test that failed midway must not poison the next one). */
export async function clearFaults(): Promise<void> {
  const { faults } = await control<{ faults: { venue: string }[] }>("GET", "/faults");
  if (faults.some((f) => f.venue === "binance")) await control("DELETE", "/faults");
}

export async function setPrice(market: "spot" | "linear", symbol: string, price: string): Promise<void> {
  await control("POST", "/prices", { venue: "binance", market, symbol, price, hold: true });
}

export type AccountDump = {
  orders: { clientOrderId: string; status: string; market: string; symbol: string }[];
  conditionals: { symbol: string; kind: string; status: string; triggerPrice: string; clientId: string | null }[];
  positions: { symbol: string; size: string; positionSide: string }[];
  leverage: Record<string, number>;
  marginMode: Record<string, string>;
  positionMode: string;
};

export function dumpAccount(apiKey: string): Promise<AccountDump> {
  return control("GET", `/accounts/${encodeURIComponent(apiKey)}`);
}

/** Every request the gateway sent (status 0 while unanswered or timed out), for asserting what reached the venue. */
export type Traffic = { method: string; path: string; status: number }[];

export function gatewayFor(
  account: SimAccount | null,
  options: { timeoutMs?: number; traffic?: Traffic; rewrite?: (response: Response) => Response } = {},
): ExchangeGateway {
  const traffic = options.traffic;
  const rewrite = options.rewrite;
  // A custom fetch gives this gateway its own transport (clock, limiter), so tests do not share blocks.
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const entry = { method: init?.method ?? "GET", path: url.pathname, status: 0 };
    traffic?.push(entry);
    const response = await fetch(input, init);
    entry.status = response.status;
    return rewrite ? rewrite(response) : response;
  };
  return createGateway({
    venue: "binance",
    environment: "custom",
    customBaseUrl: simUrl(),
    allowLocalUrls: true,
    credentials: account,
    timeoutMs: options.timeoutMs,
    fetch: recording,
  });
}

/** Runs `action` and returns the ExchangeError-like value it threw. */
export async function caught(action: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await action();
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error("expected the call to throw");
}

let sequence = 0;
/** A client order id unique within this run (the simulator outlives a test). */
export function clientId(label: string): string {
  sequence += 1;
  return `t-${label}-${Date.now().toString(36)}-${sequence}`.slice(0, 36);
}
