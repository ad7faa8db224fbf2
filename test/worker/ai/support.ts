import { env } from "cloudflare:workers";
import type { FuturesDecisionInput, SpotDecisionInput, TokenMarketContext } from "../../../worker/ai/decision-input.ts";
import type { Market } from "../../../worker/exchanges/contract.ts";

/** Fixed portfolios and markets for the AI tests (no clock, no randomness). */

export function spotMarket(symbol: string, base: string, quote: string, over: Partial<Market> = {}): Market {
  return {
    venue: "binance",
    type: "spot",
    symbol,
    base,
    quote,
    status: "trading",
    tickSize: "0.01",
    stepSize: "0.00001",
    marketStepSize: null,
    minQty: "0.00001",
    maxQty: "9000",
    maxMarketQty: null,
    minNotional: "5",
    minLeverage: null,
    maxLeverage: null,
    ...over,
  };
}

export function linearMarket(symbol: string, base: string, over: Partial<Market> = {}): Market {
  return {
    ...spotMarket(symbol, base, "USDT"),
    type: "linear",
    tickSize: "0.1",
    stepSize: "0.001",
    minQty: "0.001",
    minNotional: "5",
    minLeverage: 1,
    maxLeverage: 100,
    ...over,
  };
}

export function context(symbol: string, asset: string, over: Partial<TokenMarketContext> = {}): TokenMarketContext {
  return {
    asset,
    symbol,
    interval: "1h",
    lastClose: 100,
    returns: { "1": 0, "4": 0, "24": 0, "168": 0 },
    rsi14: 50,
    atr14Pct: 1,
    trendSlopePct: { "24": 0, "72": 0 },
    volumeAnomaly: 1,
    book: { mid: 100, spreadBps: 1, imbalance: 0 },
    riskFlags: [],
    error: null,
    ...over,
  };
}

const header = (instructions = "") => ({
  id: "pf-1",
  name: "Core",
  venue: "binance" as const,
  reviewIntervalMinutes: 60,
  cashAsset: "USDT",
  instructions,
});

/**
 * 10 000 USD: BTC 6 000 (60 %, floor 10), ETH 1 000 (10 %, floor 5), USDT 3 000 (30 %, floor 10).
 * Targets: ETH and BTC have none, so they share 90 % evenly (45 % each); USDT keeps its 10 % floor.
 */
export function spotInput(over: Partial<SpotDecisionInput> = {}): SpotDecisionInput {
  return {
    kind: "spot",
    at: "2026-11-24T12:00:00.000Z",
    portfolio: header(),
    totalValueUsd: "10000",
    positions: [
      {
        asset: "USDT",
        free: "3000",
        locked: "0",
        priceUsd: "1",
        valueUsd: "3000",
        allocationPct: 30,
        minAllocationPct: 10,
        targetPct: null,
      },
      {
        asset: "BTC",
        free: "0.1",
        locked: "0",
        priceUsd: "60000",
        valueUsd: "6000",
        allocationPct: 60,
        minAllocationPct: 10,
        targetPct: null,
      },
      {
        asset: "ETH",
        free: "0.5",
        locked: "0",
        priceUsd: "2000",
        valueUsd: "1000",
        allocationPct: 10,
        minAllocationPct: 5,
        targetPct: null,
      },
    ],
    routes: [
      {
        symbol: "BTCUSDT",
        base: "BTC",
        quote: "USDT",
        last: "60000",
        bid: "59999.99",
        ask: "60000.01",
        market: spotMarket("BTCUSDT", "BTC", "USDT"),
      },
      {
        symbol: "ETHUSDT",
        base: "ETH",
        quote: "USDT",
        last: "2000",
        bid: "1999.99",
        ask: "2000.01",
        market: spotMarket("ETHUSDT", "ETH", "USDT", { stepSize: "0.0001", minQty: "0.0001" }),
      },
      {
        symbol: "ETHBTC",
        base: "ETH",
        quote: "BTC",
        last: "0.033333",
        bid: "0.033332",
        ask: "0.033334",
        market: spotMarket("ETHBTC", "ETH", "BTC", {
          tickSize: "0.000001",
          stepSize: "0.0001",
          minQty: "0.0001",
          minNotional: "0.0001",
        }),
      },
    ],
    pnl: null,
    previousRuns: [],
    marketContext: [context("BTCUSDT", "BTC", { lastClose: 60000 }), context("ETHUSDT", "ETH", { lastClose: 2000 })],
    signals: [],
    limits: { maxOrderUsd: null, toleranceBandPct: 5 },
    ...over,
  };
}

/** 10 000 USDT wallet, no positions, BTC and ETH perpetuals, max 5×, exposure 20 000, stops 0.5–10 %. */
export function futuresInput(over: Partial<FuturesDecisionInput> = {}): FuturesDecisionInput {
  return {
    kind: "futures",
    at: "2026-11-24T12:00:00.000Z",
    portfolio: header(),
    wallet: {
      asset: "USDT",
      walletBalance: "10000",
      availableBalance: "10000",
      marginBalance: "10000",
      unrealizedPnl: "0",
    },
    positionMode: "one_way",
    positions: [],
    stops: [],
    instruments: [
      {
        symbol: "BTCUSDT",
        base: "BTC",
        last: "60000",
        mark: "60000",
        fundingRate: "0.0001",
        market: linearMarket("BTCUSDT", "BTC"),
      },
      {
        symbol: "ETHUSDT",
        base: "ETH",
        last: "2000",
        mark: "2000",
        fundingRate: "0.0001",
        market: linearMarket("ETHUSDT", "ETH", { tickSize: "0.01", stepSize: "0.01", minQty: "0.01" }),
      },
    ],
    pnl: null,
    previousRuns: [],
    marketContext: [context("BTCUSDT", "BTC", { lastClose: 60000 }), context("ETHUSDT", "ETH", { lastClose: 2000 })],
    signals: [],
    limits: {
      maxLeverage: 5,
      defaultLeverage: 3,
      maxExposureUsd: "20000",
      maxOrderUsd: "15000",
      stopLossMinPct: 0.5,
      stopLossMaxPct: 10,
      riskPerTradePct: 1,
    },
    ...over,
  };
}

/** The simulator's AI control API (reached over real loopback HTTP from workerd). */
export async function simAiKey(provider: "openai" | "groq"): Promise<string> {
  const res = await fetch(`${env.SIM_URL}/control/ai/keys`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ provider }),
  });
  return ((await res.json()) as { apiKey: string }).apiKey;
}

export async function script(apiKey: string, steps: unknown[]): Promise<void> {
  const res = await fetch(`${env.SIM_URL}/control/ai/script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ apiKey, steps }),
  });
  if (res.status !== 201) throw new Error(`script failed: ${res.status} ${await res.text()}`);
}

export async function simRequests(apiKey: string): Promise<{ path: string; body: Record<string, unknown> }[]> {
  const res = await fetch(`${env.SIM_URL}/control/ai/requests?apiKey=${encodeURIComponent(apiKey)}`);
  return ((await res.json()) as { requests: { path: string; body: Record<string, unknown> }[] }).requests;
}
