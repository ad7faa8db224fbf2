/**
 * Keeps one live resource fresh while its page is open: it reads again every `intervalMs`, waits while the tab is
 * hidden and reads at once when the tab comes back or regains focus, backs off after failures (doubling up to
 * `maxBackoffMs`), and never has two reads of the resource in flight. Plain TypeScript (no runes) so its timing is
 * unit-tested with fake timers; `LiveResource` gives it reactive state for components.
 */

/** What a poller needs from the page: whether it is hidden, and a way to hear that it is shown again. */
export type PageVisibility = {
  isHidden(): boolean;
  /** Calls `listener` when the page becomes visible or gains focus; answers the unsubscribe. */
  onShown(listener: () => void): () => void;
};

export type PollerOptions = {
  intervalMs: number;
  maxBackoffMs?: number;
  visibility?: PageVisibility;
  now?: () => number;
};

/** Reads the resource; true when it answered (the data on show is fresh), false when it failed. */
export type PollRead = () => Promise<boolean>;

export type PollState = {
  /** When the last read that succeeded finished (ms since the epoch), null before the first one. */
  updatedAt: number | null;
  /** Failed reads in a row since the last success. */
  failures: number;
};

export const browserVisibility: PageVisibility = {
  isHidden: () => typeof document !== "undefined" && document.visibilityState === "hidden",
  onShown(listener) {
    if (typeof document === "undefined") return () => {};
    const visible = () => {
      if (document.visibilityState === "visible") listener();
    };
    document.addEventListener("visibilitychange", visible);
    window.addEventListener("focus", listener);
    return () => {
      document.removeEventListener("visibilitychange", visible);
      window.removeEventListener("focus", listener);
    };
  },
};

/** Shown again within this long after a read started: no new read (focus and visibility often fire together). */
const SHOWN_AGAIN_MS = 2_000;

export class Poller {
  readonly #read: PollRead;
  readonly #intervalMs: number;
  readonly #maxBackoffMs: number;
  readonly #visibility: PageVisibility;
  readonly #now: () => number;
  readonly #onchange: (state: PollState) => void;
  #state: PollState = { updatedAt: null, failures: 0 };
  #inFlight: Promise<void> | null = null;
  /** A refresh asked for while a read was in flight: one more read follows it (its answer may predate the change). */
  #again: Promise<void> | null = null;
  #lastStart = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #unsubscribe: (() => void) | null = null;
  #running = false;

  constructor(read: PollRead, options: PollerOptions, onchange: (state: PollState) => void = () => {}) {
    this.#read = read;
    this.#intervalMs = options.intervalMs;
    this.#maxBackoffMs = options.maxBackoffMs ?? Math.max(options.intervalMs, 5 * 60_000);
    this.#visibility = options.visibility ?? browserVisibility;
    this.#now = options.now ?? Date.now;
    this.#onchange = onchange;
  }

  get state(): PollState {
    return this.#state;
  }

  get inFlight(): boolean {
    return this.#inFlight !== null;
  }

  /** Starts the schedule (the first read is the caller's `refresh()`); answers `stop`, for an `$effect` cleanup. */
  start(): () => void {
    if (this.#running) return () => this.stop();
    this.#running = true;
    this.#unsubscribe = this.#visibility.onShown(() => this.#shown());
    if (!this.#inFlight) this.#schedule();
    return () => this.stop();
  }

  /** Stops reading (the page navigated away); a read in flight finishes but schedules nothing. */
  stop(): void {
    this.#running = false;
    this.#clearTimer();
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /**
   * Reads now (first load, or an action changed the resource). With a read in flight, one more read follows it
   * instead of a second one in parallel; later calls meanwhile share that same follow-up.
   */
  refresh(): Promise<void> {
    if (!this.#inFlight) return this.#start();
    this.#again ??= this.#inFlight.then(() => {
      this.#again = null;
      return this.#start();
    });
    return this.#again;
  }

  /** The delay before the next read: the interval, doubled per failure in a row, at most `maxBackoffMs`. */
  get nextDelayMs(): number {
    const { failures } = this.#state;
    if (failures === 0) return this.#intervalMs;
    return Math.min(this.#intervalMs * 2 ** failures, this.#maxBackoffMs);
  }

  #start(): Promise<void> {
    this.#clearTimer();
    this.#lastStart = this.#now();
    // Always asynchronous, so a read that throws at once still leaves `#inFlight` set until it settles.
    const read = Promise.resolve()
      .then(() => this.#read())
      .then(
        (ok) => ok,
        () => false,
      )
      .then((ok) => this.#finish(ok));
    this.#inFlight = read;
    return read;
  }

  #finish(ok: boolean): void {
    this.#state = ok
      ? { updatedAt: this.#now(), failures: 0 }
      : { updatedAt: this.#state.updatedAt, failures: this.#state.failures + 1 };
    this.#inFlight = null;
    this.#onchange(this.#state);
    if (this.#running && !this.#again) this.#schedule();
  }

  #schedule(): void {
    this.#clearTimer();
    this.#timer = setTimeout(() => this.#tick(), this.nextDelayMs);
  }

  #tick(): void {
    this.#timer = null;
    if (!this.#running || this.#inFlight) return;
    // Hidden: nothing is read until the tab is shown again (#shown reads at once then).
    if (this.#visibility.isHidden()) return;
    void this.#start();
  }

  #shown(): void {
    if (!this.#running || this.#inFlight || this.#visibility.isHidden()) return;
    if (this.#now() - this.#lastStart < SHOWN_AGAIN_MS) return;
    void this.#start();
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
