/**
 * Scripted market regimes layered over the seeded price paths, counted from the scenario's start instead of the epoch,
 * so every run of the same scenario (and seed) shows the same market. A scripted symbol's log-price is a
 * piecewise-linear shape (knots: hours from the start → % change, flat before the first and after the last) plus the
 * seeded noise's short octaves only (up to about 4.5 hours; the script supplies the longer moves), at the script's
 * volatility. Symbols the scenario does not script keep the default path.
 *
 * `demo` (what `npm start` runs): three days before the start BTC and ETH enter opposite trends, each with a pullback in
 * the last hours (the hourly picture a trend follower acts on: 24- and 72-hour slopes one way, RSI away from the
 * extremes); minutes after the start BTC breaks out upwards and ETH squeezes up against its downtrend, then both
 * settle and drift. Nothing in it knows about any strategy: it is a market with a trend, a pullback and a breakout.
 */

export type ScenarioName = "demo";
export const SCENARIO_NAMES = ["demo"] as const satisfies readonly ScenarioName[];

/** [hours from the start, % change of the price from its level before the first knot]. */
type Knot = readonly [hours: number, pct: number];
type SymbolScript = { knots: readonly Knot[]; volatility: number };

const DEMO: Record<string, SymbolScript> = {
  BTCUSDT: {
    volatility: 0.5,
    knots: [
      [-72, 0],
      [-5, 10],
      [0, 9],
      [0.05, 9.2],
      [0.12, 12.5],
      [6, 13],
      [24, 14],
    ],
  },
  ETHUSDT: {
    volatility: 0.5,
    knots: [
      [-72, 0],
      [-5, -12.5],
      [0, -11.5],
      [0.05, -11.7],
      [0.15, -9.5],
      [6, -10],
      [24, -11.5],
    ],
  },
};

const SCRIPTS: Record<ScenarioName, Record<string, SymbolScript>> = { demo: DEMO };

export class PriceScenario {
  readonly name: ScenarioName;
  /** Epoch second the script's hour 0 falls on; moved by `elapse` to jump forward in the script. */
  startSecond: number;
  private readonly scripts: Record<string, SymbolScript>;

  constructor(name: ScenarioName, startAt: number) {
    this.name = name;
    this.scripts = SCRIPTS[name];
    this.startSecond = Math.floor(startAt / 1000);
  }

  script(symbol: string): SymbolScript | undefined {
    return this.scripts[symbol];
  }

  /** Makes `now` (epoch ms) fall `elapsedMs` after the start, as if that much time had passed since it. */
  elapse(now: number, elapsedMs: number): void {
    this.startSecond = Math.floor((now - elapsedMs) / 1000);
  }

  elapsedMs(now: number): number {
    return now - this.startSecond * 1000;
  }

  /** The scripted log-price offset of `symbol` at epoch `second` (natural log of the shape's factor). */
  shape(script: SymbolScript, second: number): number {
    const hours = (second - this.startSecond) / 3600;
    const { knots } = script;
    const first = knots[0];
    const last = knots.at(-1);
    if (!first || !last) return 0;
    if (hours <= first[0]) return Math.log1p(first[1] / 100);
    if (hours >= last[0]) return Math.log1p(last[1] / 100);
    for (let i = 1; i < knots.length; i++) {
      const [toHours, toPct] = knots[i] as Knot;
      if (hours > toHours) continue;
      const [fromHours, fromPct] = knots[i - 1] as Knot;
      const from = Math.log1p(fromPct / 100);
      const to = Math.log1p(toPct / 100);
      return from + ((to - from) * (hours - fromHours)) / (toHours - fromHours);
    }
    return Math.log1p(last[1] / 100);
  }
}
