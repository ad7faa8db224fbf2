import type { AllocationItem } from "#lib/api/client.ts";

/** Where one asset's bar ends and its floor, target and cap sit, as percentages of the bar's track. */
export type AllocationBar = {
  asset: string;
  now: number;
  floor: number | null;
  target: number | null;
  max: number | null;
};

/**
 * The track spans 0–100 % of equity, or further when a futures portfolio's notional exceeds its equity (leverage),
 * so every bar and marker fits.
 */
export function allocationScale(items: readonly AllocationItem[]): number {
  const highest = Math.max(100, ...items.flatMap((i) => [i.allocationPct, i.maxAllocation ?? 0]));
  return Math.ceil(highest / 10) * 10;
}

export function allocationBars(items: readonly AllocationItem[]): AllocationBar[] {
  const scale = allocationScale(items);
  const at = (pct: number | null) => (pct === null ? null : Math.min(100, Math.max(0, (pct / scale) * 100)));
  return items.map((item) => ({
    asset: item.asset,
    now: at(item.allocationPct) ?? 0,
    floor: at(item.minAllocation),
    target: at(item.targetAllocation),
    max: at(item.maxAllocation),
  }));
}
