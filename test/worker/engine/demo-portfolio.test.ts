import { env } from "cloudflare:workers";
import Big from "big.js";
import { describe, expect, it } from "vitest";
import { DEMO_FUTURES_PORTFOLIO } from "../../../scripts/demo-portfolios.ts";
import { clearSharedMarketData } from "../../../worker/exchanges/shared-market-data.ts";
import { connectKey, type SimAccount } from "../accounts/support.ts";
import { signIn, testApp } from "../identity/support.ts";
import { createPortfolio, startSettled } from "../portfolios/support.ts";
import { runNow } from "./support.ts";

/**
 * The demo futures portfolio `npm start` seeds (scripts/demo-portfolios.ts), exactly as seeded, on a simulator running
 * the demo scenario (sim/engine/scenarios.ts), through real reviews: the built-in strategy, the guards, the paper
 * broker on the simulator's public prices. The scenario's clock is moved forward through the simulator's control API
 * instead of waiting for its minutes to pass.
 */

const MINUTE = 60_000;

type Order = {
  symbol: string;
  action: string;
  side: string;
  status: string;
  paper: boolean;
  stopLoss: string | null;
  takeProfit: string | null;
  stopsStatus: string;
  averagePrice: string | null;
};
type Fill = { symbol: string; side: string; price: string; quantity: string; orderId: string };
type Stop = { symbol: string; kind: string; triggerPrice: string };

async function demoSim<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${env.DEMO_SIM_URL}/control${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`demo simulator ${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Jumps the scenario to `elapsedMs` after its start; prices the worker shares for a minute are forgotten. */
async function scenarioAt(elapsedMs: number): Promise<void> {
  await demoSim("POST", "/scenario", { elapsedMs });
  clearSharedMarketData();
}

describe("the demo futures portfolio on the simulator's demo scenario", () => {
  it("opens BTC and ETH with SL and TP at its first review, sees the stops fire minutes later, and its equity moves", async () => {
    await scenarioAt(0);
    const user = await signIn(testApp());
    const account = await demoSim<SimAccount>("POST", "/accounts", { venue: "bybit", spot: { USDT: "10000" } });
    const keyId = await connectKey(user, "bybit", account, env.DEMO_SIM_URL);
    const id = await createPortfolio(user, { ...DEMO_FUTURES_PORTFOLIO.body, exchangeKeyId: keyId });

    // The first review, queued by the start: the trend rule goes long BTC and short ETH, each filled and protected.
    const { run: first } = await startSettled(user, id);
    expect(first.status).toBe("completed");
    const opened = first.orders as unknown as Order[];
    expect(opened).toHaveLength(2);
    const long = opened.find((o) => o.symbol === "BTCUSDT");
    const short = opened.find((o) => o.symbol === "ETHUSDT");
    expect(long).toMatchObject({ action: "OPEN", side: "buy", status: "filled", paper: true, stopsStatus: "placed" });
    expect(short).toMatchObject({ action: "OPEN", side: "sell", status: "filled", paper: true, stopsStatus: "placed" });
    if (!long?.stopLoss || !long.takeProfit || !long.averagePrice || !short?.stopLoss || !short.takeProfit)
      throw new Error("the opening orders carry no SL/TP");
    // The long's stop below its entry and its target above it, the short's the other way round.
    expect(Big(long.stopLoss).lt(long.averagePrice) && Big(long.takeProfit).gt(long.averagePrice)).toBe(true);
    expect(Big(short.stopLoss).gt(short.takeProfit)).toBe(true);
    const held = (await user.get(`/api/portfolios/${id}/positions`)).body as { positions: unknown[]; stops: Stop[] };
    expect(held.positions).toHaveLength(2);
    const price = (value: string) => Big(value).toString();
    expect(held.stops.map((s) => `${s.symbol} ${s.kind} ${price(s.triggerPrice)}`).sort()).toEqual(
      [
        `BTCUSDT stop_loss ${price(long.stopLoss)}`,
        `BTCUSDT take_profit ${price(long.takeProfit)}`,
        `ETHUSDT stop_loss ${price(short.stopLoss)}`,
        `ETHUSDT take_profit ${price(short.takeProfit)}`,
      ].sort(),
    );

    // Eight minutes on: BTC broke out through its take-profit, ETH squeezed through its stop-loss. The next review
    // finds both legs closed by their stops and books the closing fills.
    await scenarioAt(8 * MINUTE);
    const second = await runNow(user, id);
    expect(second.status).toBe("completed");
    const fills = (await user.get(`/api/portfolios/${id}/fills?limit=50`)).body.fills as Fill[];
    const closedBtc = fills.find((f) => f.symbol === "BTCUSDT" && f.side === "sell");
    const closedEth = fills.find((f) => f.symbol === "ETHUSDT" && f.side === "buy");
    if (!closedBtc || !closedEth) throw new Error(`no closing fills among ${JSON.stringify(fills)}`);
    expect(Big(closedBtc.price).gte(long.takeProfit)).toBe(true);
    expect(Big(closedEth.price).gte(short.stopLoss)).toBe(true);
    const after = (await user.get(`/api/portfolios/${id}/positions`)).body as { stops: Stop[] };
    expect(after.stops.filter((s) => s.symbol === "BTCUSDT")).toEqual([]);

    // The equity curve: the start, each review; the take-profit's gain outweighs the stop-loss's loss.
    const curve = (await user.get(`/api/portfolios/${id}/equity`)).body.points as { equity: string }[];
    expect(curve.length).toBeGreaterThanOrEqual(3);
    const equities = curve.map((p) => Big(p.equity));
    const [startEquity] = equities;
    const last = equities.at(-1);
    if (!startEquity || !last) throw new Error("no equity points");
    expect(startEquity.eq(DEMO_FUTURES_PORTFOLIO.body.paperCapital ?? "")).toBe(true);
    expect(last.minus(startEquity).gt(10)).toBe(true);
  });
});
