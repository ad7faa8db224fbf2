import Big from "big.js";
import { type ApprovalItem, describeError, errorCode, type PortfolioOrder } from "#lib/api/client.ts";
import { issueErrors } from "#lib/forms/field-errors.ts";
import type { Locale } from "#lib/i18n/translate.ts";
import { optionalDecimal } from "#lib/trading/numbers.ts";

/** What the owner chose for one order waiting for approval; `later` leaves it out of the request (it keeps waiting). */
export type ApprovalChoice = { action: "approve" | "reject" | "later"; quantity: string; price: string };

export function initialChoice(order: Pick<PortfolioOrder, "quantity" | "price">): ApprovalChoice {
  return { action: "later", quantity: order.quantity, price: order.price ?? "" };
}

const sameDecimal = (a: string, b: string | null) => {
  if (b === null) return false;
  try {
    return Big(a).eq(b);
  } catch {
    return false;
  }
};

/**
 * The request's decisions, in the orders' order: an approval carries a quantity or price only when the owner
 * changed it (an unchanged approval is placed as planned, without guards being checked again).
 */
export function approvalDecisions(
  orders: readonly PortfolioOrder[],
  choices: Readonly<Record<string, ApprovalChoice>>,
): ApprovalItem[] {
  return orders.flatMap((order): ApprovalItem[] => {
    const choice = choices[order.id];
    if (!choice || choice.action === "later") return [];
    if (choice.action === "reject") return [{ orderId: order.id, action: "reject" }];
    const quantity = optionalDecimal(choice.quantity);
    const price = order.type === "limit" ? optionalDecimal(choice.price) : undefined;
    return [
      {
        orderId: order.id,
        action: "approve",
        ...(quantity !== undefined && !sameDecimal(quantity, order.quantity) ? { quantity } : {}),
        ...(price !== undefined && !sameDecimal(price, order.price) ? { price } : {}),
      },
    ];
  });
}

export type ApprovalFailure = { orderId: string | null; message: string };

/**
 * Which order a refused approval is about, so its message can sit next to that order. The envelope names no order
 * id: a validation issue has the decision's index in its path, a conflict names the client order id, and a guard's
 * refusal (422) can only be about an edited order, so it belongs to the edited one when there is exactly one.
 */
export function approvalFailure(
  error: unknown,
  orders: readonly PortfolioOrder[],
  decisions: readonly ApprovalItem[],
  locale: Locale,
): ApprovalFailure {
  const message = describeError(error);
  for (const [path, issue] of Object.entries(issueErrors(error, locale))) {
    const index = /^decisions\.(\d+)\./.exec(path)?.[1];
    const decision = index === undefined ? undefined : decisions[Number(index)];
    if (decision) return { orderId: decision.orderId, message: issue };
  }
  const named = orders.find((order) => message.includes(order.clientOrderId));
  if (named) return { orderId: named.id, message };
  const edited = decisions.filter((d) => d.quantity !== undefined || d.price !== undefined);
  if (errorCode(error) === "exchange_invalid_order" && edited.length === 1 && edited[0])
    return { orderId: edited[0].orderId, message };
  return { orderId: null, message };
}
