import { describe, expect, it } from "vitest";
import { Dec } from "../../sim/engine/decimal.ts";
import { createSimulatorApp } from "../../sim/server.ts";
import { createSimState } from "../../sim/state.ts";
import { START, testClock } from "./fixtures.ts";

/**
 * The venues' public funding history over the wire (Binance `/fapi/v1/fundingRate`, Bybit `/v5/market/funding/history`
 * and `/v5/market/mark-price-kline`): the real shapes, and the same rates and marks an account crossing the funding
 * time is charged at, so a paper account charged from the history pays what a live one does.
 */

const EIGHT_HOURS = 8 * 3_600_000;
const SYMBOL = "LINKUSDT";
const BOUNDARY = Math.ceil(START / EIGHT_HOURS) * EIGHT_HOURS;

async function simulator() {
  const clock = testClock();
  const state = await createSimState({ seed: 42, now: () => clock.now });
  const app = createSimulatorApp(state);
  const get = async <T>(path: string) => {
    const response = await app.request(path);
    return { status: response.status, body: (await response.json()) as T };
  };
  return { clock, state, get };
}

type BinanceRow = { symbol: string; fundingRate: string; fundingTime: number; markPrice: string };
type BybitEnvelope<T> = { retCode: number; retMsg: string; result: T };

describe("funding history", () => {
  it("Binance: settled rates with their mark, oldest first, as a crossed funding time charged them", async () => {
    const { clock, state, get } = await simulator();
    const exchange = state.exchanges.binance;
    const account = exchange.createAccount({ futuresWallet: "10000" });
    exchange.placeOrder(account, {
      market: "linear",
      symbol: SYMBOL,
      side: "buy",
      type: "market",
      quantity: "100",
      clientOrderId: "long",
    });
    // The clock passes the funding time by a minute: the price moved, the charge is at the funding time's mark.
    clock.now = BOUNDARY + 60_000;
    const [payment] = exchange.fundingPayments(account, 0);
    const since = BOUNDARY - 2 * EIGHT_HOURS;
    const { status, body } = await get<BinanceRow[]>(`/fapi/v1/fundingRate?symbol=${SYMBOL}&startTime=${since}`);
    expect(status).toBe(200);
    expect(body.map((r) => r.fundingTime)).toEqual([since, since + EIGHT_HOURS, BOUNDARY]);
    for (const row of body) {
      expect(Object.keys(row).sort()).toEqual(["fundingRate", "fundingTime", "markPrice", "symbol"]);
      expect(row.symbol).toBe(SYMBOL);
      expect(row.fundingRate).toMatch(/^-?\d+\.\d{8}$/);
      expect(Number(row.markPrice)).toBeGreaterThan(0);
    }
    const last = body.at(-1);
    expect(payment).toMatchObject({ rate: last?.fundingRate, markPrice: last?.markPrice });
    expect(payment?.amount).toBe(
      new Dec(-100)
        .times(last?.markPrice ?? "0")
        .times(last?.fundingRate ?? "0")
        .round(8)
        .toFixed(),
    );
    // `limit` keeps the oldest from startTime; without startTime the newest up to endTime; never past now.
    const limited = await get<BinanceRow[]>(`/fapi/v1/fundingRate?symbol=${SYMBOL}&startTime=${since}&limit=1`);
    expect(limited.body.map((r) => r.fundingTime)).toEqual([since]);
    const newest = await get<BinanceRow[]>(`/fapi/v1/fundingRate?symbol=${SYMBOL}&limit=2`);
    expect(newest.body.map((r) => r.fundingTime)).toEqual([BOUNDARY - EIGHT_HOURS, BOUNDARY]);
    const unknown = await get<{ code: number }>("/fapi/v1/fundingRate?symbol=NOPEUSDT");
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe(-1121);
  });

  it("Bybit: rates newest first without a price, the mark from the hour's mark-price candle", async () => {
    const { clock, state, get } = await simulator();
    clock.now = BOUNDARY + 60_000;
    const since = BOUNDARY - EIGHT_HOURS;
    const refused = await get<BybitEnvelope<unknown>>(
      `/v5/market/funding/history?category=linear&symbol=${SYMBOL}&startTime=${since}`,
    );
    expect(refused.body.retCode).not.toBe(0);
    const { body } = await get<
      BybitEnvelope<{ category: string; list: { symbol: string; fundingRate: string; fundingRateTimestamp: string }[] }>
    >(`/v5/market/funding/history?category=linear&symbol=${SYMBOL}&startTime=${since}&endTime=${clock.now}`);
    expect(body.retCode).toBe(0);
    expect(body.result.category).toBe("linear");
    expect(body.result.list.map((r) => r.fundingRateTimestamp)).toEqual([String(BOUNDARY), String(since)]);
    const [latest] = state.exchanges.bybit.fundingHistory(SYMBOL, {
      from: BOUNDARY,
      to: BOUNDARY,
      limit: 1,
      keep: "newest",
    });
    expect(body.result.list[0]).toEqual({
      symbol: SYMBOL,
      fundingRate: latest?.fundingRate,
      fundingRateTimestamp: String(BOUNDARY),
    });
    const candles = await get<BybitEnvelope<{ list: string[][] }>>(
      `/v5/market/mark-price-kline?category=linear&symbol=${SYMBOL}&interval=60&start=${since}&end=${BOUNDARY}`,
    );
    expect(candles.body.retCode).toBe(0);
    // Newest first: [startTime, open, high, low, close].
    const [newest] = candles.body.result.list;
    expect(newest).toHaveLength(5);
    expect(newest?.[0]).toBe(String(BOUNDARY));
    expect(newest?.[1]).toBe(latest?.markPrice);
  });
});
