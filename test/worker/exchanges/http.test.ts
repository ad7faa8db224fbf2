import { describe, expect, it } from "vitest";
import { ClockSync } from "../../../worker/exchanges/clock.ts";
import { ExchangeError } from "../../../worker/exchanges/errors.ts";
import { type HttpCall, VenueHttp } from "../../../worker/exchanges/http.ts";
import { RateLimiter } from "../../../worker/exchanges/rate-limiter.ts";

// The transport's own rules, with a scripted fetch standing in for the network (venue adapters are tested against
// the simulator over real HTTP elsewhere).
type Script = (url: string, init: RequestInit) => Promise<Response>;

function transport(script: Script, serverOffsetMs = 0) {
  const sent: { url: string; init: RequestInit }[] = [];
  const http = new VenueHttp({
    venue: "binance",
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      sent.push({ url: String(input), init: init ?? {} });
      return script(String(input), init ?? {});
    }) as typeof fetch,
    timeoutMs: 50,
    clock: new ClockSync(async () => Date.now() + serverOffsetMs),
    limiter: new RateLimiter(),
    sleep: async () => {},
  });
  return { http, sent };
}

function call(overrides: Partial<HttpCall<string>> = {}): HttpCall<string> {
  return {
    limiterKey: "test",
    method: "POST",
    idempotent: false,
    signed: true,
    prepare: async (timestamp) => ({ url: `https://venue.test/order?timestamp=${timestamp}`, init: {} }),
    parse: (response, text) => {
      if (text.includes("-1021")) {
        throw new ExchangeError("timestamp", "outside recvWindow", { venue: "binance", venueCode: -1021 });
      }
      if (response.status === 429) {
        throw new ExchangeError("rate_limited", "slow down", { venue: "binance", retryAfterMs: 60_000 });
      }
      return text;
    },
    ...overrides,
  };
}

const never = () => new Promise<Response>(() => {});

describe("VenueHttp", () => {
  it("reports unknown_outcome for an order that timed out, and never resends it", async () => {
    const { http, sent } = transport(async (_url, init) => {
      await new Promise((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
      return never();
    });
    await expect(http.call(call())).rejects.toMatchObject({ kind: "unknown_outcome", retryable: false });
    expect(sent.length).toBe(1);
  });

  it("reports unknown_outcome for an order answered with a 5xx, and never resends it", async () => {
    const { http, sent } = transport(async () => new Response("oops", { status: 503 }));
    await expect(http.call(call())).rejects.toMatchObject({ kind: "unknown_outcome", httpStatus: 503 });
    expect(sent.length).toBe(1);
  });

  it("retries an idempotent read after a 5xx and succeeds", async () => {
    let n = 0;
    const { http, sent } = transport(async () => (n++ === 0 ? new Response("", { status: 502 }) : new Response("ok")));
    await expect(http.call(call({ method: "GET", idempotent: true }))).resolves.toBe("ok");
    expect(sent.length).toBe(2);
  });

  it("gives up on a read with exchange_unavailable after the retries", async () => {
    const { http, sent } = transport(async () => new Response("", { status: 500 }));
    await expect(http.call(call({ method: "GET", idempotent: true }))).rejects.toMatchObject({
      kind: "exchange_unavailable",
    });
    expect(sent.length).toBe(3);
  });

  it("re-syncs the clock once after a timestamp rejection and re-signs with the venue's time", async () => {
    let n = 0;
    const { http, sent } = transport(async () => new Response(n++ === 0 ? '{"code":-1021}' : "placed"), 30_000);
    await expect(http.call(call())).resolves.toBe("placed");
    expect(sent.length).toBe(2);
    const stamp = (url: string) => Number(new URL(url).searchParams.get("timestamp"));
    expect(Math.abs(stamp(sent[1]?.url ?? "") - (Date.now() + 30_000))).toBeLessThan(5_000);
  });

  it("does not loop on repeated timestamp rejections", async () => {
    const { http, sent } = transport(async () => new Response('{"code":-1021}'));
    await expect(http.call(call())).rejects.toMatchObject({ kind: "timestamp" });
    expect(sent.length).toBe(2);
  });

  it("never follows a redirect: a 3xx read fails at once, a 3xx order is unknown_outcome, neither is resent", async () => {
    const { http, sent } = transport(
      async () => new Response(null, { status: 301, headers: { location: "https://elsewhere.test/order" } }),
    );
    await expect(http.call(call({ method: "GET", idempotent: true }))).rejects.toMatchObject({
      kind: "exchange_unavailable",
      httpStatus: 301,
      message: expect.stringContaining("redirect (HTTP 301 to https://elsewhere.test/order)"),
    });
    await expect(http.call(call())).rejects.toMatchObject({ kind: "unknown_outcome", httpStatus: 301 });
    expect(sent.map((s) => s.init.redirect)).toEqual(["manual", "manual"]);
  });

  it("stops sending while the venue's Retry-After ban lasts", async () => {
    const { http, sent } = transport(async () => new Response("", { status: 429 }));
    await expect(http.call(call({ method: "GET", idempotent: true }))).rejects.toMatchObject({ kind: "rate_limited" });
    await expect(http.call(call({ method: "GET", idempotent: true }))).rejects.toMatchObject({
      kind: "rate_limited",
      retryAfterMs: expect.any(Number),
    });
    expect(sent.length).toBe(1);
  });
});
