import { createExchange } from "../../sim/engine/exchange.ts";
import type { ExchangeOptions, SimExchange, SimVenue } from "../../sim/engine/types.ts";

/** A fixed clock the test moves by hand, so matching steps happen exactly when a test says. */
export type TestClock = { now: number; advance(ms: number): void };

export const START = Date.UTC(2026, 0, 15, 12, 0, 0);

export function testClock(start = START): TestClock {
  const clock = {
    now: start,
    advance(ms: number) {
      clock.now += ms;
    },
  };
  return clock;
}

/** An exchange with frozen prices (volatility 0: every symbol sits at its anchor until a test moves it). */
export function frozenExchange(
  venue: SimVenue,
  options: ExchangeOptions = {},
): { exchange: SimExchange; clock: TestClock } {
  const clock = testClock();
  const exchange = createExchange(venue, { seed: 42, volatility: 0, now: () => clock.now, ...options });
  return { exchange, clock };
}
