import { describe, expect, it } from "vitest";
import { formatRelative, formatTick } from "./format.ts";

describe("formatRelative", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  const at = (ms: number) => new Date(now + ms).toISOString();

  it("uses the largest whole unit, ahead and behind", () => {
    expect(formatRelative(at(5 * 60_000), now, "en")).toBe("in 5 minutes");
    expect(formatRelative(at(-2 * 3_600_000), now, "en")).toBe("2 hours ago");
    expect(formatRelative(at(3 * 86_400_000), now, "en")).toBe("in 3 days");
    expect(formatRelative(at(10_000), now, "en")).toBe("now");
  });

  it("speaks Russian", () => {
    expect(formatRelative(at(5 * 60_000), now, "ru")).toBe("через 5 минут");
  });
});

describe("formatTick", () => {
  it("labels chart ticks by their unit, in the reader's language", () => {
    const seconds = Date.parse("2026-03-15T12:00:00Z") / 1000;
    expect(formatTick(seconds, "year", "en")).toBe("2026");
    expect(formatTick(seconds, "day", "en")).toMatch(/Mar 1[45]|1[45] Mar/);
    expect(formatTick(seconds, "day", "ru")).toMatch(/1[45] мар/);
  });
});
