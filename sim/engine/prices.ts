import { Dec, type Decimal, formatToStep, maxDecimal, roundToStep } from "./decimal.ts";
import { instrumentKey } from "./instruments.ts";
import type { PriceScenario } from "./scenarios.ts";
import type { Candle, Instrument } from "./types.ts";

/**
 * Deterministic price paths. A symbol's log-price is a sum of octaves of seeded value noise (1 s, 4 s, 16 s, … ~12 days),
 * each octave's amplitude growing with the square root of its period, which looks like a random walk in 1-second
 * steps but can be evaluated at any second in O(octaves): the same seed and time always give the same price, and
 * klines over months cost no more than a price lookup per sample. Spot and linear share a symbol's path (the perp
 * tracks spot); `setPrice` re-anchors one market's path at a second. A scenario (scenarios.ts) replaces the path of
 * the symbols it scripts.
 */

const OCTAVES = 11;
/** A scripted symbol keeps the octaves up to 4^7 s (about 4.5 hours): its script supplies the longer moves. */
const SCENARIO_OCTAVES = 8;
/** Scenario noise is read this many seconds after the scenario's start, so hour 0 always sees the same noise. */
const SCENARIO_NOISE_ORIGIN = 1_000_000_000;
const OCTAVE_BASE = 4;
/** Log-return standard deviation per √second: about 3.5% a day. */
const SIGMA_PER_SQRT_SECOND = 1.2e-4;
/** Each side of the book shows this much quote value, so larger resting orders fill over several steps. */
const BOOK_QUOTE_VALUE = 100_000;
/** Volume of a one-minute candle, in quote value, before the ±50% noise. */
const MINUTE_QUOTE_VOLUME = 200_000;
const MAX_SAMPLES_PER_CANDLE = 60;

type Anchor = { second: number; price: number; hold: boolean };

function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Uniform in [0, 1) from a path seed, a stream number and a (possibly > 2^32) integer index. */
function uniform(pathSeed: number, stream: number, index: number): number {
  const low = index >>> 0;
  const high = Math.floor(index / 2 ** 32) >>> 0;
  let h = mix32(pathSeed ^ Math.imul(stream + 1, 0x9e3779b9));
  h = mix32(h ^ low);
  h = mix32(h ^ high);
  return h / 2 ** 32;
}

export class PricePaths {
  private readonly seed: number;
  private readonly volatility: number;
  private readonly anchors = new Map<string, Anchor[]>();
  private readonly scenario: PriceScenario | null;

  constructor(seed: number, volatility: number, scenario: PriceScenario | null = null) {
    this.seed = seed;
    this.volatility = volatility;
    this.scenario = scenario;
  }

  /** The price at `at` (epoch ms), rounded to the tick. Constant within a second. */
  price(instrument: Instrument, at: number): string {
    return formatToStep(this.rounded(instrument, this.rawPrice(instrument, toSecond(at))), instrument.tickSize);
  }

  setPrice(instrument: Instrument, price: string, at: number, hold: boolean): void {
    const key = instrumentKey(instrument.market, instrument.symbol);
    const second = toSecond(at);
    const kept = (this.anchors.get(key) ?? []).filter((anchor) => anchor.second < second);
    kept.push({ second, price: Number(price), hold });
    this.anchors.set(key, kept);
  }

  bookTop(instrument: Instrument, at: number): { bidPrice: string; bidQty: string; askPrice: string; askQty: string } {
    const price = new Dec(this.price(instrument, at));
    const tick = instrument.tickSize;
    const halfSpread = maxDecimal(new Dec(tick), price.times("0.00002"));
    const bid = maxDecimal(roundToStep(price.minus(halfSpread), tick, "down"), new Dec(tick));
    const ask = roundToStep(price.plus(halfSpread), tick, "up");
    const qty = formatToStep(this.bookQuantity(instrument, price), instrument.stepSize);
    return {
      bidPrice: formatToStep(bid, tick),
      bidQty: qty,
      askPrice: formatToStep(ask, tick),
      askQty: qty,
    };
  }

  /** Base quantity shown on each side of the book at this price: at least one step. */
  bookQuantity(instrument: Instrument, price: Decimal): Decimal {
    const qty = roundToStep(new Dec(BOOK_QUOTE_VALUE).div(price), instrument.stepSize, "down");
    return maxDecimal(qty, new Dec(instrument.stepSize));
  }

