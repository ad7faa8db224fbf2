import { describe, expect, it } from "vitest";
import type { Portfolio } from "#lib/api/client.ts";
import { portfolioCounts, totalsByCash } from "./totals.ts";

const portfolio = (cashToken: Portfolio["cashToken"], performance: Portfolio["performance"]) =>
  ({ cashToken, performance }) as Portfolio;
const valued = (equity: string, pnl: string) => ({
  equity,
  pnl,
  pnlPct: "0",
  funding: null,
  at: "2026-01-01T00:00:00Z",
});

describe("totalsByCash", () => {
  it("sums each cash token on its own, with decimal arithmetic", () => {
    const totals = totalsByCash([
      portfolio("USDT", valued("10100.1", "100.1")),
      portfolio("USDC", valued("1900", "-100")),
      portfolio("USDT", valued("5000.2", "0.2")),
      portfolio("USDT", null),
    ]);
    expect(totals).toEqual([
      { cashToken: "USDT", equity: "15100.3", pnl: "100.3", pnlPct: "0.6687", pnlToday: null, valued: 2, unvalued: 1 },
      { cashToken: "USDC", equity: "1900", pnl: "-100", pnlPct: "-5", pnlToday: null, valued: 1, unvalued: 0 },
    ]);
  });

  it("has no percentage without a starting equity", () => {
    expect(totalsByCash([portfolio("USDC", null)])).toEqual([
      { cashToken: "USDC", equity: "0", pnl: "0", pnlPct: null, pnlToday: null, valued: 0, unvalued: 1 },
    ]);
  });

  it("sums PnL today over the portfolios that have one, per cash token", () => {
    const glance = (pnlToday: string | null) => ({
      pnlToday,
      exposurePct: null,
      openPositions: 0,
      openOrders: 0,
      awaitingApproval: 0,
    });
    const totals = totalsByCash([
      { ...portfolio("USDT", valued("1000", "10")), glance: glance("-2.5") },
      { ...portfolio("USDT", valued("2000", "0")), glance: glance("0.75") },
      { ...portfolio("USDT", null), glance: glance(null) },
      { ...portfolio("USDC", null), glance: glance(null) },
    ]);
    expect(totals.map((total) => [total.cashToken, total.pnlToday])).toEqual([
      ["USDT", "-1.75"],
      ["USDC", null],
    ]);
  });
});

describe("portfolioCounts", () => {
  it("counts running and paused portfolios, and adds up positions, open orders and waiting approvals", () => {
    const item = (
      status: Portfolio["status"],
      openPositions: number,
      openOrders: number,
      awaitingApproval: number,
    ) => ({
      status,
      glance: { pnlToday: null, exposurePct: null, openPositions, openOrders, awaitingApproval },
    });
    expect(
      portfolioCounts([
        item("active", 2, 1, 0),
        item("paused", 1, 0, 3),
        item("draft", 0, 0, 0),
        item("active", 0, 2, 1),
      ]),
    ).toEqual({ total: 4, running: 2, paused: 1, openPositions: 3, openOrders: 3, awaitingApproval: 4 });
  });
});
