import { describe, expect, it } from "vitest";
import { formatRelative } from "./format.ts";

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
