import { engineText } from "../../../shared/api/engine-messages.ts";
import type { ApprovalItem } from "../../../shared/api/portfolio-runs.ts";
import { withExchangeErrors } from "../../accounts/exchange-error-response.ts";
import { DecisionInput, type FuturesDecisionInput, type SpotDecisionInput } from "../../ai/decision-input.ts";
import type { FuturesAction, SpotOrder } from "../../ai/decision-schema.ts";
import { guardFuturesDecision, guardSpotDecision } from "../../ai/guards.ts";
import { ApiError } from "../../http/api-error.ts";
import { reasonColumns } from "../engine-text-columns.ts";
import { type OrderRow, ordersOfRun, updateOrderStatement } from "../order-store.ts";
import { runById, updateRunStatement } from "../run-store.ts";
import { ownedPortfolio, type PortfolioRow } from "../store.ts";
import { brokers } from "./broker.ts";
import type { EngineServices } from "./engine-services.ts";
import { makerPrice } from "./planner.ts";
import { tickersOf } from "./snapshot.ts";

/**
 * Manual approval: the owner approves (optionally with another quantity or limit price) or rejects orders of a run
 * that waits for them. An edited order goes through the same hard guards as the decision did, against the run's
 * decision input and the current price, so an edit can never get past a limit the model could not. Every decision is
 * checked before any is applied; the run then continues at "place".
 */

export async function applyApproval(
  services: EngineServices,
  userId: string,
  portfolioId: string,
  runId: string,
  decisions: ApprovalItem[],
): Promise<void> {
  const row = await ownedPortfolio(services.db, userId, portfolioId);
  const run = await runById(services.db, portfolioId, runId);
  if (run.status !== "awaiting_approval")
    throw new ApiError("conflict", `This run is ${run.status.replace("_", " ")}, not waiting for approval.`);
  if (row.status !== "active")
    throw new ApiError("conflict", "The portfolio is not running; start it again to place approved orders.");
  const orders = await ordersOfRun(services.db, runId);
  const input = DecisionInput.parse(JSON.parse(run.input ?? "null"));
  const now = services.now();
  const statements = [];
  for (const decision of decisions) {
    const order = orders.find((o) => o.id === decision.orderId);
    const about = { details: { orderId: decision.orderId } };
    if (!order) throw new ApiError("not_found", `Order ${decision.orderId} is not part of this run.`, about);
    if (order.status !== "pending_approval")
      throw new ApiError(
        "conflict",
        `Order ${order.clientOrderId} is ${order.status}, not waiting for approval.`,
        about,
      );
    if (decision.action === "reject") {
      statements.push(
        updateOrderStatement(services.db, order.id, {
          status: "rejected",
          ...reasonColumns(engineText("order_rejected_by_owner", {}, "Rejected by you.")),
          updatedAt: now,
        }),
      );
      continue;
    }
    const edited = decision.quantity !== undefined || decision.price !== undefined;
    const changes = edited ? await checkEdit(services, row, input, order, decision) : {};
    statements.push(
      updateOrderStatement(services.db, order.id, {
        ...changes,
        status: "planned",
        ...reasonColumns(
          edited
            ? engineText("order_approved_edited", {}, "Approved by you with changes.")
            : engineText("order_approved_by_owner", {}, "Approved by you."),
        ),
        updatedAt: now,
      }),
    );
  }
  statements.push(updateRunStatement(services.db, runId, { step: "place", status: "running" }));
  const [first, ...rest] = statements;
  if (first) await services.db.batch([first, ...rest]);
}

type Edit = Pick<ApprovalItem, "quantity" | "price">;

async function checkEdit(
  services: EngineServices,
  row: PortfolioRow,
  input: DecisionInput,
  order: OrderRow,
  edit: Edit,
): Promise<Partial<OrderRow>> {
  const about = { orderId: order.id };
  if (edit.price !== undefined && order.type !== "limit")
    throw new ApiError(
      "validation_failed",
      `Order ${order.clientOrderId} is a market order; it has no price to change.`,
      {
        details: about,
      },
    );
  const broker = await brokers(services, row).current();
  const tickers = await withExchangeErrors(() => tickersOf(broker, order.market, [order.symbol]));
  const ticker = tickers.get(order.symbol);
  const refuse = (reason: string): never => {
    throw new ApiError("exchange_invalid_order", `The edited order is refused: ${reason}`, {
      status: 422,
      details: about,
    });
  };
  const { item } = JSON.parse(order.intent ?? "{}") as { item?: SpotOrder | FuturesAction };
  if (!item) return refuse("its original decision is missing.");
  if (input.kind === "spot") {
    const spot = item as SpotOrder;
    const route = input.routes.find((r) => r.symbol === order.symbol);
    const candidate: SpotOrder = {
      ...spot,
      quantity: edit.quantity ?? order.quantity,
      quantityAsset: route?.base ?? spot.quantityAsset,
      limitPrice: edit.price ?? spot.limitPrice,
      referencePrice: ticker?.last ?? spot.referencePrice,
    };
    const outcome = guardSpotDecision(
      { orders: [candidate], summary: "", strategy: "", rationale: "" },
      input as SpotDecisionInput,
      { currentPrices: ticker ? { [order.symbol]: ticker.last } : {} },
    );
    const accepted = outcome.accepted[0];
    if (!accepted || !route) return refuse(outcome.rejected[0]?.reason ?? "it does not pass the guards.");
    const price = accepted.price === null ? null : makerPrice(accepted.side, accepted.price, ticker, route.market);
    return { quantity: accepted.quantity, price, notionalUsd: accepted.notionalUsd };
  }
  const futures = item as FuturesAction;
  const candidate: FuturesAction = {
    ...futures,
    quantity: edit.quantity ?? order.quantity,
    notional: null,
    limitPrice: edit.price ?? futures.limitPrice,
  };
  const mark = ticker?.mark ?? ticker?.last;
  const outcome = guardFuturesDecision(
    { actions: [candidate], summary: "", strategy: "", rationale: "" },
    input as FuturesDecisionInput,
    { currentPrices: mark ? { [order.symbol]: mark } : {} },
  );
  const accepted = outcome.accepted[0];
  if (accepted?.kind !== "futures_order") return refuse(outcome.rejected[0]?.reason ?? "it does not pass the guards.");
  const market = (input as FuturesDecisionInput).instruments.find((i) => i.symbol === order.symbol)?.market;
  const price =
    accepted.price === null || !market ? accepted.price : makerPrice(accepted.side, accepted.price, ticker, market);
  return { quantity: accepted.quantity, price, notionalUsd: accepted.notionalUsd };
}
