import { retryAfterSeconds } from "./client.ts";

/** Waits longer than this are left to the reader's retry button. */
const MAX_WAIT_S = 60;
/** Automatic reads again in a row, at most, before the reader's retry button is the way. */
const MAX_RETRIES = 3;

/**
 * A page opening many panels at once can meet the per-user read limit (429 with Retry-After). A panel's reads use
 * one of these to read again by themselves once allowed, instead of leaving an error the reader must clear by hand.
 */
export class RateLimitRetry {
  #retries = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** After a failed read: schedules `again` when it was a short 429; answers the wait (s), or null when not. */
  schedule(error: unknown, again: () => void): number | null {
    const wait = retryAfterSeconds(error);
    if (wait === null || wait > MAX_WAIT_S || this.#retries >= MAX_RETRIES) return null;
    this.#retries++;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(again, wait * 1000);
    return wait;
  }

  /** A read is starting anyway (a refresh, a click): the scheduled one is not needed. */
  cancel(): void {
    clearTimeout(this.#timer);
  }

  /** A read succeeded: the next limit starts a new run of retries. */
  succeeded(): void {
    this.#retries = 0;
  }
}
