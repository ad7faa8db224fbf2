import { describe, expect, it } from "vitest";
import type { Portfolio } from "#lib/api/client.ts";
import { totalsByCash } from "./totals.ts";

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
      { cashToken: "USDT", equity: "15100.3", pnl: "100.3", pnlPct: "0.6687", valued: 2, unvalued: 1 },
      { cashToken: "USDC", equity: "1900", pnl: "-100", pnlPct: "-5", valued: 1, unvalued: 0 },
    ]);
  });

  it("has no percentage without a starting equity", () => {
    expect(totalsByCash([portfolio("USDC", null)])).toEqual([
      { cashToken: "USDC", equity: "0", pnl: "0", pnlPct: null, valued: 0, unvalued: 1 },
    ]);
  });
});
