import { describe, expect, it } from "vitest";
import { createSimulatorApp } from "../../sim/server.ts";
import { createSimState } from "../../sim/state.ts";
import { START, testClock } from "./fixtures.ts";

/**
 * Scripted candles (`POST /control/candles`): exact OHLC for one symbol at one interval, the last scripted candle
 * always the last closed one, so a test's backtest reads known prices whenever it runs; and the funding history
 * inside the window at the script's rate and the candle's open.
 */

const HOUR = 3_600_000;
const FOUR_HOURS = 4 * HOUR;
const CANDLES = [
  { open: "10", high: "10.5", low: "9.8", close: "10.2" },
  { open: "10.2", high: "11", low: "10.1", close: "10.9" },
  { open: "10.9", high: "10.95", low: "9", close: "9.5" },
];

async function simulator() {
  const clock = testClock();
  const state = await createSimState({ seed: 42, now: () => clock.now });
  const app = createSimulatorApp(state);
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await app.request(path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  return { clock, call };
}

type BinanceKline = [number, string, string, string, string, string, ...unknown[]];

describe("scripted candles", () => {
  it("answer the script ending at the last closed candle, then the open candle flat at its close, wherever the clock is", async () => {
    const { clock, call } = await simulator();
    const script = { venue: "binance", market: "linear", symbol: "TESTUSDT", interval: "4h", candles: CANDLES };
    expect((await call("POST", "/control/candles", script)).status).toBe(201);

    for (const now of [START, START + 5 * FOUR_HOURS + 123_456]) {
      clock.now = now;
      const open = Math.floor(now / FOUR_HOURS) * FOUR_HOURS;
      const { status, body } = await call<BinanceKline[]>(
        "GET",
        "/fapi/v1/klines?symbol=TESTUSDT&interval=4h&limit=10",
      );
      expect(status).toBe(200);
      expect(body.map((k) => k[0])).toEqual([3, 2, 1, 0].map((back) => open - back * FOUR_HOURS));
      expect(body.map((k) => k.slice(1, 5))).toEqual([
        ...CANDLES.map((c) => [c.open, c.high, c.low, c.close]),
        ["9.5", "9.5", "9.5", "9.5"],
      ]);
    }
    // Another interval of the symbol, and the same symbol's spot market, keep the seeded path.
    const hourly = await call<BinanceKline[]>("GET", "/fapi/v1/klines?symbol=TESTUSDT&interval=1h&limit=10");
    expect(hourly.body).toHaveLength(10);
    expect(hourly.body.some((k) => CANDLES.every((c) => c.open !== k[1]))).toBe(true);

    expect((await call("DELETE", "/control/candles", script)).status).toBe(200);
    const after = await call<BinanceKline[]>("GET", "/fapi/v1/klines?symbol=TESTUSDT&interval=4h&limit=10");
    expect(after.body).toHaveLength(10);
  });

  it("set the funding history inside the window: the script's rate at the open of the candle it falls in", async () => {
    const { clock, call } = await simulator();
    clock.now = Date.UTC(2026, 0, 15, 9, 30);
    const candles = [...CANDLES, ...CANDLES];
    await call("POST", "/control/candles", {
      venue: "binance",
      market: "linear",
      symbol: "TESTUSDT",
      interval: "4h",
      candles,
      fundingRate: "-0.0003",
    });
    // Six closed 4-hour candles before 08:00 start at 08:00 the day before; funding at 08:00, 16:00, 00:00, 08:00.
    const since = Date.UTC(2026, 0, 14, 0, 0);
    const { body } = await call<{ fundingTime: number; fundingRate: string; markPrice: string }[]>(
      "GET",
      `/fapi/v1/fundingRate?symbol=TESTUSDT&startTime=${since}`,
    );
    const inside = body.filter((r) => r.fundingTime >= Date.UTC(2026, 0, 14, 8));
    expect(inside.map((r) => [r.fundingTime, r.fundingRate, r.markPrice])).toEqual([
      [Date.UTC(2026, 0, 14, 8), "-0.0003", "10"],
      [Date.UTC(2026, 0, 14, 16), "-0.0003", "10.9"],
      [Date.UTC(2026, 0, 15, 0), "-0.0003", "10.2"],
      [Date.UTC(2026, 0, 15, 8), "-0.0003", "9.5"],
    ]);
    // Before the script, the seeded schedule.
    expect(body.find((r) => r.fundingTime === Date.UTC(2026, 0, 14, 0))?.fundingRate).not.toBe("-0.0003");
  });

  it("refuse candles whose high and low do not contain their open and close, and unknown symbols", async () => {
    const { call } = await simulator();
    const bad = await call<{ error: string }>("POST", "/control/candles", {
      venue: "binance",
      market: "linear",
      symbol: "TESTUSDT",
      interval: "1h",
      candles: [{ open: "10", high: "9", low: "8", close: "9" }],
    });
    expect(bad.status).toBe(400);
    const unknown = await call<{ error: string }>("POST", "/control/candles", {
      venue: "binance",
      market: "linear",
      symbol: "NOPEUSDT",
      interval: "1h",
      candles: CANDLES,
    });
    expect(unknown.status).toBe(400);
  });
});
