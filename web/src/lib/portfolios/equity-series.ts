import type { EquityPoint } from "#lib/api/client.ts";

/** One chart point: seconds since the epoch (what lightweight-charts' time scale takes) and a value for display. */
export type ChartPoint = { time: number; value: number };

export type EquitySeries = { equity: ChartPoint[]; pnl: ChartPoint[] };

/**
 * The equity curve as chart series, oldest first. The chart needs strictly increasing times in whole seconds, and a
 * start and its first review often land in the same second: a point that would repeat a second moves one second
 * later, so every point is drawn. Numbers are for drawing only; the figures shown as text keep the decimal strings.
 */
export function equitySeries(points: readonly EquityPoint[]): EquitySeries {
  const timed = points
    .map((point) => ({ point, ms: Date.parse(point.at) }))
    .filter(({ ms }) => Number.isFinite(ms))
    .sort((a, b) => a.ms - b.ms);
  const series: EquitySeries = { equity: [], pnl: [] };
  let previous = Number.NEGATIVE_INFINITY;
  for (const { point, ms } of timed) {
    const time = Math.max(Math.floor(ms / 1000), previous + 1);
    previous = time;
    series.equity.push({ time, value: Number(point.equity) });
    series.pnl.push({ time, value: Number(point.pnl) });
  }
  return series;
}

/** First and last point, and the lowest and highest equity: the chart's numbers in words for screen readers. */
export function equityRange(points: readonly EquityPoint[]) {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return null;
  let low = first;
  let high = first;
  for (const point of points) {
    if (Number(point.equity) < Number(low.equity)) low = point;
    if (Number(point.equity) > Number(high.equity)) high = point;
  }
  return { first, last, low, high };
}
