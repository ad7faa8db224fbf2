import { instrumentKey } from "./instruments.ts";
import type { Candle, SimFundingRecord, SimMarket } from "./types.ts";

/**
 * Scripted candles for tests that need exact OHLC (a backtest that must hit a stop-loss at a known price): one
 * symbol's candles at one interval are the script, placed so its last candle is always the last closed one, whenever
 * it is read (a test never races a candle boundary), followed by the open candle, flat at the last close. Older
 * candles do not exist (a market listed at the script's start). Only that interval is scripted: other intervals, the
 * ticker and matching keep the seeded path. A linear script also sets the public funding history inside its window:
 * the script's rate, at the open of the candle the funding time falls in (the price at that time).
 */

export type ScriptedCandle = { open: string; high: string; low: string; close: string; volume?: string };
export type CandleScript = {
  market: SimMarket;
  symbol: string;
  intervalMs: number;
  candles: ScriptedCandle[];
  fundingRate: string;
};

export class CandleScripts {
  private readonly scripts = new Map<string, CandleScript>();

  set(script: CandleScript): void {
    this.scripts.set(instrumentKey(script.market, script.symbol), script);
  }

  delete(market: SimMarket, symbol: string): void {
    this.scripts.delete(instrumentKey(market, symbol));
  }

  clear(): void {
    this.scripts.clear();
  }

  /** The script's candles at `now` (oldest first, the open one last), or null when this interval is not scripted. */
  klines(market: SimMarket, symbol: string, intervalMs: number, limit: number, endTime: number, now: number) {
    const script = this.scripts.get(instrumentKey(market, symbol));
    if (!script || script.intervalMs !== intervalMs) return null;
    return placed(script, now)
      .filter((candle) => candle.openTime <= endTime)
      .slice(-limit);
  }

  /** Funding records with the script's rate and price for the times inside its window; the others as they were. */
  fundingHistory(symbol: string, records: SimFundingRecord[], now: number): SimFundingRecord[] {
    const script = this.scripts.get(instrumentKey("linear", symbol));
    if (!script) return records;
    const candles = placed(script, now);
    const first = candles[0]?.openTime ?? Number.POSITIVE_INFINITY;
    return records.map((record) => {
      if (record.fundingTime < first) return record;
      const openTime = Math.floor(record.fundingTime / script.intervalMs) * script.intervalMs;
      const candle = candles.find((c) => c.openTime === openTime);
      return candle ? { ...record, fundingRate: script.fundingRate, markPrice: candle.open } : record;
    });
  }
}

function placed(script: CandleScript, now: number): Candle[] {
  const { intervalMs, candles } = script;
  const openNow = Math.floor(now / intervalMs) * intervalMs;
  const firstOpen = openNow - candles.length * intervalMs;
  const last = candles.at(-1);
  const list: Candle[] = candles.map((candle, i) => ({
    openTime: firstOpen + i * intervalMs,
    open: candle.open,
    high: candle.high,
    low: candle.low,
    close: candle.close,
    volume: candle.volume ?? "1000",
  }));
  if (last)
    list.push({
      openTime: openNow,
      open: last.close,
      high: last.close,
      low: last.close,
      close: last.close,
      volume: "0",
    });
  return list;
}
