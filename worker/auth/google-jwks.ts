import type { Jwks } from "./google-id-token.ts";

type CacheEntry = { jwks: Jwks; expiresAt: number; fetchedAt: number };

const cache = new Map<string, CacheEntry>();
const DEFAULT_TTL_MS = 3_600_000;
/** A forged token with a random `kid` must not make us hammer Google: refresh at most this often. */
const MIN_REFRESH_INTERVAL_MS = 60_000;

/** Fetches a JWKS and caches it per isolate for as long as its Cache-Control max-age allows. */
export async function fetchJwksCached(url: string, refresh: boolean, fetcher: typeof fetch = fetch): Promise<Jwks> {
  const now = Date.now();
  const entry = cache.get(url);
  const canRefresh = !entry || now - entry.fetchedAt > MIN_REFRESH_INTERVAL_MS;
  if (entry && now < entry.expiresAt && !(refresh && canRefresh)) return entry.jwks;
  // A redirect is refused like any other non-200: signing keys come from the configured URL only.
  const response = await fetcher(url, { signal: AbortSignal.timeout(10_000), redirect: "manual" });
  if (!response.ok) {
    if (entry) return entry.jwks;
    throw new Error(`JWKS fetch answered HTTP ${response.status}`);
  }
  const jwks = (await response.json()) as Jwks;
  const maxAge = /max-age=(\d+)/.exec(response.headers.get("cache-control") ?? "")?.[1];
  cache.set(url, { jwks, fetchedAt: now, expiresAt: now + (maxAge ? Number(maxAge) * 1000 : DEFAULT_TTL_MS) });
  return jwks;
}
