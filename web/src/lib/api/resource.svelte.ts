import { describeError } from "./client.ts";

type Loader<T> = () => Promise<{ data?: T; error?: unknown }>;

/** One request's reactive state (data, failure, in flight) for panels that load and reload a list. */
export class Resource<T> {
  data = $state<T | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  readonly #load: Loader<T>;

  constructor(load: Loader<T>) {
    this.#load = load;
  }

  async reload(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const { data, error } = await this.#load();
      if (error !== undefined) this.error = describeError(error);
      else this.data = data ?? null;
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.loading = false;
    }
  }
}
