/**
 * Offset between our clock and the venue's, as the median of the last few samples (Hummingbot's pattern): one slow
 * round trip cannot skew it. Each sample is serverTime − midpoint of the request.
 */
const MAX_SAMPLES = 5;
const REFRESH_AFTER_MS = 10 * 60_000;

export class ClockSync {
  readonly #fetchServerTime: () => Promise<number>;
  readonly #now: () => number;
  #samples: number[] = [];
  #syncedAt = 0;
  #pending: Promise<void> | null = null;

  constructor(fetchServerTime: () => Promise<number>, now: () => number = Date.now) {
    this.#fetchServerTime = fetchServerTime;
    this.#now = now;
  }

  /** Our best estimate of the venue's current time in ms. */
  now(): number {
    return Math.round(this.#now() + this.offsetMs());
  }

  offsetMs(): number {
    if (this.#samples.length === 0) return 0;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  }

  /** Takes a sample when none exists or the last one is stale. */
  async ensureSynced(): Promise<void> {
    if (this.#samples.length > 0 && this.#now() - this.#syncedAt < REFRESH_AFTER_MS) return;
    await this.sample();
  }

  /** After a timestamp rejection: the old samples are wrong, start over. */
  async resync(): Promise<void> {
    this.#samples = [];
    await this.sample();
  }

  sample(): Promise<void> {
    // Concurrent callers share one in-flight request.
    this.#pending ??= this.#takeSample().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  async #takeSample(): Promise<void> {
    const before = this.#now();
    const serverTime = await this.#fetchServerTime();
    const after = this.#now();
    this.#samples.push(serverTime - (before + after) / 2);
    if (this.#samples.length > MAX_SAMPLES) this.#samples.shift();
    this.#syncedAt = after;
  }
}
