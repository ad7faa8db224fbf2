import { authHeaders, encodeQuery, signBybit } from "../../../../worker/exchanges/bybit/signing.ts";
import type { ExchangeGateway } from "../../../../worker/exchanges/contract.ts";
import { createGateway } from "../../../../worker/exchanges/gateway.ts";
import {
  addSimFault,
  createSimAccount,
  type SimAccount,
  type SimAccountInput,
  type SimFault,
  setSimPrice,
  simControl,
  simUrl,
} from "../../../support/simulator.ts";

/** The Bybit adapter against the simulator over real HTTP; the test harness starts it and binds SIM_URL. */
export { simUrl };

export const control = simControl;

export type { SimAccount };

export function createAccount(input: SimAccountInput = {}): Promise<SimAccount> {
  return createSimAccount("bybit", input);
}

export type Fault = SimFault;

export async function addFault(fault: Fault): Promise<void> {
  await addSimFault("bybit", fault);
}

export async function setPrice(market: "spot" | "linear", symbol: string, price: string): Promise<void> {
  await setSimPrice("bybit", market, symbol, price);
}

export type AccountDump = {
  orders: { clientOrderId: string; status: string; market: string }[];
  conditionals: { symbol: string; kind: string; status: string; triggerPrice: string }[];
  positions: { symbol: string; size: string }[];
};

export function dumpAccount(apiKey: string): Promise<AccountDump> {
  return control("GET", `/accounts/${encodeURIComponent(apiKey)}`);
}

/** Every request the gateway sent, and the retCode each answer carried. */
export type Traffic = { url: string; method: string; status: number; retCode: number | null }[];

export function bybitGateway(
  account: SimAccount | null,
  options: {
    timeoutMs?: number;
    recvWindowMs?: number;
    /** Awaited after a request is recorded and before it is sent (to hold an answer back). */
    beforeSend?: (url: string) => Promise<void>;
  } = {},
): { gateway: ExchangeGateway; traffic: Traffic } {
  const traffic: Traffic = [];
  // A fetch of our own also gives every gateway its own transport (clock and rate-limit state).
  const observed = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const entry = { url: String(input), method: init?.method ?? "GET", status: 0, retCode: null as number | null };
    traffic.push(entry);
    await options.beforeSend?.(entry.url);
    const response = await fetch(input, init);
    entry.status = response.status;
    try {
      const body = (await response.clone().json()) as { retCode?: number };
      entry.retCode = typeof body.retCode === "number" ? body.retCode : null;
    } catch {
      // not JSON (HTML 403, plain-text 5xx)
    }
    return response;
  }) as typeof fetch;
  const gateway = createGateway({
    venue: "bybit",
    environment: "custom",
    customBaseUrls: { spot: simUrl(), linear: simUrl() },
    allowLocalUrls: true,
    credentials: account ? { apiKey: account.apiKey, apiSecret: account.apiSecret } : null,
    fetch: observed,
    timeoutMs: options.timeoutMs ?? 5_000,
    recvWindowMs: options.recvWindowMs,
  });
  return { gateway, traffic };
}

export type V5Answer = { retCode: number; retMsg: string; result: Record<string, unknown> };

/** One signed V5 request built by hand, to see the simulator's own answer to a call the adapter does not make. */
export async function signedV5(
  account: SimAccount,
  method: "GET" | "POST",
  path: string,
  params: Record<string, string | number>,
): Promise<V5Answer> {
  const payload = method === "GET" ? encodeQuery(params) : JSON.stringify(params);
  const input = { timestamp: Date.now(), apiKey: account.apiKey, recvWindow: 5000, payload };
  const response = await fetch(`${simUrl()}${path}${method === "GET" && payload ? `?${payload}` : ""}`, {
    method,
    headers: { ...authHeaders(input, await signBybit(account.apiSecret, input)), "Content-Type": "application/json" },
    body: method === "POST" ? payload : undefined,
  });
  return (await response.json()) as V5Answer;
}

let sequence = 0;
/** A client order id unique across test runs against a long-lived simulator. */
export function clientId(prefix: string): string {
  sequence++;
  return `${prefix}-${Date.now().toString(36)}-${sequence}-${Math.floor(Math.random() * 1e6).toString(36)}`.slice(
    0,
    36,
  );
}
