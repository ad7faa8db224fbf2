import type { Instrument, SimMarket, SimVenue } from "./types.ts";

/**
 * The default catalog: the same symbols on both venues with filters close to the real ones (exchanges.md §1.5, §2.3,
 * §3.4). TESTUSDT (step 0.5) exercises rounding; HALTUSDT is a spot symbol that is not trading. USDCUSDT and
 * FDUSDUSDT are stablecoin books (the peg Ballast reads), held near 1 by a tiny volatility.
 */
type Listing = {
  symbol: string;
  base: string;
  quote: string;
  anchorPrice: string;
  tickSize: string;
  stepSize: string;
  maxQty: string;
  status?: Instrument["status"];
  volatilityScale?: number;
};

type LinearListing = Listing & { maxLeverage: number; binanceMinNotional: string };

const SPOT: Listing[] = [
  {
    symbol: "BTCUSDT",
    base: "BTC",
    quote: "USDT",
    anchorPrice: "95000",
    tickSize: "0.01",
    stepSize: "0.00001",
    maxQty: "9000",
  },
  {
    symbol: "ETHUSDT",
    base: "ETH",
    quote: "USDT",
    anchorPrice: "3500",
    tickSize: "0.01",
    stepSize: "0.0001",
    maxQty: "9000",
  },
  {
    symbol: "SOLUSDT",
    base: "SOL",
    quote: "USDT",
    anchorPrice: "180",
    tickSize: "0.01",
    stepSize: "0.001",
    maxQty: "90000",
  },
  {
    symbol: "BNBUSDT",
    base: "BNB",
    quote: "USDT",
    anchorPrice: "650",
    tickSize: "0.01",
    stepSize: "0.001",
    maxQty: "90000",
  },
  {
    symbol: "XRPUSDT",
    base: "XRP",
    quote: "USDT",
    anchorPrice: "2.2",
    tickSize: "0.0001",
    stepSize: "0.1",
    maxQty: "9000000",
  },
  {
    symbol: "DOGEUSDT",
    base: "DOGE",
    quote: "USDT",
    anchorPrice: "0.35",
    tickSize: "0.00001",
    stepSize: "1",
    maxQty: "90000000",
  },
  {
    symbol: "ADAUSDT",
    base: "ADA",
    quote: "USDT",
    anchorPrice: "0.9",
    tickSize: "0.0001",
    stepSize: "0.1",
    maxQty: "9000000",
  },
  {
    symbol: "BTCUSDC",
    base: "BTC",
    quote: "USDC",
    anchorPrice: "95000",
    tickSize: "0.01",
    stepSize: "0.00001",
    maxQty: "9000",
  },
  {
    symbol: "ETHUSDC",
    base: "ETH",
    quote: "USDC",
    anchorPrice: "3500",
    tickSize: "0.01",
    stepSize: "0.0001",
    maxQty: "9000",
  },
  {
    symbol: "USDCUSDT",
    base: "USDC",
    quote: "USDT",
    anchorPrice: "1",
    tickSize: "0.0001",
    stepSize: "1",
    maxQty: "90000000",
    volatilityScale: 0.01,
  },
  {
    symbol: "FDUSDUSDT",
    base: "FDUSD",
    quote: "USDT",
    anchorPrice: "1",
    tickSize: "0.0001",
    stepSize: "1",
    maxQty: "90000000",
    volatilityScale: 0.01,
  },
  {
    symbol: "HALTUSDT",
    base: "HALT",
    quote: "USDT",
    anchorPrice: "1",
    tickSize: "0.0001",
    stepSize: "0.1",
    maxQty: "9000000",
    status: "halted",
  },
];

