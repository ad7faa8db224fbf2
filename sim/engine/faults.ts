import type { Fault, SimVenue } from "./types.ts";

type RequestFault = Exclude<Fault, { type: "clock_skew" }>;
type ClockSkew = Extract<Fault, { type: "clock_skew" }>;

/**
 * Faults injected by tests. Request faults are consumed by the first matching request; a clock skew shifts the
 * venue's reported server time for its next `count` uses.
 */
export class FaultBook {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push({ ...fault });
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

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }
}
