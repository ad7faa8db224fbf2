import { api, describeError, type RunDetail, type RunStatus } from "#lib/api/client.ts";

/** Where a review stops moving on its own: done, failed, called off, or waiting for the owner. */
export const SETTLED_RUN_STATUSES: readonly RunStatus[] = ["completed", "failed", "aborted", "awaiting_approval"];

export const isSettled = (status: RunStatus) => SETTLED_RUN_STATUSES.includes(status);

const POLL_MS = 1000;

/**
 * Follows one review (reviews run asynchronously in the portfolio's engine) by reading it about every second until
 * it settles. A failed read stops following and keeps the last state, so the page can offer a retry.
 */
export class RunFollower {
  run = $state<RunDetail | null>(null);
  error = $state<string | null>(null);
  following = $state(false);
  #portfolioId: string;
  #runId: string | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #generation = 0;
  readonly #onsettled: (run: RunDetail) => void;

  constructor(portfolioId: string, onsettled: (run: RunDetail) => void) {
    this.#portfolioId = portfolioId;
    this.#onsettled = onsettled;
  }

  follow(runId: string): void {
    this.stop();
    this.#runId = runId;
    if (this.run?.id !== runId) this.run = null;
    this.error = null;
    this.following = true;
    void this.#read(this.#generation);
  }

  /** Follows the same run again after a failed read. */
  retry(): void {
    if (this.#runId) this.follow(this.#runId);
  }

  stop(): void {
    this.#generation += 1;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.following = false;
  }

  async #read(generation: number): Promise<void> {
    const runId = this.#runId;
    if (!runId) return;
    let failure: string | null = null;
    let run: RunDetail | null = null;
    try {
      const { data, error } = await api.GET("/api/portfolios/{id}/runs/{runId}", {
        params: { path: { id: this.#portfolioId, runId } },
      });
      if (data) run = data;
      else failure = describeError(error);
    } catch (err) {
      failure = describeError(err);
    }
    if (generation !== this.#generation) return;
    if (failure !== null || !run) {
      this.error = failure;
      this.following = false;
      return;
    }
    this.run = run;
    if (isSettled(run.status)) {
      this.following = false;
      this.#onsettled(run);
      return;
    }
    this.#timer = setTimeout(() => void this.#read(generation), POLL_MS);
  }
}
