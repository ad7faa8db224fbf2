import { t } from "#lib/i18n/locale.svelte.ts";
import { describeError } from "./client.ts";
import { RateLimitRetry } from "./rate-limit-retry.ts";

type Loader<T> = () => Promise<{ data?: T; error?: unknown }>;

/** One request's reactive state (data, failure, in flight) for panels that load and reload a list. */
export class Resource<T> {
  data = $state<T | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  readonly #load: Loader<T>;
  readonly #limited = new RateLimitRetry();

  constructor(load: Loader<T>) {
    this.#load = load;
  }

  /** Loading with nothing to show yet: a reload of data on show (a live refresh) keeps showing it instead. */
  get loadingFirst(): boolean {
    return this.loading && this.data === null;
  }

  /** The last data stays on show through a reload, and so does a failure until a read succeeds. */
  async reload(): Promise<void> {
    this.loading = true;
    try {
      this.#limited.cancel();
      const { data, error } = await this.#load();
      if (error !== undefined) {
        const wait = this.#limited.schedule(error, () => void this.reload());
        this.error = wait === null ? describeError(error) : t("common.rateLimitedRetrying", { seconds: wait });
      } else {
        this.data = data ?? null;
        this.error = null;
        this.#limited.succeeded();
      }
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.loading = false;
    }
  }
}
