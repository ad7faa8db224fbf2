import type { DecisionFailure, DecisionProviderName, DecisionResult, ReadOutcome } from "./provider.ts";

/**
 * One JSON POST to an AI provider with a per-attempt timeout and retries with exponential backoff on 429 and 5xx
 * only: other 4xx are the request's fault and repeat identically, and a timeout already spent the whole budget.
 * Retry-After (seconds) and retry-after-ms are honoured up to `maxDelayMs`.
 */

export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 20_000 };

export type TransportDeps = {
  fetcher: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  timeoutMs: number;
  retry: RetryPolicy;
};

export type PostOutcome =
  | { ok: true; body: unknown; attempts: number }
  | { ok: false; failure: DecisionFailure; body: unknown; attempts: number };

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function postJson(
  deps: TransportDeps,
  url: string,
  apiKey: string,
  payload: unknown,
  providerLabel: string,
): Promise<PostOutcome> {
  let attempt = 0;
  for (;;) {
    attempt++;
    const signal = AbortSignal.timeout(deps.timeoutMs);
    let response: Response;
    let body: unknown;
    try {
      response = await deps.fetcher(url, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(payload),
        // Never followed: a redirect would carry the key and the portfolio to a host nobody configured.
        redirect: "manual",
        signal,
      });
      body = await readBody(response);
    } catch {
      const failure: DecisionFailure = signal.aborted
        ? { code: "timeout", message: `${providerLabel} did not answer within ${deps.timeoutMs} ms.`, httpStatus: null }
        : { code: "unreachable", message: `${providerLabel} could not be reached.`, httpStatus: null };
      return { ok: false, failure, body: null, attempts: attempt };
    }
    if (response.ok) return { ok: true, body, attempts: attempt };
    if (isRedirect(response.status)) {
      return { ok: false, failure: redirectFailure(response, providerLabel), body, attempts: attempt };
    }
    const retryable = response.status === 429 || response.status >= 500;
    if (!retryable || attempt >= deps.retry.maxAttempts) {
      return { ok: false, failure: httpFailure(response.status, body, apiKey, providerLabel), body, attempts: attempt };
    }
    await deps.sleep(backoffMs(deps.retry, attempt, response.headers));
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 2000);
  }
}

export function backoffMs(policy: RetryPolicy, attempt: number, headers: Headers): number {
  const ms = Number(headers.get("retry-after-ms"));
  const seconds = Number(headers.get("retry-after"));
  const hinted = Number.isFinite(ms) && ms > 0 ? ms : Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  // Jitter spreads retries of many portfolios that failed together.
  const jitter = Math.random() * policy.baseDelayMs * 0.25;
  return Math.min(policy.maxDelayMs, hinted ?? exponential + jitter);
}

export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** A 3xx is an answer we cannot use (requests to providers never follow redirects), and asking again repeats it. */
export function redirectFailure(response: Response, providerLabel: string): DecisionFailure {
  const location = response.headers.get("location");
  return {
    code: "provider_error",
    message: `${providerLabel} answered with a redirect (HTTP ${response.status}${location ? ` to ${location.slice(0, 200)}` : ""}), which is not followed; check the base URL.`,
    httpStatus: response.status,
  };
}

function httpFailure(status: number, body: unknown, apiKey: string, providerLabel: string): DecisionFailure {
  const code =
    status === 429
      ? "rate_limited"
      : status >= 500
        ? "provider_error"
        : status === 401 || status === 403
          ? "unauthorized"
          : "bad_request";
  const detail = redact(providerMessage(body), apiKey);
  return {
    code,
    message: `${providerLabel} answered HTTP ${status}${detail ? `: ${detail}` : "."}`,
    httpStatus: status,
  };
}

/** OpenAI and Groq both answer `{ error: { message, type, code } }`. */
function providerMessage(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 300);
  const error = (body as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === "string" ? error.message.slice(0, 300) : "";
}

/** Providers echo (masked) keys in auth errors; never let a key reach a log or a stored run. */
export function redact(text: string, apiKey: string): string {
  const withoutKey = apiKey ? text.split(apiKey).join("[key]") : text;
  return withoutKey.replace(/\b(sk|gsk)[-_][A-Za-z0-9_*-]{6,}/g, "[key]");
}

/** What an HTTP decision provider needs: where, with which key, and (in tests) the transport's clock and fetch. */
export type ProviderDeps = { baseUrl: string; apiKey: string } & Partial<TransportDeps>;

export function transportDeps(deps: Partial<TransportDeps>): TransportDeps {
  return {
    fetcher: deps.fetcher ?? ((input, init) => fetch(input, init)),
    sleep: deps.sleep ?? realSleep,
    timeoutMs: deps.timeoutMs ?? 120_000,
    retry: deps.retry ?? DEFAULT_RETRY,
  };
}

export const trimBase = (baseUrl: string) => baseUrl.replace(/\/+$/, "");

/**
 * One decision request to an HTTP provider: POST with retries, then the provider's reader turns the answer into a
 * decision or a coded failure; timing and attempts are recorded either way.
 */
export async function requestDecision(
  transport: TransportDeps,
  deps: ProviderDeps,
  call: {
    provider: DecisionProviderName;
    label: string;
    path: string;
    model: string;
    request: { version: string; body: unknown };
    read: (body: unknown) => ReadOutcome;
  },
): Promise<DecisionResult> {
  const started = Date.now();
  const sent = await postJson(
    transport,
    `${trimBase(deps.baseUrl)}${call.path}`,
    deps.apiKey,
    call.request.body,
    call.label,
  );
  const base = {
    provider: call.provider,
    model: call.model,
    promptVersion: call.request.version,
    durationMs: Date.now() - started,
    attempts: sent.attempts,
    raw: sent.body,
  };
  if (!sent.ok) return { ...base, usage: null, ok: false, failure: sent.failure };
  return { ...base, ...call.read(sent.body) };
}
