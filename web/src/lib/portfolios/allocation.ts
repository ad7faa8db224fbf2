import Big from "big.js";
import { numberOf, type TokenDraft } from "./draft.ts";

/**
 * One token in the allocation preview: its floor, its target as typed (the floor when none is set) and its cap;
 * `targetBelowFloor` and `overFull` (a value above 100%) are what the API would refuse, shown before saving.
 */
export type AllocationSlice = {
  row: number;
  token: string;
  floor: number;
  target: number;
  max: number | null;
  targetBelowFloor: boolean;
  overFull: boolean;
};

export type AllocationPreview = {
  slices: AllocationSlice[];
  floorsTotal: number;
  targetsTotal: number;
  /** What the targets leave for the cash token (never below 0). */
  cash: number;
  floorsOver: boolean;
  targetsOver: boolean;
};

const percent = (input: string): Big | null => {
  const value = numberOf(input);
  return value === null || !Number.isFinite(value) || value < 0 ? null : Big(value);
};

/**
 * The split the form's rows describe, totalled with decimal arithmetic like the API does (the minimums and the
 * targets may each total at most 100%). Unreadable numbers count as 0 here; the form reports them.
 */
export function allocationPreview(tokens: readonly TokenDraft[]): AllocationPreview {
  let floors = Big(0);
  let targets = Big(0);
  const slices = tokens.map((row) => {
    const floor = percent(row.minAllocation) ?? Big(0);
    const target = percent(row.targetAllocation) ?? floor;
    const max = percent(row.maxAllocation);
    floors = floors.plus(floor);
    // As the API totals them: the target as typed, else the floor.
    targets = targets.plus(target);
    return {
      row: row.row,
      token: row.token.trim().toUpperCase(),
      floor: floor.toNumber(),
      target: target.toNumber(),
      max: max?.toNumber() ?? null,
      targetBelowFloor: target.lt(floor),
      overFull: [floor, target, max ?? Big(0)].some((value) => value.gt(100)),
    };
  });
  const cash = Big(100).minus(targets);
  return {
    slices,
    floorsTotal: floors.toNumber(),
    targetsTotal: targets.toNumber(),
    cash: cash.gt(0) ? cash.toNumber() : 0,
    floorsOver: floors.gt(100),
    targetsOver: targets.gt(100),
  };
}
