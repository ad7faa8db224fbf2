import { describe, expect, it } from "vitest";
import { equityRange, equitySeries } from "./equity-series.ts";

const point = (at: string, equity: string, pnl: string) => ({ at, equity, pnl });

describe("equitySeries", () => {
  it("gives strictly increasing whole seconds, moving a repeated second one later", () => {
    const series = equitySeries([
      point("2026-01-01T00:00:00.100Z", "10000", "0"),
      point("2026-01-01T00:00:00.900Z", "10005.5", "5.5"),
      point("2026-01-01T01:00:00Z", "9990", "-10"),
    ]);
    const second = Date.parse("2026-01-01T00:00:00Z") / 1000;
    expect(series.equity).toEqual([
      { time: second, value: 10000 },
      { time: second + 1, value: 10005.5 },
      { time: second + 3600, value: 9990 },
    ]);
    expect(series.pnl.map((p) => p.value)).toEqual([0, 5.5, -10]);
  });

  it("sorts points that arrive out of order", () => {
    const series = equitySeries([point("2026-01-02T00:00:00Z", "2", "1"), point("2026-01-01T00:00:00Z", "1", "0")]);
    expect(series.equity.map((p) => p.value)).toEqual([1, 2]);
  });
});

describe("equityRange", () => {
  it("names the first, last, lowest and highest point", () => {
    const points = [
      point("2026-01-01T00:00:00Z", "100", "0"),
      point("2026-01-02T00:00:00Z", "90", "-10"),
      point("2026-01-03T00:00:00Z", "120", "20"),
      point("2026-01-04T00:00:00Z", "110", "10"),
    ];
    expect(equityRange(points)).toEqual({ first: points[0], last: points[3], low: points[1], high: points[2] });
    expect(equityRange([])).toBeNull();
  });
});
