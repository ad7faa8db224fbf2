import type { ExchangeGateway } from "../../../../worker/exchanges/contract.ts";
import { createGateway } from "../../../../worker/exchanges/gateway.ts";
import {
  addSimFault,
  clearSimFaults,
  createSimAccount,
  type SimAccount,
  type SimAccountInput,
  type SimFault,
  setSimPrice,
  simControl,
  simUrl,
} from "../../../support/simulator.ts";

/**
 * The Binance adapter against the simulator over real HTTP (SIM_URL, bound by the test harness). Control-API
 * helpers always act on the binance venue.
 */

export { simUrl };

export const control = simControl;

export type { SimAccount };

export function createAccount(input: SimAccountInput = {}): Promise<SimAccount> {
  return createSimAccount("binance", input);
}

export type Fault = SimFault;

export async function addFault(fault: Fault): Promise<void> {
  await addSimFault("binance", fault);
}

export const clearFaults = clearSimFaults;

export async function setPrice(market: "spot" | "linear", symbol: string, price: string): Promise<void> {
  await setSimPrice("binance", market, symbol, price);
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
    customBaseUrls: { spot: simUrl(), linear: simUrl() },
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
