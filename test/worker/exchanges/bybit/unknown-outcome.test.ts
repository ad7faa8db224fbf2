import { describe, expect, it } from "vitest";
import type { MarketType, OrderRequest } from "../../../../worker/exchanges/contract.ts";
import { addFault, bybitGateway, clientId, createAccount, dumpAccount, type Fault } from "./harness.ts";

// Money safety: order/create is never retried. A timeout or 5xx after the venue accepted the order surfaces as
// unknown_outcome; getOrder(clientOrderId) then finds exactly the one order the venue holds.

const order = (market: MarketType): OrderRequest =>
  market === "spot"
    ? {
        market,
        symbol: "ETHUSDT",
        side: "buy",
        type: "limit",
        quantity: "0.01",
        price: "2000",
        timeInForce: "gtc",
        clientOrderId: clientId("uo-spot"),
      }
    : {
        market,
        symbol: "ETHUSDT",
        side: "buy",
        type: "market",
        quantity: "0.01",
        clientOrderId: clientId("uo-lin"),
      };

const faults: [string, Exclude<Fault, { type: "clock_skew" }>][] = [
  ["timeout_after_accept", { type: "timeout_after_accept", pathPrefix: "POST /v5/order/create", delayMs: 1_500 }],
  ["error_after_accept 500", { type: "error_after_accept", pathPrefix: "POST /v5/order/create", status: 500 }],
  ["error_after_accept 503", { type: "error_after_accept", pathPrefix: "POST /v5/order/create", status: 503 }],
];

describe("Bybit unknown outcome resolution", () => {
  for (const market of ["spot", "linear"] as const) {
    for (const [name, fault] of faults) {
      it(`${market}: ${name} → unknown_outcome, then exactly one order found by client id`, async () => {
        const account = await createAccount();
        const { gateway, traffic } = bybitGateway(account, { timeoutMs: 400 });
        await gateway.market(market, "ETHUSDT"); // instruments cached before the fault
        await addFault({ ...fault, apiKey: account.apiKey });
        const request = order(market);

        await expect(gateway.placeOrder(request)).rejects.toMatchObject({ kind: "unknown_outcome", retryable: false });
        // The create request went out once: no retry.
        expect(traffic.filter((t) => t.url.endsWith("/v5/order/create"))).toHaveLength(1);

        const found = await gateway.getOrder(market, "ETHUSDT", request.clientOrderId);
        expect(found).toMatchObject({ clientOrderId: request.clientOrderId, market, quantity: "0.01" });
        const dump = await dumpAccount(account.apiKey);
        expect(dump.orders.filter((o) => o.clientOrderId === request.clientOrderId)).toHaveLength(1);
        expect(dump.orders).toHaveLength(1);
      });
    }
  }

  it("a redirected order/create is not followed: unknown_outcome, and its lookup finds nothing placed", async () => {
    const account = await createAccount();
    const { gateway, traffic } = bybitGateway(account);
    await gateway.market("linear", "ETHUSDT");
    // 308 keeps method and body: a client that followed it would create the order at the redirect's target.
    await addFault({ apiKey: account.apiKey, type: "redirect", pathPrefix: "POST /v5/order/create", status: 308 });
    const request = order("linear");
    await expect(gateway.placeOrder(request)).rejects.toMatchObject({ kind: "unknown_outcome", httpStatus: 308 });
    expect(traffic.filter((t) => t.url.endsWith("/v5/order/create")).map((t) => t.status)).toEqual([308]);
    expect(await gateway.getOrder("linear", "ETHUSDT", request.clientOrderId)).toBeNull();
    expect((await dumpAccount(account.apiKey)).orders).toEqual([]);
  });

  it("an order that never reached the venue resolves to null", async () => {
    const account = await createAccount();
    const { gateway } = bybitGateway(account);
    expect(await gateway.getOrder("linear", "ETHUSDT", clientId("never"))).toBeNull();
    expect((await dumpAccount(account.apiKey)).orders).toHaveLength(0);
  });
});
