import { describe, expect, it } from "vitest";
import { updatedAgo } from "./updated-ago.ts";

const AT = Date.parse("2026-01-01T12:00:00Z");

describe("updatedAgo", () => {
  it("says just now for the first seconds, then whole seconds, minutes and hours", () => {
    expect(updatedAgo(AT, AT + 1_200, "en")).toBe("just now");
    expect(updatedAgo(AT, AT + 12_400, "en")).toBe("12 seconds ago");
    expect(updatedAgo(AT, AT + 60_000, "en")).toBe("1 minute ago");
    expect(updatedAgo(AT, AT + 5 * 60_000 + 59_000, "en")).toBe("5 minutes ago");
    expect(updatedAgo(AT, AT + 2 * 3_600_000, "en")).toBe("2 hours ago");
  });

  it("uses Russian plural forms (one, few, many)", () => {
    expect(updatedAgo(AT, AT + 21_000, "ru")).toBe("21 секунду назад");
    expect(updatedAgo(AT, AT + 12_000, "ru")).toBe("12 секунд назад");
    expect(updatedAgo(AT, AT + 2 * 60_000, "ru")).toBe("2 минуты назад");
    expect(updatedAgo(AT, AT + 5 * 3_600_000, "ru")).toBe("5 часов назад");
  });

  it("a clock a little behind the data's time still reads just now", () => {
    expect(updatedAgo(AT, AT - 3_000, "en")).toBe("just now");
  });
});
