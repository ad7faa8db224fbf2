import Big from "big.js";
import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import type { FuturesDecisionInput, SpotDecisionInput } from "../../ai/decision-input.ts";
import type { Decision, FuturesAction, SpotOrder } from "../../ai/decision-schema.ts";
import { guardFuturesDecision, guardSpotDecision } from "../../ai/guards.ts";
import type { FuturesStopsIntent, GuardCode } from "../../ai/intents.ts";
import type { Market, Ticker } from "../../exchanges/contract.ts";
import { roundToTick, sizeOrder } from "../../exchanges/precision.ts";
import { portfolioClientOrderId } from "../client-order-ids.ts";
import { reasonColumns } from "../engine-text-columns.ts";
import type { NewOrderRow } from "../order-store.ts";
import type { PortfolioRow } from "../store.ts";
import { storedTokens } from "../store.ts";

/**
 * Step "plan": the decision through the hard guards (worker/ai/guards.ts) and the portfolio's own limits, one item
 * at a time (a refused item is recorded with its reason and the others go on), then priced on the maker side of the
 * book and rounded to the market's filters. Every order gets its client order id from (portfolio, run, leg) here and
 * is saved before anything is sent.
 */

/** Limit orders rest this far behind the book top (5 bps), so they add liquidity and pay maker fees. */
export const MAKER_OFFSET = Big("0.0005");

export type RunRef = { id: string; seq: number };

/** Why the plan refused an item: a guard's code, or the portfolio's own per-token maximum. */
export type RefusalCode = GuardCode | "above_max_allocation";

/** Each refused leg with its code, for callers that show refusals in the owner's language (a what-if replay). */
export type Refusal = { leg: number; code: RefusalCode; reason: string };

export type Plan = { orders: NewOrderRow[]; stops: FuturesStopsIntent[]; refusals: Refusal[] };

export function legClientOrderId(portfolioId: string, run: RunRef, leg: number): string {
  return portfolioClientOrderId(portfolioId, `r${run.seq.toString(36)}-${leg}`);
}

export function planOrders(input: {
  row: PortfolioRow;
  run: RunRef;
  decisionInput: SpotDecisionInput | FuturesDecisionInput;
  decision: Decision;
  /** Prices just before planning, by symbol. */
  tickers: Map<string, Ticker>;
  now: Date;
}): Plan {
  const { decision, decisionInput } = input;
  if (decision.kind === "spot" && decisionInput.kind === "spot") return planSpot(input, decision, decisionInput);
  if (decision.kind === "futures" && decisionInput.kind === "futures")
    return planFutures(input, decision, decisionInput);
  throw new Error(`a ${decision.kind} decision for a ${decisionInput.kind} input`);
}

type PlanContext = Parameters<typeof planOrders>[0];

function baseRow(context: PlanContext, leg: number, now: Date) {
  const { row, run } = context;
  return {
    id: crypto.randomUUID(),
    portfolioId: row.id,
    runId: run.id,
    leg,
    clientOrderId: legClientOrderId(row.id, run, leg),
    venue: row.venue,
    paper: row.paper,
    createdAt: now,
    updatedAt: now,
  };
}

function initialStatus(row: PortfolioRow): "planned" | "pending_approval" {
  return row.executionMode === "manual_approval" ? "pending_approval" : "planned";
}

/** Moves a limit price behind the book top: a buy at most bid × (1 − offset), a sell at least ask × (1 + offset). */
export function makerPrice(side: "buy" | "sell", price: string, ticker: Ticker | undefined, market: Market): string {
  const bid = ticker?.bid ?? ticker?.last;
  const ask = ticker?.ask ?? ticker?.last;
  if (side === "buy") {
    const cap = bid ? Big(bid).times(Big(1).minus(MAKER_OFFSET)) : Big(price);
    return roundToTick((Big(price).lt(cap) ? Big(price) : cap).toFixed(), market.tickSize, "down");
  }
  const floor = ask ? Big(ask).times(Big(1).plus(MAKER_OFFSET)) : Big(price);
  return roundToTick((Big(price).gt(floor) ? Big(price) : floor).toFixed(), market.tickSize, "up");
}

