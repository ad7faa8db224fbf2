import type * as z from "zod";
import type { Account, SimExchange, SimMarket } from "../engine/types.ts";
import type { Need } from "./auth.ts";
import { RET, type RetError } from "./codes.ts";
import { Category } from "./requests.ts";

/** What every endpoint handler of the Bybit wire module works with, and the small parsers they share. */

/** A venue answer with a non-zero retCode (HTTP 200 unless stated). */
export class RetFailure extends Error {
  readonly ret: RetError;
  readonly status: number;
  /** Some failures explain themselves in `result` (account/set-margin-mode's `reasons`). */
  readonly result: unknown;
  constructor(ret: RetError, status = 200, result: unknown = {}) {
    super(ret.retMsg);
    this.ret = ret;
    this.status = status;
    this.result = result;
  }
}

export const paramsError = (detail: string) =>
  new RetFailure({ retCode: RET.paramsError, retMsg: `params error: ${detail}` });

export type Call = {
  exchange: SimExchange;
  account: Account | null;
  /** Query parameters (GET) or the JSON body (POST). */
  params: Record<string, unknown>;
  serverTime: number;
};

export type Endpoint = {
  method: "GET" | "POST";
  path: string;
  /** Public market data, any valid key (user/query-api), or a key with the permission the call needs. */
  auth: "public" | "any_key" | ((params: Record<string, unknown>) => Need);
  handle(call: Call): unknown;
};

export const str = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

export function category(params: Record<string, unknown>, fallback?: SimMarket): SimMarket {
  const parsed = Category.safeParse(params.category ?? fallback);
  if (!parsed.success) throw new RetFailure({ retCode: RET.paramsError, retMsg: "Illegal category" });
  return parsed.data;
}

export function linearOnly(params: Record<string, unknown>): "linear" {
  if (params.category !== "linear") throw new RetFailure({ retCode: RET.paramsError, retMsg: "Illegal category" });
  return "linear";
}

export function parseBody<S extends z.ZodType>(schema: S, params: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw paramsError(`${issue?.path.join(".") || "body"} ${issue?.message ?? "invalid"}`);
}

export function limitOf(params: Record<string, unknown>, fallback: number, max: number): number {
  const raw = str(params.limit);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw paramsError("limit invalid");
  return Math.min(value, max);
}

/** Newest first, sliced by a numeric offset cursor. */
export function page<T>(items: T[], params: Record<string, unknown>, fallback: number, max: number) {
  const offset = Number(str(params.cursor) ?? "0") || 0;
  const limit = limitOf(params, fallback, max);
  const slice = items.slice(offset, offset + limit);
  return { list: slice, nextPageCursor: offset + limit < items.length ? String(offset + limit) : "" };
}

export function account(call: Call): Account {
  if (!call.account) throw new Error("endpoint requires an account");
  return call.account;
}

export const tradePermission = (params: Record<string, unknown>): Need =>
  params.category === "spot" ? "spot" : "futures";
