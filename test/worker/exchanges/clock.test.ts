import { describe, expect, it } from "vitest";
import { ClockSync } from "../../../worker/exchanges/clock.ts";

describe("ClockSync", () => {
  it("uses the median offset of recent samples, ignoring one outlier", async () => {
    let local = 1_000_000;
    const offsets = [500, 520, 40_000, 510, 505];
    let i = 0;
    const clock = new ClockSync(
      async () => local + (offsets[i++] ?? 0),
      () => local,
    );
    for (let n = 0; n < offsets.length; n++) await clock.sample();
    expect(clock.offsetMs()).toBe(510);
    local += 10;
    expect(clock.now()).toBe(1_000_010 + 510);
  });

  it("syncs once, then again only after a resync", async () => {
    let calls = 0;
    const clock = new ClockSync(async () => {
      calls++;
      return Date.now() + 2_000;
    });
    await clock.ensureSynced();
    await clock.ensureSynced();
    expect(calls).toBe(1);
    await clock.resync();
    expect(calls).toBe(2);
    expect(Math.abs(clock.offsetMs() - 2_000)).toBeLessThan(1_000);
  });
});
