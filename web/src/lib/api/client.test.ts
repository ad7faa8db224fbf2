import { describe, expect, it } from "vitest";
import { describeError, errorCode, retryAfterSeconds } from "./client.ts";

const envelope = (code: string, message: string, details?: Record<string, unknown>) => ({
  error: { code, message, ...(details ? { details } : {}) },
});

describe("what a failed call says", () => {
  it("words a 429 in the reader's language with the wait it was given, not the API's English", () => {
    const limited = envelope("rate_limited", "Too many requests (read: 120 per 60 s). Try again in 7 s.", {
      preset: "read",
      limit: 120,
      retryAfterSeconds: 7,
    });
    expect(retryAfterSeconds(limited)).toBe(7);
    // Outside a page (no <html lang>) the language is English.
    expect(describeError(limited)).toBe("Too many requests at once: try again in 7 s");
    // A 429 without the seconds still waits a moment rather than hammering.
    expect(retryAfterSeconds(envelope("rate_limited", "Too many"))).toBe(1);
  });

  it("leaves every other failure as it came", () => {
    const refused = envelope("validation_failed", "name: must not be empty");
    expect(retryAfterSeconds(refused)).toBeNull();
    expect(errorCode(refused)).toBe("validation_failed");
    expect(describeError(refused)).toBe("name: must not be empty");
    expect(describeError(new Error("Failed to fetch"))).toBe("Failed to fetch");
  });
});
