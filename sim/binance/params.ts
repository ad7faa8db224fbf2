import type { SimExchange, SimMarket } from "../engine/types.ts";
import { apiError, invalidSymbol, mandatory } from "./errors.ts";

/** Parameter readers with Binance's validation errors (-1102 missing, -1100 illegal characters, -1121 symbol). */

export function required(params: Map<string, string>, name: string): string {
  const value = params.get(name);
  if (value === undefined || value === "") throw mandatory(name);
  return value;
}

export function optionalInt(params: Map<string, string>, name: string): number | undefined {
  const value = params.get(name);
  if (value === undefined || value === "") return undefined;
  if (!/^-?\d+$/.test(value))
    throw apiError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  return Number(value);
}

export function oneOf<T extends string>(params: Map<string, string>, name: string, allowed: readonly T[]): T {
  const value = required(params, name);
  if (!allowed.includes(value as T)) throw apiError(400, -1100, `Illegal characters found in parameter '${name}'.`);
  return value as T;
}

/**
 * Binance answers -1104 when a request carries a parameter the endpoint does not read; every parameter sent counts,
 * the signature included.
 */
export function onlyDocumented(params: Map<string, string>, documented: readonly string[]): void {
  const read = [...params.keys()].filter((name) => documented.includes(name)).length;
  if (read === params.size) return;
  throw apiError(
    400,
    -1104,
    `Not all sent parameters were read; read '${read}' parameter(s) but was sent '${params.size}'.`,
  );
}

/** A symbol the venue lists on this market (else -1121 "Invalid symbol."). */
export function knownSymbol(exchange: SimExchange, market: SimMarket, symbol: string): string {
  if (!exchange.instrument(market, symbol)) throw invalidSymbol();
  return symbol;
}

export function symbolParam(exchange: SimExchange, market: SimMarket, params: Map<string, string>): string {
  return knownSymbol(exchange, market, required(params, "symbol"));
}

/** `symbols=["BTCUSDT","ETHUSDT"]` (URL-encoded JSON array), spot only. */
export function symbolsParam(exchange: SimExchange, market: SimMarket, params: Map<string, string>): string[] | null {
  const single = params.get("symbol");
  if (single) return [knownSymbol(exchange, market, single)];
  const list = params.get("symbols");
  if (!list) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(list);
  } catch {
    throw apiError(
      400,
      -1100,
      "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.",
    );
  }
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === "string")) throw mandatory("symbols");
  return parsed.map((s: string) => knownSymbol(exchange, market, s));
}

const CLIENT_ID = { spot: /^[a-zA-Z0-9-_]{1,36}$/, linear: /^[.A-Z:/a-z0-9_-]{1,36}$/ } as const;

export function clientIdParam(params: Map<string, string>, name: string, market: SimMarket): string {
  const value = params.get(name);
  if (value === undefined || value === "") return randomClientId();
  if (!CLIENT_ID[market].test(value)) {
    throw apiError(
      400,
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '${CLIENT_ID[market].source}'.`,
    );
  }
  return value;
}

export function randomClientId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

export const INTERVAL_MS: Record<string, number> = {
  "1s": 1_000,
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "6h": 21_600_000,
  "8h": 28_800_000,
  "12h": 43_200_000,
  "1d": 86_400_000,
  "3d": 259_200_000,
  "1w": 604_800_000,
};

export function intervalParam(params: Map<string, string>): number {
  const interval = required(params, "interval");
  const ms = INTERVAL_MS[interval];
  if (!ms) throw apiError(400, -1120, "Invalid interval.");
  return ms;
}

/** Order lookup by `orderId` or `origClientOrderId` (-1102 when both are missing). */
export function orderLookup(params: Map<string, string>): { orderId?: string; clientOrderId?: string } {
  const orderId = params.get("orderId");
  if (orderId) return { orderId };
  const clientOrderId = params.get("origClientOrderId");
  if (clientOrderId) return { clientOrderId };
  throw apiError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
}