// Binance's USDⓈ-M minimum notional is 100 on BTC and 20 on ETH; Bybit's minNotionalValue is 5 everywhere.
const LINEAR: LinearListing[] = [
  {
    symbol: "BTCUSDT",
    base: "BTC",
    quote: "USDT",
    anchorPrice: "95000",
    tickSize: "0.1",
    stepSize: "0.001",
    maxQty: "1000",
    maxLeverage: 125,
    binanceMinNotional: "100",
  },
  {
    symbol: "ETHUSDT",
    base: "ETH",
    quote: "USDT",
    anchorPrice: "3500",
    tickSize: "0.01",
    stepSize: "0.001",
    maxQty: "10000",
    maxLeverage: 100,
    binanceMinNotional: "20",
  },
  {
    symbol: "SOLUSDT",
    base: "SOL",
    quote: "USDT",
    anchorPrice: "180",
    tickSize: "0.01",
    stepSize: "0.1",
    maxQty: "100000",
    maxLeverage: 50,
    binanceMinNotional: "5",
  },
  {
    symbol: "BNBUSDT",
    base: "BNB",
    quote: "USDT",
    anchorPrice: "650",
    tickSize: "0.01",
    stepSize: "0.01",
    maxQty: "100000",
    maxLeverage: 50,
    binanceMinNotional: "5",
  },
  {
    symbol: "XRPUSDT",
    base: "XRP",
    quote: "USDT",
    anchorPrice: "2.2",
    tickSize: "0.0001",
    stepSize: "0.1",
    maxQty: "10000000",
    maxLeverage: 50,
    binanceMinNotional: "5",
  },
  {
    symbol: "DOGEUSDT",
    base: "DOGE",
    quote: "USDT",
    anchorPrice: "0.35",
    tickSize: "0.00001",
    stepSize: "1",
    maxQty: "50000000",
    maxLeverage: 50,
    binanceMinNotional: "5",
  },
  {
    symbol: "ADAUSDT",
    base: "ADA",
    quote: "USDT",
    anchorPrice: "0.9",
    tickSize: "0.0001",
    stepSize: "1",
    maxQty: "10000000",
    maxLeverage: 50,
    binanceMinNotional: "5",
  },
  {
    symbol: "LINKUSDT",
    base: "LINK",
    quote: "USDT",
    anchorPrice: "20",
    tickSize: "0.001",
    stepSize: "0.01",
    maxQty: "1000000",
    maxLeverage: 50,
    binanceMinNotional: "5",
  },
  {
    symbol: "TESTUSDT",
    base: "TEST",
    quote: "USDT",
    anchorPrice: "10",
    tickSize: "0.01",
    stepSize: "0.5",
    maxQty: "1000000",
    maxLeverage: 50,
    binanceMinNotional: "5",
  },
];

function spotInstrument(listing: Listing): Instrument {
  return {
    symbol: listing.symbol,
    market: "spot",
    base: listing.base,
    quote: listing.quote,
    status: listing.status ?? "trading",
    tickSize: listing.tickSize,
    stepSize: listing.stepSize,
    minQty: listing.stepSize,
    maxQty: listing.maxQty,
    minNotional: "5",
    maxLeverage: 1,
    anchorPrice: listing.anchorPrice,
    ...(listing.volatilityScale === undefined ? {} : { volatilityScale: listing.volatilityScale }),
  };
}

function linearInstrument(venue: SimVenue, listing: LinearListing): Instrument {
  return {
    symbol: listing.symbol,
    market: "linear",
    base: listing.base,
    quote: listing.quote,
    status: listing.status ?? "trading",
    tickSize: listing.tickSize,
    stepSize: listing.stepSize,
    minQty: listing.stepSize,
    maxQty: listing.maxQty,
    minNotional: venue === "binance" ? listing.binanceMinNotional : "5",
    maxLeverage: listing.maxLeverage,
    anchorPrice: listing.anchorPrice,
  };
}

export function defaultInstruments(venue: SimVenue): Instrument[] {
  return [...SPOT.map(spotInstrument), ...LINEAR.map((listing) => linearInstrument(venue, listing))];
}

export function instrumentKey(market: SimMarket, symbol: string): string {
  return `${market}:${symbol}`;
}
