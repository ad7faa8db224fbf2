import { t } from "#lib/i18n/locale.svelte.ts";
import { describeError } from "./client.ts";
import { RateLimitRetry } from "./rate-limit-retry.ts";

export type CursorPage<T> = { items: T[]; nextCursor: string | null };
type PageLoader<T> = (cursor: string | undefined) => Promise<{ data?: CursorPage<T>; error?: unknown }>;

/**
 * A list the API pages with `nextCursor` (orders, fills, runs), read one page at a time. The cursors of the pages
 * already seen are kept, so "newer" goes back without the API having to page backwards.
 */
export class CursorPages<T> {
  items = $state<T[] | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  /** 0 for the newest page. */
  page = $state(0);
  #nextCursor = $state<string | null>(null);
  #cursors: (string | undefined)[] = [undefined];
  #request = 0;
  readonly #load: PageLoader<T>;
  readonly #limited = new RateLimitRetry();

  constructor(load: PageLoader<T>) {
    this.#load = load;
  }

  /** Loading with nothing to show yet: a reload of a page on show (a live refresh) keeps showing it instead. */
  get loadingFirst(): boolean {
    return this.loading && this.items === null;
  }

  get hasNext(): boolean {
    return this.#nextCursor !== null;
  }

  get hasPrevious(): boolean {
    return this.page > 0;
  }

  /** Loads the page shown now again (after something changed). */
  reload(): Promise<void> {
    return this.#show(this.page);
  }

  first(): Promise<void> {
    this.#cursors = [undefined];
    return this.#show(0);
  }

  next(): Promise<void> {
    if (this.#nextCursor === null) return Promise.resolve();
    this.#cursors[this.page + 1] = this.#nextCursor;
    return this.#show(this.page + 1);
  }

  previous(): Promise<void> {
    return this.#show(Math.max(0, this.page - 1));
  }

  async #show(page: number): Promise<void> {
    const request = ++this.#request;
    this.#limited.cancel();
    this.loading = true;
    // A failure stays on show until a read succeeds (live refreshes would otherwise make it blink).
    try {
      const { data, error } = await this.#load(this.#cursors[page]);
      // A later request (another page, a refresh) wins over an earlier one that answered late.
      if (request !== this.#request) return;
      if (error !== undefined || !data) {
        const wait = this.#limited.schedule(error, () => void this.#show(page));
        this.error = wait === null ? describeError(error) : t("common.rateLimitedRetrying", { seconds: wait });
        return;
      }
      this.#limited.succeeded();
      this.items = data.items;
      this.#nextCursor = data.nextCursor;
      this.page = page;
      this.error = null;
    } catch (err) {
      if (request === this.#request) this.error = describeError(err);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }
}
