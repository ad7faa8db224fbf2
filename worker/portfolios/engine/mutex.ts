/**
 * One holder at a time, in call order. A Durable Object is single-threaded, but its input gate opens while it awaits
 * a venue or an AI, so two calls can interleave across awaits; work that must not interleave (placing and canceling
 * orders, read-modify-write of the paper account) holds this for its duration.
 */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work, work);
    // The next holder waits for this one to settle, whatever its outcome.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
