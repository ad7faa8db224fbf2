/**
 * The `Idempotency-Key` of one order form: made when the form opens and sent again when the same submission is
 * retried (a lost answer then replays the first result instead of placing a second order). A changed body gets a
 * fresh key (the API refuses a key reused with another body); a success starts over for the next order.
 */
export class IdempotencyKeys {
  #key: string;
  #body: string | null = null;
  readonly #make: () => string;

  constructor(make: () => string = () => crypto.randomUUID()) {
    this.#make = make;
    this.#key = make();
  }

  /** The key for this request body. */
  keyFor(body: unknown): string {
    const text = JSON.stringify(body);
    if (this.#body !== null && this.#body !== text) this.#key = this.#make();
    this.#body = text;
    return this.#key;
  }

  /** The order went through: the next submission is a new order. */
  done(): void {
    this.#key = this.#make();
    this.#body = null;
  }
}
