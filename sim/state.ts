import { createExchange } from "./engine/exchange.ts";
import { FaultBook } from "./engine/faults.ts";
import { DEFAULT_LIMITS, RateLimitBook } from "./engine/rate-limits.ts";
import { PriceScenario, type ScenarioName } from "./engine/scenarios.ts";
import type { SimExchange, SimLimits, SimVenue } from "./engine/types.ts";
import { createGoogleIdentity, type GoogleIdentity } from "./google/identity.ts";
import { RequestStats } from "./request-stats.ts";

/** Everything one simulator process holds; protocol modules and the control API share it. */
export type SimState = {
  seed: number;
  exchanges: Record<SimVenue, SimExchange>;
  faults: FaultBook;
  rateLimits: RateLimitBook;
  /** Mutated in place by the control API, so modules may keep a reference. */
  limits: SimLimits;
  /**
   * Binance weight budgets of single clients (by their X-Sim-Client header: the simulator's stand-in for another IP),
   * so a test can spend its own budget without starving the other test files sharing this simulator.
   */
  clientWeightLimits: Map<string, number>;
  /**
   * Count a signed request's Binance weight under its API key (each account as its own IP). The worker tests' shared
   * simulator does this, so dozens of test files running side by side do not spend one IP's budget together and
   * pace each other; `npm start` and the benches count per IP, as the venue does.
   */
  weightPerApiKey: boolean;
  google: GoogleIdentity;
  /** Requests answered per service, status and path (the control API excluded). */
  requests: RequestStats;
  /** The scripted market both venues' prices follow, counted from the simulator's start; null: the default paths. */
  scenario: PriceScenario | null;
  now(): number;
};

export type SimStateOptions = {
  seed?: number;
  now?: () => number;
  scenario?: ScenarioName | null;
  weightPerApiKey?: boolean;
};

export async function createSimState(options: SimStateOptions = {}): Promise<SimState> {
  const seed = options.seed ?? 42;
  const now = options.now ?? Date.now;
  const scenario = options.scenario ? new PriceScenario(options.scenario, now()) : null;
  return {
    seed,
    exchanges: {
      binance: createExchange("binance", { seed, now: options.now, scenario }),
      bybit: createExchange("bybit", { seed, now: options.now, scenario }),
    },
    faults: new FaultBook(),
    rateLimits: new RateLimitBook(),
    limits: { ...DEFAULT_LIMITS },
    clientWeightLimits: new Map(),
    weightPerApiKey: options.weightPerApiKey ?? false,
    google: await createGoogleIdentity(),
    requests: new RequestStats(),
    scenario,
    now,
  };
}

/** Back to a fresh start: no accounts, orders, price overrides, faults, rate-limit usage or request counts; default limits. */
export function resetSimState(state: SimState): void {
  state.exchanges.binance.reset();
  state.exchanges.bybit.reset();
  state.faults.clear();
  state.rateLimits.reset();
  state.requests.reset();
  Object.assign(state.limits, DEFAULT_LIMITS);
  state.clientWeightLimits.clear();
}
