import { describe, expect, it } from "vitest";
import type { AllocationItem } from "#lib/api/client.ts";
import { allocationBars, allocationScale } from "./allocation-bars.ts";

const item = (asset: string, allocationPct: number, min: number | null, target: number | null, max: number | null) =>
  ({
    asset,
    value: "0",
    allocationPct,
    minAllocation: min,
    targetAllocation: target,
    maxAllocation: max,
    belowFloor: false,
  }) satisfies AllocationItem;

describe("allocation bars", () => {
  it("place the bar and its markers on a 0–100 % track", () => {
    expect(allocationBars([item("BTC", 25, 10, 30, 50), item("USDT", 75, null, null, null)])).toEqual([
      { asset: "BTC", now: 25, floor: 10, target: 30, max: 50 },
      { asset: "USDT", now: 75, floor: null, target: null, max: null },
    ]);
  });

  it("widen the track for leveraged futures exposure so everything fits", () => {
    const items = [item("SOL", 240, 0, null, 300)];
    expect(allocationScale(items)).toBe(300);
    expect(allocationBars(items)[0]).toEqual({ asset: "SOL", now: 80, floor: 0, target: null, max: 100 });
  });
});
