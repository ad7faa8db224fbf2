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

  // Issue #17: "target 150%" after a target of 10 was typed. A new row's minimum was a prefilled "0", so typing 15
  // in front of it made "150"; the preview then showed the floor as the target, hiding the 10 that was typed.
  it("starts a new row with no minimum typed, so typing into it never joins a prefilled 0", () => {
    expect(tokenRow().minAllocation).toBe("");
    expect(allocationPreview([tokenRow({ targetAllocation: "10" })]).slices[0]).toMatchObject({ floor: 0, target: 10 });
  });

  it("shows the target as typed and flags it when it is below the minimum, as the API refuses it", () => {
    const preview = allocationPreview([tokenRow({ token: "btc", minAllocation: "150", targetAllocation: "10" })]);
    expect(preview.slices[0]).toMatchObject({ floor: 150, target: 10, targetBelowFloor: true, overFull: true });
    expect(preview.targetsTotal).toBe(10);
    expect(preview.floorsOver).toBe(true);
    const fine = allocationPreview([tokenRow({ minAllocation: "5", targetAllocation: "10" })]);
    expect(fine.slices[0]).toMatchObject({ floor: 5, target: 10, targetBelowFloor: false, overFull: false });
  });
});
