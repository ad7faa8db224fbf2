import { Dec } from "../engine/decimal.ts";
import { SimError } from "../engine/types.ts";
import { category, type Endpoint, limitOf, linearOnly, paramsError, str } from "./endpoint.ts";
import { linearInstrumentView, spotInstrumentView } from "./views.ts";

/** Public market data: server time, instruments, tickers, klines (newest first) and the top of the book. */

const KLINE_MS: Record<string, number> = {
  "1": 60_000,
  "3": 180_000,
  "5": 300_000,
  "15": 900_000,
  "30": 1_800_000,
  "60": 3_600_000,
  "120": 7_200_000,
  "240": 14_400_000,
  "360": 21_600_000,
  "720": 43_200_000,
  D: 86_400_000,
  W: 604_800_000,
  M: 2_592_000_000,
};

export const marketEndpoints: Endpoint[] = [
  {
    method: "GET",
    path: "/v5/market/time",
    auth: "public",
    handle: ({ serverTime }) => ({
      timeSecond: String(Math.floor(serverTime / 1000)),
      timeNano: (BigInt(serverTime) * 1_000_000n).toString(),
    }),
  },
  {
    method: "GET",
    path: "/v5/market/instruments-info",
    auth: "public",
    handle({ exchange, params }) {
      const market = category(params);
      const symbol = str(params.symbol);
      const instruments = exchange.instruments(market).filter((i) => symbol === undefined || i.symbol === symbol);
      const list = market === "spot" ? instruments.map(spotInstrumentView) : instruments.map(linearInstrumentView);
      return { category: market, list, nextPageCursor: "" };
    },
  },
  {
    method: "GET",
    path: "/v5/market/tickers",
    auth: "public",
    handle({ exchange, params }) {
      const market = category(params);
      const symbol = str(params.symbol);
      const instruments = exchange.instruments(market).filter((i) => symbol === undefined || i.symbol === symbol);
      if (symbol && instruments.length === 0) throw new SimError("bad_symbol", `unknown symbol ${symbol}`);
      const list = instruments.map((i) => {
        const top = exchange.bookTop(market, i.symbol);
        const last = exchange.price(market, i.symbol);
        const base = {
          symbol: i.symbol,
          bid1Price: top.bidPrice,
          bid1Size: top.bidQty,
          ask1Price: top.askPrice,
          ask1Size: top.askQty,
          lastPrice: last,
          prevPrice24h: last,
          price24hPcnt: "0",
          highPrice24h: last,
          lowPrice24h: last,
          turnover24h: "0",
          volume24h: "0",
        };
        if (market === "spot") return base;
        return {
          ...base,
          indexPrice: last,
          markPrice: last,
          fundingRate: exchange.fundingRate(i.symbol),
          nextFundingTime: String(Math.ceil((exchange.now() + 1) / 28_800_000) * 28_800_000),
          openInterest: exchange.openInterest(i.symbol),
          openInterestValue: new Dec(exchange.openInterest(i.symbol)).times(last).round(2).toFixed(),
        };
      });
      return { category: market, list };
    },
  },
  {
    method: "GET",
    path: "/v5/market/kline",
    auth: "public",
    handle({ exchange, params }) {
      const market = category(params, "linear");
      const symbol = str(params.symbol);
      if (!symbol) throw paramsError("symbol is required");
      const intervalMs = KLINE_MS[str(params.interval) ?? ""];
      if (!intervalMs) throw paramsError("interval invalid");
      const end = str(params.end) ? Number(params.end) : undefined;
      const start = str(params.start) ? Number(params.start) : 0;
      const candles = exchange.klines(market, symbol, intervalMs, limitOf(params, 200, 1000), end);
      // Bybit lists candles newest first (kline.mdx); the engine gives them oldest first.
      const list = candles
        .filter((k) => k.openTime >= start)
        .reverse()
        .map((k) => [
          String(k.openTime),
          k.open,
          k.high,
          k.low,
          k.close,
          k.volume,
          new Dec(k.volume).times(k.close).toFixed(),
        ]);
      return { category: market, symbol, list };
    },
  },
  {
    method: "GET",
    path: "/v5/market/mark-price-kline",
    auth: "public",
    handle({ exchange, params }) {
      const symbol = str(params.symbol);
      if (!symbol) throw paramsError("symbol is required");
      const intervalMs = KLINE_MS[str(params.interval) ?? ""];
      if (!intervalMs) throw paramsError("interval invalid");
      const end = str(params.end) ? Number(params.end) : undefined;
      const start = str(params.start) ? Number(params.start) : 0;
      // The simulator's mark is its last price, so the mark candles are its price candles (no volume).
      const list = exchange
        .klines("linear", symbol, intervalMs, limitOf(params, 200, 1000), end)
        .filter((k) => k.openTime >= start)
        .reverse()
        .map((k) => [String(k.openTime), k.open, k.high, k.low, k.close]);
      return { category: linearOnly(params), symbol, list };
    },
  },
  {
    method: "GET",
    path: "/v5/market/funding/history",
    auth: "public",
    handle({ exchange, params, serverTime }) {
      linearOnly(params);
      const symbol = str(params.symbol);
      if (!symbol) throw paramsError("symbol is required");
      if (!exchange.instrument("linear", symbol)) throw new SimError("bad_symbol", `unknown symbol ${symbol}`);
      const startTime = str(params.startTime);
      const endTime = str(params.endTime);
      // funding-rate-history.mdx: startTime alone is refused; endTime alone answers `limit` rows up to it.
      if (startTime && !endTime) throw paramsError("endTime is required with startTime");
      const records = exchange.fundingHistory(symbol, {
        from: startTime ? Number(startTime) : 0,
        to: endTime ? Number(endTime) : serverTime,
        limit: limitOf(params, 200, 200),
        keep: "newest",
      });
      // Newest first, as the venue lists them.
      const list = records
        .reverse()
        .map((r) => ({ symbol, fundingRate: r.fundingRate, fundingRateTimestamp: String(r.fundingTime) }));
      return { category: "linear", list };
    },
  },
  {
    method: "GET",
    path: "/v5/market/orderbook",
    auth: "public",
    handle({ exchange, params, serverTime }) {
      const market = category(params);
      const symbol = str(params.symbol);
      if (!symbol) throw paramsError("symbol is required");
      const top = exchange.bookTop(market, symbol);
      return {
        s: symbol,
        b: [[top.bidPrice, top.bidQty]],
        a: [[top.askPrice, top.askQty]],
        ts: serverTime,
        u: 1,
        seq: 1,
        cts: serverTime,
      };
    },
  },
];
