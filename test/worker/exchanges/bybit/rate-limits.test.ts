import { describe, expect, it } from "vitest";
import { addFault, bybitGateway, createAccount } from "./harness.ts";

describe("Bybit rate limits", () => {
  it("paces on X-Bapi-Limit-Status instead of running into 10006", async () => {
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    // 10 per second per UID and endpoint by default: 14 calls cross the budget at least once.
    for (let i = 0; i < 14; i++) await gateway.openOrders("spot");
    const calls = traffic.filter((t) => t.url.includes("/v5/order/realtime"));
    expect(calls).toHaveLength(14);
    expect(calls.every((t) => t.retCode === 0)).toBe(true);
  });

  it("after 10006 the endpoint is blocked locally until the reset, other endpoints are not", async () => {
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    // Scoped to this account: other test files run reviews on the same simulator at the same time.
    await addFault({
      type: "rate_limit",
      pathPrefix: "GET /v5/order/realtime",
      retryAfterSeconds: 30,
      apiKey: account.apiKey,
    });
    await expect(gateway.openOrders("linear")).rejects.toMatchObject({ kind: "rate_limited", venueCode: "10006" });
    const sent = traffic.length;
    const blocked = await gateway.openOrders("linear").catch((e: unknown) => e);
    expect(blocked).toMatchObject({ kind: "rate_limited" });
    expect((blocked as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(20_000);
    expect(traffic.length).toBe(sent); // failed fast, nothing sent
    expect(await gateway.balances()).not.toHaveLength(0);
  });

  it("a read refused for a window that resets within 2 s is sent again after it and succeeds", async () => {
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    await addFault({
      type: "rate_limit",
      pathPrefix: "GET /v5/account/wallet-balance",
      retryAfterSeconds: 1,
      apiKey: account.apiKey,
    });
    expect(await gateway.balances()).not.toHaveLength(0);
    const calls = traffic.filter((t) => t.url.includes("/v5/account/wallet-balance"));
    expect(calls.map((t) => t.retCode)).toEqual([10006, 0]);
  });
});
