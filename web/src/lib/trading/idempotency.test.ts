import { describe, expect, it } from "vitest";
import { IdempotencyKeys } from "./idempotency.ts";

function counter() {
  let n = 0;
  return () => `key-${++n}`;
}

describe("IdempotencyKeys", () => {
  it("reuses the key made when the form opened for retries of the same body", () => {
    const keys = new IdempotencyKeys(counter());
    expect(keys.keyFor({ symbol: "BTCUSDT", quantity: "0.01" })).toBe("key-1");
    expect(keys.keyFor({ symbol: "BTCUSDT", quantity: "0.01" })).toBe("key-1");
  });

  it("makes a new key when the body changes or after a success", () => {
    const keys = new IdempotencyKeys(counter());
    expect(keys.keyFor({ quantity: "0.01" })).toBe("key-1");
    expect(keys.keyFor({ quantity: "0.02" })).toBe("key-2");
    keys.done();
    expect(keys.keyFor({ quantity: "0.02" })).toBe("key-3");
  });

  it("makes UUIDs by default", () => {
    expect(new IdempotencyKeys().keyFor({})).toMatch(/^[0-9a-f-]{36}$/);
  });
});
