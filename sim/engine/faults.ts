import type { Fault, SimVenue } from "./types.ts";

type RequestFault = Exclude<Fault, { type: "clock_skew" }>;
type ClockSkew = Extract<Fault, { type: "clock_skew" }>;

/** A fault as the book keeps it: with the id its test removes it by. */
export type StoredFault = Fault & { id: string };

/**
 * Faults injected by tests. Request faults are consumed by the first matching request; a clock skew shifts the
 * venue's reported server time for its next `count` uses. Each fault has an id so a test removes only its own
 * leftovers: test files share one simulator, and clearing every fault would take another file's.
 */
export class FaultBook {
  private faults: StoredFault[] = [];
  private nextId = 1;

  add(fault: Fault): string {
    const id = `f${this.nextId++}`;
    this.faults.push({ ...fault, id });
    return id;
  }

  /**
   * Returns and removes the first request fault for `venue` (and for `apiKey`, when the fault names one) whose
   * `pathPrefix` matches `request`, given as
   * "METHOD /path" (or just "/path"). A prefix starting with "/" matches the path; one starting with a method
   * ("POST /api/v3/order") matches method and path.
   */
  take(venue: SimVenue, request: string, apiKey: string | null = null): RequestFault | undefined {
    const slash = request.indexOf("/");
    const path = slash < 0 ? request : request.slice(slash);
    const method = (slash < 0 ? "" : request.slice(0, slash)).trim().toUpperCase();
    const index = this.faults.findIndex(
      (fault) =>
        fault.type !== "clock_skew" &&
        fault.venue === venue &&
        (fault.apiKey === undefined || fault.apiKey === apiKey) &&
        (fault.pathPrefix.startsWith("/")
          ? path.startsWith(fault.pathPrefix)
          : `${method} ${path}`.startsWith(fault.pathPrefix)),
    );
    if (index < 0) return undefined;
    const [fault] = this.faults.splice(index, 1);
    return fault as RequestFault;
  }

  /** The active skew for `venue` in ms (0 when none); each call uses up one of the skew's `count`. */
  clockSkewMs(venue: SimVenue): number {
    const index = this.faults.findIndex((fault) => fault.type === "clock_skew" && fault.venue === venue);
    const skew = this.faults[index] as ClockSkew | undefined;
    if (!skew) return 0;
    skew.count--;
    if (skew.count <= 0) this.faults.splice(index, 1);
    return skew.skewMs;
  }

  list(): StoredFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /** Removes the faults with these ids (those already consumed are simply gone). */
  remove(ids: readonly string[]): void {
    const removed = new Set(ids);
    this.faults = this.faults.filter((fault) => !removed.has(fault.id));
  }

  clear(): void {
    this.faults = [];
  }
}
