import type { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createExchange } from "../../sim/engine/exchange.ts";
import { PriceScenario } from "../../sim/engine/scenarios.ts";
import { createSimulatorApp } from "../../sim/server.ts";
import { createSimState } from "../../sim/state.ts";
import { START, testClock } from "./fixtures.ts";

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Both venues' exchanges on one demo scenario that started at `startAt`, read on a clock the test moves. */
function demoMarket(startAt: number) {
  const clock = testClock(startAt);
  const scenario = new PriceScenario("demo", startAt);
  const options = { seed: 42, now: () => clock.now, scenario };
  return { clock, binance: createExchange("binance", options), bybit: createExchange("bybit", options) };
}

const change = (from: string, to: string) => Number(to) / Number(from) - 1;

describe("the demo price scenario", () => {
  it("shows the same market at the same time after its start, whenever it starts and on either venue", () => {
    const first = demoMarket(START);
    // 3 h 17 min 23 s later: another hour phase, other epoch seconds; the script counts from its own start.
    const second = demoMarket(START + 3 * HOUR + 17 * MINUTE + 23_000);
    for (const elapsed of [-50 * HOUR, -3 * HOUR, 0, 4 * MINUTE, 2 * HOUR]) {
      first.clock.now = START + elapsed;
      second.clock.now = START + 3 * HOUR + 17 * MINUTE + 23_000 + elapsed;
      for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
        expect(second.bybit.price("linear", symbol)).toBe(first.bybit.price("linear", symbol));
        // One path on both venues, up to their tick sizes.
        const venues = change(first.binance.price("spot", symbol), first.bybit.price("linear", symbol));
        expect(Math.abs(venues)).toBeLessThan(1e-5);
      }
    }
  });

  it("leaves the symbols it does not script on the default path", () => {
    const { clock, bybit } = demoMarket(START);
    const plain = createExchange("bybit", { seed: 42, now: () => clock.now });
    for (const elapsed of [-HOUR, 0, 5 * MINUTE]) {
      clock.now = START + elapsed;
      expect(bybit.price("linear", "SOLUSDT")).toBe(plain.price("linear", "SOLUSDT"));
      expect(plain.price("linear", "BTCUSDT")).not.toBe(bybit.price("linear", "BTCUSDT"));
    }
  });

  it("trends BTC up and ETH down for three days, pulls both back, then moves them up within minutes", () => {
    const { clock, bybit } = demoMarket(START);
    const at = (elapsed: number, symbol: string) => {
      clock.now = START + elapsed;
      return bybit.price("linear", symbol);
    };
    // The setup: a three-day trend each way with a pullback in the last hours.
    expect(change(at(-72 * HOUR, "BTCUSDT"), at(-5 * HOUR, "BTCUSDT"))).toBeGreaterThan(0.07);
    expect(change(at(-5 * HOUR, "BTCUSDT"), at(0, "BTCUSDT"))).toBeLessThan(0);
    expect(change(at(-72 * HOUR, "ETHUSDT"), at(-5 * HOUR, "ETHUSDT"))).toBeLessThan(-0.08);
    expect(change(at(-5 * HOUR, "ETHUSDT"), at(0, "ETHUSDT"))).toBeGreaterThan(0);
    // The minutes after the start: BTC breaks out upwards, ETH squeezes up against its trend, and both hold there.
    expect(change(at(0, "BTCUSDT"), at(8 * MINUTE, "BTCUSDT"))).toBeGreaterThan(0.025);
    expect(change(at(0, "BTCUSDT"), at(60 * MINUTE, "BTCUSDT"))).toBeGreaterThan(0.025);
    expect(change(at(0, "ETHUSDT"), at(10 * MINUTE, "ETHUSDT"))).toBeGreaterThan(0.015);
    expect(change(at(0, "ETHUSDT"), at(60 * MINUTE, "ETHUSDT"))).toBeGreaterThan(0.015);
    // Still a market: one-second steps stay small.
    clock.now = START;
    let previous = Number(bybit.price("linear", "BTCUSDT"));
    for (let second = 1; second <= 15 * 60; second++) {
      clock.now = START + second * 1000;
      const price = Number(bybit.price("linear", "BTCUSDT"));
      expect(Math.abs(price / previous - 1)).toBeLessThan(0.003);
      previous = price;
    }
  });

  it("is read and moved through the control API, and refused where the simulator runs none", async () => {
    const clock = testClock();
    const state = await createSimState({ seed: 42, now: () => clock.now, scenario: "demo" });
    const app = createSimulatorApp(state);
    const call = async (target: Hono, method: string, path: string, body?: unknown) => {
      const res = await target.request(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    clock.advance(90_000);
    expect(await call(app, "GET", "/control/scenario")).toEqual({
      status: 200,
      body: { name: "demo", elapsedMs: 90_000 },
    });
    const before = state.exchanges.bybit.price("linear", "BTCUSDT");
    expect(await call(app, "POST", "/control/scenario", { elapsedMs: 8 * MINUTE })).toEqual({
      status: 200,
      body: { name: "demo", elapsedMs: 8 * MINUTE },
    });
    expect(change(before, state.exchanges.bybit.price("linear", "BTCUSDT"))).toBeGreaterThan(0.02);
    expect((await call(app, "POST", "/control/scenario", { elapsedMs: -1 })).status).toBe(400);
    expect((await call(app, "POST", "/control/scenario", { elapsedMs: 1, extra: true })).status).toBe(400);

    const plain = createSimulatorApp(await createSimState({ seed: 42, now: () => clock.now }));
    expect(await call(plain, "GET", "/control/scenario")).toEqual({
      status: 200,
      body: { name: null, elapsedMs: null },
    });
    expect((await call(plain, "POST", "/control/scenario", { elapsedMs: 0 })).status).toBe(409);
  });
});
