import { describe, expect, it } from "vitest";
import type { PortfolioOrder } from "#lib/api/client.ts";
import { approvalDecisions, approvalFailure, initialChoice } from "./approval.ts";

const order = (id: string, type: "market" | "limit", quantity: string, price: string | null) =>
  ({ id, clientOrderId: `pabc12345-r1-${id}`, type, quantity, price }) as PortfolioOrder;

const eth = order("a", "market", "1", null);
const btc = order("b", "limit", "0.01", "59000");

describe("approvalDecisions", () => {
  it("sends only what was decided, and an edit only where it changed", () => {
    const decisions = approvalDecisions([eth, btc], {
      a: { ...initialChoice(eth), action: "approve", quantity: "0.5" },
      b: { ...initialChoice(btc), action: "approve", quantity: "0.010", price: "58,500" },
    });
    expect(decisions).toEqual([
      { orderId: "a", action: "approve", quantity: "0.5" },
      { orderId: "b", action: "approve", price: "58.500" },
    ]);
  });

  it("rejects without figures and leaves `later` out", () => {
    expect(
      approvalDecisions([eth, btc], {
        a: { ...initialChoice(eth), action: "reject", quantity: "3" },
        b: initialChoice(btc),
      }),
    ).toEqual([{ orderId: "a", action: "reject" }]);
  });
});

describe("approvalFailure", () => {
  const envelope = (code: string, message: string, details?: unknown) => ({ error: { code, message, details } });

  it("puts a validation issue by the decision it names", () => {
    const error = envelope("validation_failed", "bad", {
      issues: [{ path: "json.decisions.1.quantity", code: "invalid_format", message: "not a decimal" }],
    });
    const decisions = [
      { orderId: "a", action: "reject" as const },
      { orderId: "b", action: "approve" as const, quantity: "x" },
    ];
    expect(approvalFailure(error, [eth, btc], decisions, "en")).toEqual({
      orderId: "b",
      message: "Quantity: enter a number such as 0.001",
    });
    expect(approvalFailure(error, [eth, btc], decisions, "ru").message).toBe(
      "Количество: введите число, например 0,001",
    );
  });

  it("puts a conflict by the order its message names", () => {
    const error = envelope("conflict", `Order ${btc.clientOrderId} is filled, not waiting for approval.`);
    expect(approvalFailure(error, [eth, btc], [{ orderId: "a", action: "approve" }], "en").orderId).toBe("b");
  });

  it("puts a guard's refusal by the one edited order", () => {
    const error = envelope("exchange_invalid_order", "The edited order is refused: only 10000 USDT is free.");
    const decisions = [
      { orderId: "a", action: "approve" as const, quantity: "100" },
      { orderId: "b", action: "reject" as const },
    ];
    expect(approvalFailure(error, [eth, btc], decisions, "en")).toEqual({
      orderId: "a",
      message: "The edited order is refused: only 10000 USDT is free.",
    });
  });

  it("keeps anything else for the whole form", () => {
    const error = envelope("conflict", "A review is in progress; approve once it has finished.");
    expect(approvalFailure(error, [eth, btc], [{ orderId: "a", action: "approve" }], "en").orderId).toBeNull();
  });
});
