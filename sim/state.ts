import { createExchange } from "./engine/exchange.ts";
import { FaultBook } from "./engine/faults.ts";
import { DEFAULT_LIMITS, RateLimitBook } from "./engine/rate-limits.ts";
import type { SimExchange, SimLimits, SimVenue } from "./engine/types.ts";
import { createGoogleIdentity, type GoogleIdentity } from "./google/identity.ts";

/** Everything one simulator process holds; protocol modules and the control API share it. */
export type SimState = {
  seed: number;
  exchanges: Record<SimVenue, SimExchange>;
  faults: FaultBook;
  rateLimits: RateLimitBook;
  /** Mutated in place by the control API, so modules may keep a reference. */
  limits: SimLimits;
  google: GoogleIdentity;
};

export type SimStateOptions = { seed?: number; now?: () => number };

export async function createSimState(options: SimStateOptions = {}): Promise<SimState> {
  const seed = options.seed ?? 42;
  return {
    seed,
    exchanges: {
      binance: createExchange("binance", { seed, now: options.now }),
      bybit: createExchange("bybit", { seed, now: options.now }),
    },
    faults: new FaultBook(),
    rateLimits: new RateLimitBook(),
    limits: { ...DEFAULT_LIMITS },
    google: await createGoogleIdentity(),
  };
}

/** Back to a fresh start: no accounts, orders, price overrides, faults or rate-limit usage; default limits. */
export function resetSimState(state: SimState): void {
  state.exchanges.binance.reset();
  state.exchanges.bybit.reset();
  state.faults.clear();
  state.rateLimits.reset();
  Object.assign(state.limits, DEFAULT_LIMITS);
}
