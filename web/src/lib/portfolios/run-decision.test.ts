import { describe, expect, it } from "vitest";
import { decisionTable } from "./run-decision.ts";

describe("decisionTable", () => {
  it("reads a spot decision's orders in the schema's column order", () => {
    const table = decisionTable({
      kind: "spot",
      orders: [
        {
          pair: "BTCUSDT",
          side: "buy",
          quantity: "0.01",
          quantityAsset: "BTC",
          limitPrice: null,
          referencePrice: "60000",
          maxDriftPct: 2,
        },
      ],
      summary: "Buy a little BTC.",
      strategy: "dca",
      rationale: "test",
    });
    expect(table).toMatchObject({ kind: "spot", summary: "Buy a little BTC.", strategy: "dca", rationale: "test" });
    expect(table?.columns[0]).toBe("pair");
    expect(table?.rows).toEqual([["BTCUSDT", "buy", "0.01", "BTC", null, "60000", "2"]]);
  });

  it("reads a futures decision's actions", () => {
    const table = decisionTable({
      kind: "futures",
      actions: [
        {
          symbol: "SOLUSDT",
          action: "OPEN",
          side: "LONG",
          quantity: "10",
          notional: null,
          orderType: "MARKET",
          limitPrice: null,
          leverage: null,
          stopLoss: "95",
          takeProfit: null,
        },
      ],
      summary: "Open long.",
      strategy: "trend",
      rationale: "test",
    });
    expect(table?.kind).toBe("futures");
    expect(table?.rows[0]).toEqual(["SOLUSDT", "OPEN", "LONG", "10", null, "MARKET", null, null, "95", null]);
  });

  it("has no table without a decision", () => {
    expect(decisionTable(null)).toBeNull();
  });
});
