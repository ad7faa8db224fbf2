import type { ClockSync } from "./clock.ts";
import type { Venue } from "./contract.ts";
import { ExchangeError, isExchangeError } from "./errors.ts";
import { MAX_INLINE_WAIT_MS, type RateLimiter, type RateObservation } from "./rate-limiter.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** One logical call to a venue; the venue adapter knows how to sign it and read the answer. */
export type HttpCall<T> = {
  limiterKey: string;
  method: HttpMethod;
  /**
   * Safe to send twice (reads, cancels). Order-creating calls are not: the adapter never retries them, and a timeout
   * or 5xx becomes `unknown_outcome` for the caller to resolve by querying the client order id.
   */
  idempotent: boolean;
  /** Whether the request carries a timestamp (signed); only those are re-signed after a clock re-sync. */
  signed: boolean;
  /** Builds the exact bytes to send for this timestamp. */
  prepare(timestampMs: number): Promise<{ url: string; init: RequestInit }>;
  /** Returns the value or throws an ExchangeError mapped from the venue's answer. */
  parse(response: Response, text: string): T;
  /** Reads the venue's rate-limit headers. */
  observe?(response: Response): RateObservation;
};

export type VenueHttpOptions = {
  venue: Venue;
  fetch: typeof fetch;
  timeoutMs: number;
  clock: ClockSync;
  limiter: RateLimiter;
  /** Retries of an idempotent call after a network error or 5xx. */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
};

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The transport every venue adapter sends through: timeouts, pacing, safe retries, clock re-sync. */
export class VenueHttp {
  readonly clock: ClockSync;
  readonly #options: VenueHttpOptions;

  constructor(options: VenueHttpOptions) {
    this.#options = options;
    this.clock = options.clock;
  }

  async call<T>(call: HttpCall<T>): Promise<T> {
    if (call.signed) await this.clock.ensureSynced();
    try {
      return await this.#withRetries(call);
    } catch (error) {
      // -1021 / 10002: the venue rejected the request at the gate, before executing it, so one re-signed retry after
      // re-syncing the clock is safe even for orders.
      if (!call.signed || !isExchangeError(error, "timestamp")) throw error;
      await this.clock.resync();
      return this.#withRetries(call);
    }
  }

  async #withRetries<T>(call: HttpCall<T>): Promise<T> {
    const maxRetries = call.idempotent ? (this.#options.maxRetries ?? 2) : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(call);
      } catch (error) {
        if (attempt >= maxRetries) throw error;
        // A read refused for a window that resets within moments (Bybit's per-second budget) is tried again after
        // it, rather than failing the whole review over a second; longer blocks surface to the caller.
        if (isExchangeError(error, "rate_limited") && error.retryAfterMs !== null) {
          if (error.retryAfterMs > MAX_INLINE_WAIT_MS) throw error;
          await (this.#options.sleep ?? sleepFor)(error.retryAfterMs);
          continue;
        }
        // A redirect answers the same way every time: asking again only delays the error.
        if (!isExchangeError(error, "exchange_unavailable") || isRedirect(error.httpStatus)) throw error;
        await (this.#options.sleep ?? sleepFor)(200 * 2 ** attempt);
      }
    }
  }

  async #once<T>(call: HttpCall<T>): Promise<T> {
    const { venue, limiter } = this.#options;
    const decision = limiter.decide(call.limiterKey);
    if ("blockedForMs" in decision) {
      throw new ExchangeError(
        "rate_limited",
        `${venueName(venue)} rate limit: wait ${seconds(decision.blockedForMs)} s.`,
        {
          venue,
          retryAfterMs: decision.blockedForMs,
        },
      );
    }
    if (decision.wait > 0) await (this.#options.sleep ?? sleepFor)(decision.wait);

    const { url, init } = await call.prepare(call.signed ? this.clock.now() : Date.now());
    let response: Response;
    let text: string;
    try {
      response = await this.#options.fetch(url, {
        ...init,
        method: call.method,
        // Never followed: a redirect would resend a signed request (an order, too) to a host nobody vetted.
        redirect: "manual",
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw this.#noAnswer(
        call,
        error instanceof Error && error.name === "TimeoutError" ? "timed out" : "network error",
      );
    }
    const observation = call.observe?.(response);
    if (observation) limiter.observe(call.limiterKey, observation);
    if (response.status >= 500) throw this.#noAnswer(call, `HTTP ${response.status}`, response.status);
    if (isRedirect(response.status)) throw this.#redirected(call, response);
    try {
      return call.parse(response, text);
    } catch (error) {
      if (isExchangeError(error, "rate_limited") && error.retryAfterMs !== null) {
        limiter.observe(call.limiterKey, { retryAfterMs: error.retryAfterMs });
      }
      throw error;
    }
  }

  /**
   * A 3xx is an error, never followed. A venue's edge redirects before its matching engine sees anything, but what
   * answered is not the venue we vetted, so a redirected order counts as unconfirmed like a 5xx: it is looked up by
   * its client id, never resent.
   */
  #redirected(call: HttpCall<unknown>, response: Response): ExchangeError {
    const venue = this.#options.venue;
    const location = response.headers.get("location");
    const redirect = `HTTP ${response.status}${location ? ` to ${location.slice(0, 200)}` : ""}`;
    const init = { venue, httpStatus: response.status };
    if (call.idempotent) {
      return new ExchangeError(
        "exchange_unavailable",
        `${venueName(venue)} answered with a redirect (${redirect}), which exchange requests never follow; check the base URL.`,
        init,
      );
    }
    return new ExchangeError(
      "unknown_outcome",
      `${venueName(venue)} answered with a redirect (${redirect}) instead of confirming the request; it was not followed, and its outcome must be checked before anything is resent.`,
      init,
    );
  }

  /** No usable answer: for a request that may have changed state we do not know what happened. */
  #noAnswer(call: HttpCall<unknown>, what: string, httpStatus: number | null = null): ExchangeError {
    const venue = this.#options.venue;
    if (call.idempotent) {
      return new ExchangeError("exchange_unavailable", `${venueName(venue)} did not answer (${what}).`, {
        venue,
        httpStatus,
      });
    }
    return new ExchangeError(
      "unknown_outcome",
      `${venueName(venue)} did not confirm the request (${what}); its outcome must be checked before anything is resent.`,
      { venue, httpStatus },
    );
  }
}

export function venueName(venue: Venue): string {
  return venue === "binance" ? "Binance" : "Bybit";
}

function isRedirect(status: number | null): boolean {
  return status !== null && status >= 300 && status < 400;
}

function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
