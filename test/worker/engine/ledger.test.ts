import Big from "big.js";
import { describe, expect, it } from "vitest";
import { applyFill, type PortfolioLedger, readLedger, valueLedger } from "../../../worker/portfolios/ledger.ts";

/** The ledger's arithmetic: what a portfolio owns after its fills, and what that is worth (exact decimals). */

const spot: PortfolioLedger = { kind: "spot", assets: { USDT: "1000", ETH: "0" } };
const fill = (over: Partial<Parameters<typeof applyFill>[1]>) => ({
  symbol: "ETHUSDT",
  base: "ETH",
  quote: "USDT",
  side: "buy" as const,
  positionSide: "both" as const,
  price: "2000",
  quantity: "0.1",
  fee: "0.0001",
  feeAsset: "ETH",
  ...over,
});

describe("portfolio ledger", () => {
  it("spot fills move base and quote, fees come out of the asset they are charged in", () => {
    const bought = applyFill(spot, fill({}));
    expect(bought).toEqual({ kind: "spot", assets: { USDT: "800", ETH: "0.0999" } });
    const sold = applyFill(
      bought,
      fill({ side: "sell", quantity: "0.05", price: "2100", fee: "0.105", feeAsset: "USDT" }),
    );
    expect(sold).toEqual({ kind: "spot", assets: { USDT: "904.895", ETH: "0.0499" } });
    // A fee in an asset the portfolio does not hold (BNB) does not move it.
    expect(applyFill(spot, fill({ fee: "0.01", feeAsset: "BNB" }))).toEqual({
      kind: "spot",
      assets: { USDT: "800", ETH: "0.1" },
    });
    expect(valueLedger(sold, { USDT: "1", ETH: "2000" }).equity.toFixed()).toBe("1004.695");
    expect(valueLedger(sold, { USDT: "1" }).unpriced).toEqual(["ETH"]);
  });

  it("futures are marked to market: equity = start + realized + unrealized − fees", () => {
    const start: PortfolioLedger = { kind: "futures", asset: "USDT", cash: "1000", positions: {} };
    const long = applyFill(
      start,
      fill({ symbol: "SOLUSDT", base: "SOL", price: "100", quantity: "3", fee: "0.15", feeAsset: "USDT" }),
    );
    expect(long).toEqual({ kind: "futures", asset: "USDT", cash: "699.85", positions: { "SOLUSDT:both": "3" } });
    // Unrealized at 110: 3 × 10 = 30, less the entry fee.
    expect(valueLedger(long, { SOLUSDT: "110" }).equity.toFixed()).toBe("1029.85");
    const reduced = applyFill(
      long,
      fill({ symbol: "SOLUSDT", side: "sell", price: "110", quantity: "1", fee: "0.055", feeAsset: "USDT" }),
    );
    expect(reduced.kind === "futures" && reduced.positions).toEqual({ "SOLUSDT:both": "2" });
    const closed = applyFill(
      reduced,
      fill({ symbol: "SOLUSDT", side: "sell", price: "110", quantity: "2", fee: "0.11", feeAsset: "USDT" }),
    );
    expect(closed).toEqual({ kind: "futures", asset: "USDT", cash: "1029.685", positions: {} });
    expect(Big(valueLedger(closed, {}).equity).eq("1029.685")).toBe(true);
  });

  it("hedge-mode legs are separate positions", () => {
    const start: PortfolioLedger = { kind: "futures", asset: "USDT", cash: "1000", positions: {} };
    const long = applyFill(
      start,
      fill({ symbol: "SOLUSDT", positionSide: "long", price: "100", quantity: "1", fee: "0", feeAsset: "USDT" }),
    );
    const both = applyFill(
      long,
      fill({
        symbol: "SOLUSDT",
        positionSide: "short",
        side: "sell",
        price: "100",
        quantity: "2",
        fee: "0",
        feeAsset: "USDT",
      }),
    );
    expect(both.kind === "futures" && both.positions).toEqual({ "SOLUSDT:long": "1", "SOLUSDT:short": "-2" });
    // Down 10: the long loses 10, the short gains 20.
    expect(valueLedger(both, { SOLUSDT: "90" }).equity.toFixed()).toBe("1010");
  });

  it("reads a stored ledger once per JSON, frozen, and fills still make new ones from it", () => {
    const json = JSON.stringify({ kind: "futures", asset: "USDT", cash: "500", positions: { "BTCUSDT:both": "0.01" } });
    const ledger = readLedger(json);
    expect(readLedger(json)).toBe(ledger);
    if (ledger?.kind !== "futures") throw new Error("not read as futures");
    expect(() => {
      (ledger.positions as Record<string, string>)["BTCUSDT:both"] = "1";
    }).toThrow(TypeError);
    expect(() => {
      (ledger as { cash: string }).cash = "0";
    }).toThrow(TypeError);
    const after = applyFill(
      ledger,
      fill({ symbol: "BTCUSDT", base: "BTC", price: "60000", quantity: "0.01", fee: "0.6", feeAsset: "USDT" }),
    );
    expect(after).toMatchObject({ cash: "-100.6", positions: { "BTCUSDT:both": "0.02" } });
    expect(readLedger(json)).toEqual({
      kind: "futures",
      asset: "USDT",
      cash: "500",
      positions: { "BTCUSDT:both": "0.01" },
    });
    expect(() => readLedger(JSON.stringify({ kind: "spot", assets: { USDT: "ten" } }))).toThrow();
  });
});
