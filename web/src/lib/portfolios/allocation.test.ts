import { describe, expect, it } from "vitest";
import { allocationPreview } from "./allocation.ts";
import { tokenRow } from "./draft.ts";

describe("allocationPreview", () => {
  it("totals floors and targets (a missing target is the floor) and leaves the rest to cash", () => {
    const preview = allocationPreview([
      tokenRow({ token: "btc", minAllocation: "20", targetAllocation: "33.3" }),
      tokenRow({ token: "eth", minAllocation: "33.3", targetAllocation: "" }),
      tokenRow({ token: "sol", minAllocation: "0", targetAllocation: "33.4", maxAllocation: "50" }),
    ]);
    expect(preview.slices.map((s) => [s.token, s.floor, s.target, s.max])).toEqual([
      ["BTC", 20, 33.3, null],
      ["ETH", 33.3, 33.3, null],
      ["SOL", 0, 33.4, 50],
    ]);
    expect(preview.floorsTotal).toBe(53.3);
    expect(preview.targetsTotal).toBe(100);
    expect(preview.cash).toBe(0);
    expect(preview.targetsOver).toBe(false);
  });

  it("flags minimums over 100% and never shows negative cash", () => {
    const preview = allocationPreview([
      tokenRow({ minAllocation: "60" }),
      tokenRow({ minAllocation: "50" }),
      tokenRow({ minAllocation: "abc" }),
    ]);
    expect(preview.floorsOver).toBe(true);
    expect(preview.targetsOver).toBe(true);
    expect(preview.cash).toBe(0);
  });
});