// ---------------------------------------------------------------------------------------------------------------
// Spot

function planSpot(context: PlanContext, decision: Decision & { kind: "spot" }, input: SpotDecisionInput): Plan {
  const { row, now, tickers } = context;
  const currentPrices = Object.fromEntries([...tickers.values()].map((t) => [t.symbol, t.last]));
  const outcome = guardSpotDecision(decision, input, { currentPrices });
  const orders: NewOrderRow[] = [];
  const refusals: Refusal[] = [];
  const total = Big(input.totalValueUsd);
  const maxOf = new Map(storedTokens(row).map((t) => [t.token, t.maxAllocation]));
  const values = new Map(input.positions.map((p) => [p.asset, Big(p.valueUsd)]));

  for (const intent of outcome.accepted) {
    const route = input.routes.find((r) => r.symbol === intent.symbol);
    const item = decision.orders[intent.leg];
    if (!route || !item) continue;
    const refused = (reason: EngineText, code: RefusalCode) => {
      refusals.push({ leg: intent.leg, code, reason: reason.text });
      orders.push(rejectedSpot(context, intent.leg, item, reason, now));
    };
    const max = maxOf.get(route.base) ?? null;
    const after = (values.get(route.base) ?? Big(0)).plus(intent.side === "buy" ? intent.notionalUsd : 0);
    if (intent.side === "buy" && max !== null && total.gt(0) && after.div(total).times(100).gt(max)) {
      const afterPct = after.div(total).times(100).toFixed(2);
      refused(
        engineText(
          "order_above_max_allocation",
          { asset: route.base, afterPct, maxPct: String(max) },
          `The buy would take ${route.base} to ${afterPct}% of the portfolio, above its ${max}% maximum.`,
        ),
        "above_max_allocation",
      );
      continue;
    }
    const priced = priceLimit(intent, tickers.get(intent.symbol), route.market);
    if (!priced.ok) {
      refused(priced.text, "exchange_filter");
      continue;
    }
    if (intent.side === "buy") values.set(route.base, after);
    orders.push({
      ...baseRow(context, intent.leg, now),
      market: "spot",
      symbol: intent.symbol,
      action: intent.side,
      side: intent.side,
      type: intent.type,
      quantity: priced.quantity,
      price: priced.price,
      status: initialStatus(row),
      notionalUsd: intent.notionalUsd,
      intent: JSON.stringify({ intent, item }),
    });
  }
  for (const rejection of outcome.rejected) {
    refusals.push({ leg: rejection.leg, code: rejection.code, reason: rejection.reason });
    orders.push(rejectedSpot(context, rejection.leg, rejection.item, rejection.text, now));
  }
  return { orders: orders.sort((a, b) => a.leg - b.leg), stops: [], refusals: refusals.sort((a, b) => a.leg - b.leg) };
}

/**
 * A limit order priced behind the book top (maker side) and sized again at that price; market orders go as planned.
 * Reduce-only orders are exempt from the minimum notional, as on both venues.
 */
function priceLimit(
  intent: { side: "buy" | "sell"; type: "market" | "limit"; quantity: string; price: string | null },
  ticker: Ticker | undefined,
  market: Market,
  reduceOnly = false,
): { ok: true; quantity: string; price: string | null } | { ok: false; text: EngineText } {
  if (intent.type === "market" || intent.price === null)
    return { ok: true, quantity: intent.quantity, price: intent.price };
  const price = makerPrice(intent.side, intent.price, ticker, market);
  const sized = sizeOrder({ market, side: intent.side, type: "limit", quantity: intent.quantity, price, reduceOnly });
  if (!sized.ok) return { ok: false, text: sized.text };
  return { ok: true, quantity: sized.quantity, price: sized.price };
}

