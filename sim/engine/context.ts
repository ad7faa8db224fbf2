import type { Decimal } from "./decimal.ts";
import { instrumentKey } from "./instruments.ts";
import type { PricePaths } from "./prices.ts";
import { type Instrument, SimError, type SimMarket, type SimOrder, type SimVenue } from "./types.ts";

/** What the engine's parts share: the venue, the clock, prices, the catalog, id sequences and spot order locks. */
export type EngineContext = {
  venue: SimVenue;
  now(): number;
  paths: PricePaths;
  instruments: Map<string, Instrument>;
  /** Numeric string ids, unique per venue across orders, trades and conditionals. */
  nextId(): string;
  /** Funds a resting or in-flight spot order still holds, by orderId. */
  locks: Map<string, { asset: string; amount: Decimal }>;
};

export function findInstrument(ctx: EngineContext, market: SimMarket, symbol: string): Instrument {
  const instrument = ctx.instruments.get(instrumentKey(market, symbol));
  if (!instrument) throw new SimError("bad_symbol", `unknown ${market} symbol ${symbol}`);
  return instrument;
}

export function tradingInstrument(ctx: EngineContext, market: SimMarket, symbol: string): Instrument {
  const instrument = findInstrument(ctx, market, symbol);
  if (instrument.status !== "trading") throw new SimError("bad_symbol", `${symbol} is not trading (market is closed)`);
  return instrument;
}

export function isOpen(order: SimOrder): boolean {
  return order.status === "new" || order.status === "partially_filled";
}