  /** Candles oldest first; the last one contains `endTime` and is cut at `now` if still open. */
  klines(instrument: Instrument, intervalMs: number, limit: number, endTime: number, now: number): Candle[] {
    const end = Math.min(endTime, now);
    const lastOpen = Math.floor(end / intervalMs) * intervalMs;
    const candles: Candle[] = [];
    for (let i = limit - 1; i >= 0; i--) {
      const openTime = lastOpen - i * intervalMs;
      if (openTime < 0) continue;
      candles.push(this.candle(instrument, openTime, intervalMs, now));
    }
    return candles;
  }

  fundingRate(instrument: Instrument, at: number): string {
    const period = Math.floor(at / (8 * 3600_000));
    const noise = uniform(this.pathSeed(instrument), 7, period) - 0.5;
    return new Dec(0.0001 + noise * 0.0001).toFixed(8);
  }

  reset(): void {
    this.anchors.clear();
  }

  private candle(instrument: Instrument, openTime: number, intervalMs: number, now: number): Candle {
    const first = toSecond(openTime);
    const last = Math.min(toSecond(openTime + intervalMs - 1), toSecond(now));
    const count = last - first + 1;
    const samples = Math.min(count, MAX_SAMPLES_PER_CANDLE);
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    for (let i = 0; i < samples; i++) {
      const second = samples === 1 ? first : first + Math.round((i * (count - 1)) / (samples - 1));
      const value = this.rawPrice(instrument, second);
      high = Math.max(high, value);
      low = Math.min(low, value);
    }
    const format = (value: number) => formatToStep(this.rounded(instrument, value), instrument.tickSize);
    return {
      openTime,
      open: format(this.rawPrice(instrument, first)),
      high: format(high),
      low: format(low),
      close: format(this.rawPrice(instrument, last)),
      volume: this.volume(instrument, openTime, intervalMs),
    };
  }

  private volume(instrument: Instrument, openTime: number, intervalMs: number): string {
    const noise = 0.5 + uniform(this.pathSeed(instrument), 9, Math.floor(openTime / 1000));
    const quoteValue = MINUTE_QUOTE_VOLUME * (intervalMs / 60_000) * noise;
    const base = new Dec(toDecimalText(quoteValue / Number(instrument.anchorPrice)));
    return formatToStep(roundToStep(base, instrument.stepSize, "down"), instrument.stepSize);
  }

  private rawPrice(instrument: Instrument, second: number): number {
    const anchor = this.anchorAt(instrument, second);
    if (!anchor) return Number(instrument.anchorPrice) * Math.exp(this.logOffset(instrument, second));
    if (anchor.hold) return anchor.price;
    return anchor.price * Math.exp(this.logOffset(instrument, second) - this.logOffset(instrument, anchor.second));
  }

  /** The path's log-distance from the anchor price: the seeded noise, or a scenario's shape plus its short noise. */
  private logOffset(instrument: Instrument, second: number): number {
    const script = this.scenario?.script(instrument.symbol);
    if (!this.scenario || !script) return this.noise(instrument, second, OCTAVES);
    const since = second - this.scenario.startSecond + SCENARIO_NOISE_ORIGIN;
    return this.scenario.shape(script, second) + this.noise(instrument, since, SCENARIO_OCTAVES) * script.volatility;
  }

  private anchorAt(instrument: Instrument, second: number): Anchor | undefined {
    const anchors = this.anchors.get(instrumentKey(instrument.market, instrument.symbol));
    if (!anchors) return undefined;
    for (let i = anchors.length - 1; i >= 0; i--) {
      const anchor = anchors[i];
      if (anchor && anchor.second <= second) return anchor;
    }
    return undefined;
  }

  private noise(instrument: Instrument, second: number, octaves: number): number {
    if (this.volatility === 0) return 0;
    const pathSeed = this.pathSeed(instrument);
    let sum = 0;
    for (let octave = 0; octave < octaves; octave++) {
      const period = OCTAVE_BASE ** octave;
      const cell = Math.floor(second / period);
      const fraction = (second - cell * period) / period;
      const from = uniform(pathSeed, octave, cell) * 2 - 1;
      const to = uniform(pathSeed, octave, cell + 1) * 2 - 1;
      sum += (from + (to - from) * fraction) * Math.sqrt(period);
    }
    return sum * SIGMA_PER_SQRT_SECOND * this.volatility * (instrument.volatilityScale ?? 1);
  }

  private pathSeed(instrument: Instrument): number {
    return mix32(this.seed ^ hashString(instrument.symbol));
  }

  private rounded(instrument: Instrument, value: number): Decimal {
    const rounded = roundToStep(new Dec(toDecimalText(value)), instrument.tickSize, "nearest");
    return maxDecimal(rounded, new Dec(instrument.tickSize));
  }
}

function toSecond(at: number): number {
  return Math.floor(at / 1000);
}

function toDecimalText(value: number): string {
  return value.toPrecision(15);
}