function rejectedSpot(context: PlanContext, leg: number, item: SpotOrder, reason: EngineText, now: Date): NewOrderRow {
  return {
    ...baseRow(context, leg, now),
    market: "spot",
    symbol: item.pair.slice(0, 20),
    action: item.side === "sell" ? "sell" : "buy",
    side: item.side === "sell" ? "sell" : "buy",
    type: item.limitPrice === null ? "market" : "limit",
    quantity: decimalOr(item.quantity),
    price: item.limitPrice === null ? null : decimalOr(item.limitPrice),
    status: "rejected",
    ...reasonColumns(reason),
    intent: JSON.stringify({ item }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Futures

function planFutures(
  context: PlanContext,
  decision: Decision & { kind: "futures" },
  input: FuturesDecisionInput,
): Plan {
  const { row, now, tickers } = context;
  const currentPrices = Object.fromEntries([...tickers.values()].map((t) => [t.symbol, t.mark ?? t.last]));
  const outcome = guardFuturesDecision(decision, input, { currentPrices });
  const orders: NewOrderRow[] = [];
  const refusals: Refusal[] = [];
  const stops: FuturesStopsIntent[] = [];

  for (const intent of outcome.accepted) {
    if (intent.kind === "futures_stops") {
      stops.push(intent);
      continue;
    }
    const item = decision.actions[intent.leg];
    const market = input.instruments.find((i) => i.symbol === intent.symbol)?.market;
    if (!item || !market) continue;
    const priced = priceLimit(intent, tickers.get(intent.symbol), market, intent.reduceOnly);
    if (!priced.ok) {
      refusals.push({ leg: intent.leg, code: "exchange_filter", reason: priced.text.text });
      orders.push(rejectedFutures(context, intent.leg, item, priced.text, now));
      continue;
    }
    const protective = intent.stopLoss !== null || intent.takeProfit !== null;
    orders.push({
      ...baseRow(context, intent.leg, now),
      market: "linear",
      symbol: intent.symbol,
      action: intent.action,
      side: intent.side,
      type: intent.type,
      quantity: priced.quantity,
      price: priced.price,
      reduceOnly: intent.reduceOnly,
      positionSide: intent.positionSide,
      leverage: intent.leverage,
      stopLoss: intent.stopLoss,
      takeProfit: intent.takeProfit,
      stopsStatus: protective ? "pending" : "none",
      status: initialStatus(row),
      notionalUsd: intent.notionalUsd,
      intent: JSON.stringify({ intent, item }),
    });
  }
  for (const rejection of outcome.rejected) {
    refusals.push({ leg: rejection.leg, code: rejection.code, reason: rejection.reason });
    orders.push(rejectedFutures(context, rejection.leg, rejection.item, rejection.text, now));
  }
  return { orders: orders.sort((a, b) => a.leg - b.leg), stops, refusals: refusals.sort((a, b) => a.leg - b.leg) };
}

function rejectedFutures(
  context: PlanContext,
  leg: number,
  item: FuturesAction,
  reason: EngineText,
  now: Date,
): NewOrderRow {
  const opening = item.action === "OPEN" || item.action === "INCREASE";
  const long = item.side === "LONG";
  return {
    ...baseRow(context, leg, now),
    market: "linear",
    symbol: item.symbol.slice(0, 20),
    action: item.action,
    side: long === opening ? "buy" : "sell",
    type: item.orderType === "LIMIT" ? "limit" : "market",
    quantity: decimalOr(item.quantity ?? "0"),
    price: item.limitPrice === null ? null : decimalOr(item.limitPrice),
    reduceOnly: !opening,
    leverage: item.leverage,
    stopLoss: item.stopLoss === null ? null : decimalOr(item.stopLoss),
    takeProfit: item.takeProfit === null ? null : decimalOr(item.takeProfit),
    status: "rejected",
    ...reasonColumns(reason),
    intent: JSON.stringify({ item }),
  };
}

/** The model's text when it is a decimal, else "0" (the reason says what was wrong with it). */
function decimalOr(value: string): string {
  return /^\d{1,20}(\.\d{1,18})?$/.test(value.trim()) ? value.trim() : "0";
}
