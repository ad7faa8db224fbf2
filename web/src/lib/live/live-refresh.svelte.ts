import { Poller } from "./poller.ts";

/** A resource that can read itself again and says whether its last read failed (Resource, CursorPages). */
export type LiveSource = { reload(): Promise<void>; readonly error: string | null };

/**
 * A live resource's poller with reactive state for its panel: when the data on show was last read successfully and
 * whether reading it fails now. `start()` in an `$effect` (its cleanup stops it when the page goes away);
 * `refresh()` for the first load and after an action that changed the resource.
 */
export class LiveRefresh {
  updatedAt = $state<number | null>(null);
  failing = $state(false);
  readonly #poller: Poller;

  constructor(source: LiveSource, intervalMs: number) {
    this.#poller = new Poller(
      async () => {
        await source.reload();
        return source.error === null;
      },
      { intervalMs },
      (state) => {
        this.updatedAt = state.updatedAt;
        this.failing = state.failures > 0;
      },
    );
  }

  start(): () => void {
    return this.#poller.start();
  }

  refresh(): Promise<void> {
    return this.#poller.refresh();
  }
}
