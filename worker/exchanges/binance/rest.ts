import type * as z from "zod";
import type { MarketType } from "../contract.ts";
import { noMarketBaseUrl } from "../endpoints.ts";
import { ExchangeError, type OrderFilter } from "../errors.ts";
import type { HttpMethod, VenueHttp } from "../http.ts";
import type { RateObservation } from "../rate-limiter.ts";
import { binanceError, NO_CHANGE_CODES } from "./errors.ts";
import { encodeParams, type Params, signRequest } from "./signing.ts";
import { ErrorBody, ServerTime } from "./wire.ts";

/**
 * One Binance REST host (spot `api.*` or futures `fapi.*`) seen through the shared transport. A custom key may have
 * no URL for one market: every request there is then `not_supported`.
 */

export type Credentials = { apiKey: string; apiSecret: string };

export type BinanceRequest<S extends z.ZodType> = {
  method: HttpMethod;
  path: string;
  params?: Params;
  signed: boolean;
  schema: S;
  /** Order creation: never retried, a lost answer is `unknown_outcome`. Default: GET and DELETE are idempotent. */
  idempotent?: boolean;
  /** -4046/-4059 "no need to change" count as success and yield null. */
  noChangeIsSuccess?: boolean;
  /** Narrows "Filter failure: LOT_SIZE" to the rule that failed for the order being sent. */
  lotSizeFilter?: (filterName: string) => OrderFilter | null;
};

/** Default request-weight budgets per minute (enums.md / fapi exchangeInfo examples); exchangeInfo may refine them. */
const DEFAULT_WEIGHT_LIMIT: Record<MarketType, number> = { spot: 6000, linear: 2400 };

export class BinanceRest {
  readonly market: MarketType;
  readonly #baseUrl: string | null;
  readonly #http: VenueHttp;
  readonly #credentials: Credentials | null;
  readonly #recvWindowMs: number;
  #weightLimit: number;

  constructor(o: {
    market: MarketType;
    baseUrl: string | null;
    http: VenueHttp;
    credentials: Credentials | null;
    recvWindowMs: number;
  }) {
    this.market = o.market;
    this.#baseUrl = o.baseUrl;
    this.#http = o.http;
    this.#credentials = o.credentials;
    this.#recvWindowMs = o.recvWindowMs;
    this.#weightLimit = DEFAULT_WEIGHT_LIMIT[o.market];
  }

  get baseUrl(): string | null {
    return this.#baseUrl;
  }

  setWeightLimit(limit: number): void {
    if (limit > 0) this.#weightLimit = limit;
  }

  now(): number {
    return this.#http.clock.now();
  }

  /** Sends one request; resolves to the parsed body, or null for a tolerated "no change" answer. */
  send<S extends z.ZodType>(request: BinanceRequest<S> & { noChangeIsSuccess: true }): Promise<z.infer<S> | null>;
  send<S extends z.ZodType>(request: BinanceRequest<S>): Promise<z.infer<S>>;
  send<S extends z.ZodType>(request: BinanceRequest<S>): Promise<z.infer<S> | null> {
    const baseUrl = this.#baseUrl;
    if (baseUrl === null) return Promise.reject(noMarketBaseUrl("binance", this.market));
    const credentials = request.signed ? this.#requireCredentials() : null;
    const idempotent = request.idempotent ?? request.method !== "POST";
    return this.#http.call({
      limiterKey: `binance:${this.market}:${baseUrl}`,
      method: request.method,
      idempotent,
      signed: request.signed,
      prepare: async (timestampMs) => {
        const params = request.params ?? {};
        const headers: Record<string, string> = {};
        let query: string;
        let body = "";
        if (credentials) {
          ({ query, body } = signRequest(request.method, params, credentials, this.#recvWindowMs, timestampMs));
          headers["X-MBX-APIKEY"] = credentials.apiKey;
        } else {
          query = encodeParams(params);
        }
        if (body) headers["Content-Type"] = "application/x-www-form-urlencoded";
        const url = `${baseUrl}${request.path}${query ? `?${query}` : ""}`;
        return { url, init: { headers, body: body || undefined } };
      },
      parse: (response, text) => {
        if (!response.ok) {
          if (request.noChangeIsSuccess && isNoChange(text)) return null;
          throw binanceError(response, text, { idempotent, lotSizeFilter: request.lotSizeFilter });
        }
        return parseBody(request.schema, text, response.status, idempotent);
      },
      observe: (response) => this.#observe(response),
    });
  }

  serverTime(): Promise<number> {
    return this.send({
      method: "GET",
      path: this.market === "spot" ? "/api/v3/time" : "/fapi/v1/time",
      signed: false,
      schema: ServerTime,
    }).then((t) => t.serverTime);
  }

  #requireCredentials(): Credentials {
    if (this.#credentials) return this.#credentials;
    throw new ExchangeError("authentication", "This Binance request needs an API key, and none is configured.", {
      venue: "binance",
    });
  }

  /** X-MBX-USED-WEIGHT-1M is per IP and per calendar minute (rest-api.md § LIMITS). */
  #observe(response: Response): RateObservation {
    const used = Number(response.headers.get("X-MBX-USED-WEIGHT-1M"));
    if (!Number.isFinite(used) || used <= 0) return {};
    return { usedFraction: used / this.#weightLimit, resetAt: Math.ceil((Date.now() + 1) / 60_000) * 60_000 };
  }
}

function isNoChange(text: string): boolean {
  try {
    const body = ErrorBody.safeParse(JSON.parse(text));
    return body.success && NO_CHANGE_CODES.has(body.data.code);
  } catch {
    return false;
  }
}

function parseBody<S extends z.ZodType>(schema: S, text: string, status: number, idempotent: boolean): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw unexpected(`a non-JSON body (HTTP ${status})`, idempotent);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw unexpected(`an unexpected response shape (${parsed.error.issues[0]?.path.join(".")})`, idempotent);
  }
  return parsed.data;
}

/** An unreadable 2xx to an order-creating request still means the venue probably acted on it. */
function unexpected(what: string, idempotent: boolean): ExchangeError {
  return new ExchangeError(idempotent ? "exchange_unavailable" : "unknown_outcome", `Binance returned ${what}.`, {
    venue: "binance",
    httpStatus: 200,
  });
}
