import type * as z from "zod";
import type { MarketType } from "../contract.ts";
import { ExchangeError } from "../errors.ts";
import type { GatewayDeps } from "../gateway.ts";
import type { VenueHttp } from "../http.ts";
import type { RateObservation } from "../rate-limiter.ts";
import { errorFromHttp, errorFromRetCode, NO_CHANGE_CODES, RATE_LIMIT_CODES } from "./errors.ts";
import { authHeaders, encodeQuery, type QueryValue, signBybit } from "./signing.ts";
import { Envelope, ServerTime } from "./wire.ts";

export type Credentials = { apiKey: string; apiSecret: string };

export type Answer<T> = { result: T; time: number | null };

type Request<S extends z.ZodType> = {
  market: MarketType;
  path: string;
  /** Names the call in error messages ("order/create"). */
  operation: string;
  schema: S;
  /** Reads and cancels may be sent twice; order creation never is. */
  idempotent: boolean;
  /** Treat the "not modified" retCodes as success (the result is then null). */
  noChangeIsSuccess?: boolean;
  /**
   * A read several calls make at once (position/list: positions, stops and position mode in one snapshot): an
   * identical one still in flight is joined instead of sent again, unless a write was sent since it started or is
   * still in flight. Its callers only read the answer.
   */
  joinInFlight?: boolean;
};

/**
 * Bybit V5 REST over the shared transport: builds the exact query or JSON body, signs those bytes
 * (X-BAPI-* headers), checks retCode on every answer and reads the X-Bapi-Limit-* headers for pacing.
 */
export class BybitRest {
  readonly #deps: GatewayDeps;
  readonly #credentials: Credentials | null;
  readonly #http: Record<MarketType, VenueHttp>;
  /** Rate limits are per UID and endpoint; a short digest of the key tells accounts apart without storing it. */
  readonly #identity: string;
  /** Joinable reads in flight by URL; a write forgets them, so a read after it is sent afresh. */
  readonly #reads = new Map<string, Promise<Answer<unknown>>>();
  /** Writes in flight: a read made meanwhile may not see them, so nobody joins it. */
  #writing = 0;

