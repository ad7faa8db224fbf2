/**
 * Counts of the requests the simulator answered, per service (venue or provider), HTTP status and path, so a bench
 * or test can tell how many calls a piece of work made and whether any was refused (429/418). The control API is the
 * harness talking to the simulator, not the system under test, so it is never counted.
 */

export type SimService = "binance" | "bybit" | "openai" | "groq" | "google" | "other";

export type ServiceStats = { total: number; statuses: Record<string, number> };

export type RequestStatsView = {
  /** When counting started (the simulator's start or the last reset). */
  since: string;
  total: number;
  services: Partial<Record<SimService, ServiceStats>>;
  /** `METHOD /path` (no query) → count. */
  paths: Record<string, number>;
  /** The same per venue testnet/demo host, for requests forwarded for one (environments.ts). */
  hosts: Record<string, Record<string, number>>;
  /** The same per simulator API key (signed venue requests), so a test can tell what one key's work sent. */
  keys: Record<string, Record<string, number>>;
};

/** The service a path belongs to, by the venues' and providers' real path families; null for the control API. */
export function serviceOfPath(pathname: string): SimService | null {
  if (pathname === "/control" || pathname.startsWith("/control/")) return null;
  if (/^\/(api|sapi|fapi)\//.test(pathname)) return "binance";
  if (pathname.startsWith("/v5/")) return "bybit";
  if (pathname.startsWith("/openai/")) return "groq";
  if (pathname.startsWith("/v1/")) return "openai";
  if (pathname.startsWith("/google/")) return "google";
  return "other";
}

export class RequestStats {
  #since = Date.now();
  #total = 0;
  readonly #services = new Map<SimService, ServiceStats>();
  readonly #paths = new Map<string, number>();
  readonly #hosts = new Map<string, Map<string, number>>();
  readonly #keys = new Map<string, Map<string, number>>();

  record(
    method: string,
    pathname: string,
    status: number,
    forwardedHost: string | null = null,
    apiKey: string | null = null,
  ): void {
    const service = serviceOfPath(pathname);
    if (!service) return;
    this.#total++;
    let stats = this.#services.get(service);
    if (!stats) {
      stats = { total: 0, statuses: {} };
      this.#services.set(service, stats);
    }
    stats.total++;
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    const path = `${method} ${pathname}`;
    this.#paths.set(path, (this.#paths.get(path) ?? 0) + 1);
    if (apiKey) countIn(this.#keys, apiKey, path);
    if (!forwardedHost) return;
    const host = forwardedHost.toLowerCase();
    const paths = this.#hosts.get(host) ?? new Map<string, number>();
    paths.set(path, (paths.get(path) ?? 0) + 1);
    this.#hosts.set(host, paths);
  }

  view(): RequestStatsView {
    return {
      since: new Date(this.#since).toISOString(),
      total: this.#total,
      services: Object.fromEntries(
        [...this.#services].map(([service, stats]) => [
          service,
          { total: stats.total, statuses: { ...stats.statuses } },
        ]),
      ),
      paths: sortedCounts(this.#paths),
      hosts: Object.fromEntries([...this.#hosts].map(([host, paths]) => [host, sortedCounts(paths)])),
      keys: Object.fromEntries([...this.#keys].map(([key, paths]) => [key, sortedCounts(paths)])),
    };
  }

  reset(): void {
    this.#since = Date.now();
    this.#total = 0;
    this.#services.clear();
    this.#paths.clear();
    this.#hosts.clear();
    this.#keys.clear();
  }
}

function countIn(counts: Map<string, Map<string, number>>, name: string, path: string): void {
  const paths = counts.get(name) ?? new Map<string, number>();
  paths.set(path, (paths.get(path) ?? 0) + 1);
  counts.set(name, paths);
}

function sortedCounts(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}