  constructor(deps: GatewayDeps, credentials: Credentials | null) {
    this.#deps = deps;
    this.#credentials = credentials;
    this.#identity = credentials ? `k${fnv1a(credentials.apiKey)}` : "public";
    this.#http = {
      spot: deps.http("spot", () => this.serverTime("spot")),
      linear: deps.http("linear", () => this.serverTime("linear")),
    };
  }

  get hasCredentials(): boolean {
    return this.#credentials !== null;
  }

  /** GET /v5/market/time: `timeNano` carries the venue's clock with sub-second precision. */
  async serverTime(market: MarketType): Promise<number> {
    const answer = await this.publicGet(
      { market, path: "/v5/market/time", operation: "market/time", schema: ServerTime, idempotent: true },
      {},
    );
    return Number(BigInt(answer.result.timeNano) / 1_000_000n);
  }

  publicGet<S extends z.ZodType>(request: Request<S>, params: Record<string, QueryValue>): Promise<Answer<z.infer<S>>> {
    const query = encodeQuery(params);
    const url = `${this.#deps.baseUrl(request.market)}${request.path}${query ? `?${query}` : ""}`;
    return this.#http[request.market].call({
      limiterKey: `ip|${request.path}`,
      method: "GET",
      idempotent: true,
      signed: false,
      prepare: async () => ({ url, init: { headers: { Accept: "application/json" } } }),
      parse: (response, text) => this.#parseGet(request, response, text),
      observe: (response) => this.#observe(request.market, response),
    });
  }

  signedGet<S extends z.ZodType>(
    request: Request<S>,
    params: Record<string, QueryValue>,
    category?: string,
  ): Promise<Answer<z.infer<S>>> {
    const credentials = this.#requireCredentials(request.operation);
    const query = encodeQuery(params);
    const url = `${this.#deps.baseUrl(request.market)}${request.path}${query ? `?${query}` : ""}`;
    if (!request.joinInFlight || this.#writing > 0) return this.#signedGet(request, credentials, url, query, category);
    const pending = this.#reads.get(url) as Promise<Answer<z.infer<S>>> | undefined;
    if (pending) return pending;
    const answer = this.#signedGet(request, credentials, url, query, category);
    this.#reads.set(url, answer);
    const forget = () => {
      if (this.#reads.get(url) === answer) this.#reads.delete(url);
    };
    answer.then(forget, forget);
    return answer;
  }

  #signedGet<S extends z.ZodType>(
    request: Request<S>,
    credentials: Credentials,
    url: string,
    query: string,
    category: string | undefined,
  ): Promise<Answer<z.infer<S>>> {
    return this.#http[request.market].call({
      limiterKey: `${this.#identity}|${request.path}|${category ?? ""}`,
      method: "GET",
      idempotent: request.idempotent,
      signed: true,
      prepare: async (timestamp) => ({
        url,
        init: { headers: { Accept: "application/json", ...this.#sign(credentials, timestamp, query) } },
      }),
      parse: (response, text) => this.#parseGet(request, response, text),
      observe: (response) => this.#observe(request.market, response),
    });
  }

  signedPost<S extends z.ZodType>(
    request: Request<S>,
    body: Record<string, unknown>,
  ): Promise<Answer<z.infer<S> | null>> {
    const credentials = this.#requireCredentials(request.operation);
    this.#reads.clear();
    this.#writing++;
    // Serialized once: these exact bytes are both signed and sent.
    const json = JSON.stringify(body);
    const url = `${this.#deps.baseUrl(request.market)}${request.path}`;
    const answer = this.#http[request.market].call({
      limiterKey: `${this.#identity}|${request.path}|${typeof body.category === "string" ? body.category : ""}`,
      method: "POST",
      idempotent: request.idempotent,
      signed: true,
      prepare: async (timestamp) => ({
        url,
        init: {
          headers: {
            Accept: "application/json",
            "Content-Type": "application/json",
            ...this.#sign(credentials, timestamp, json),
          },
          body: json,
        },
      }),
      parse: (response, text) => this.#parse(request, response, text),
      observe: (response) => this.#observe(request.market, response),
    });
    return answer.finally(() => {
      this.#writing--;
    });
  }

  #sign(credentials: Credentials, timestamp: number, payload: string): Record<string, string> {
    const input = { timestamp, apiKey: credentials.apiKey, recvWindow: this.#deps.recvWindowMs, payload };
    return authHeaders(input, signBybit(credentials.apiSecret, input));
  }

  #requireCredentials(operation: string): Credentials {
    if (this.#credentials) return this.#credentials;
    throw new ExchangeError("authentication", `Bybit ${operation} needs an API key.`, { venue: "bybit" });
  }

  /** GET answers never use the "not modified" codes, so their result is always present. */
  #parseGet<S extends z.ZodType>(request: Request<S>, response: Response, text: string): Answer<z.infer<S>> {
    const answer = this.#parse({ ...request, noChangeIsSuccess: false }, response, text);
    return { result: answer.result as z.infer<S>, time: answer.time };
  }

  #parse<S extends z.ZodType>(request: Request<S>, response: Response, text: string): Answer<z.infer<S> | null> {
    const envelope = parseEnvelope(text);
    if (!envelope) throw errorFromHttp(response.status, text, request.operation);
    const httpStatus = response.status;
    if (envelope.retCode !== 0) {
      if (request.noChangeIsSuccess && NO_CHANGE_CODES.has(envelope.retCode)) {
        return { result: null, time: envelope.time ?? null };
      }
      const error = errorFromRetCode(envelope.retCode, withReasons(envelope), {
        httpStatus,
        operation: request.operation,
      });
      if (RATE_LIMIT_CODES.has(envelope.retCode)) {
        const retryAfterMs = this.#retryAfter(request.market, response);
        throw new ExchangeError("rate_limited", error.message, {
          venue: "bybit",
          venueCode: envelope.retCode,
          venueMessage: envelope.retMsg,
          httpStatus,
          retryAfterMs,
        });
      }
      throw error;
    }
    if (httpStatus !== 200) throw errorFromHttp(httpStatus, text, request.operation);
    const parsed = request.schema.safeParse(envelope.result);
    if (!parsed.success) {
      throw new ExchangeError("exchange_unavailable", `Bybit sent an unexpected ${request.operation} answer.`, {
        venue: "bybit",
        httpStatus,
        venueMessage: parsed.error.issues[0]?.message ?? null,
      });
    }
    return { result: parsed.data, time: envelope.time ?? null };
  }

  /** X-Bapi-Limit (budget), X-Bapi-Limit-Status (remaining), X-Bapi-Limit-Reset-Timestamp (venue clock, ms). */
  #observe(market: MarketType, response: Response): RateObservation {
    const limit = Number(response.headers.get("X-Bapi-Limit"));
    const remaining = Number(response.headers.get("X-Bapi-Limit-Status"));
    const reset = Number(response.headers.get("X-Bapi-Limit-Reset-Timestamp"));
    const observation: RateObservation = {};
    if (limit > 0 && Number.isFinite(remaining)) observation.usedFraction = 1 - remaining / limit;
    // The reset time is on the venue's clock; shift it onto ours.
    if (reset > 0) observation.resetAt = reset - this.#http[market].clock.offsetMs();
    return observation;
  }

  #retryAfter(market: MarketType, response: Response): number {
    const reset = Number(response.headers.get("X-Bapi-Limit-Reset-Timestamp"));
    if (!(reset > 0)) return 1_000;
    const wait = reset - this.#http[market].clock.offsetMs() - Date.now();
    return Math.min(Math.max(wait, 100), 60_000);
  }
}

function parseEnvelope(text: string): Envelope | null {
  try {
    const parsed = Envelope.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A few refusals say why only in `result.reasons` (account/set-margin-mode: "Set margin mode failed"). */
function withReasons(envelope: Envelope): string {
  const reasons = (envelope.result as { reasons?: { reasonMsg?: unknown }[] } | null)?.reasons;
  const why = Array.isArray(reasons)
    ? reasons.flatMap((r) => (typeof r?.reasonMsg === "string" ? [r.reasonMsg] : []))
    : [];
  return why.length === 0 ? envelope.retMsg : `${envelope.retMsg}: ${why.join("; ")}`;
}

/** 32-bit FNV-1a as hex: a rate-limit bucket name for a key, not a secret-derived token. */
function fnv1a(value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}
