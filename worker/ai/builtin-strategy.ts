import Big from "big.js";
import { type EngineText, engineText } from "../../shared/api/engine-messages.ts";
import { floorToStep, roundToTick } from "../exchanges/precision.ts";
import type { FuturesDecisionInput, SpotDecisionInput, SpotPosition, SpotRoute } from "./decision-input.ts";
import type { FuturesAction, FuturesPlan, SpotOrder, SpotPlan } from "./decision-schema.ts";
import type { DecisionProvider, DecisionResult, PlanTexts } from "./provider.ts";

/**
 * The built-in strategy: no key, no network, deterministic (same input, same decision). It writes exactly the
 * decision schema an AI would, so the guards and execution cannot tell them apart.
 *
 * Spot: rebalance toward targets. An asset's target is its `targetPct`, or an even share of what explicit targets
 * and the cash floor leave, never below its floor. Assets within ±toleranceBandPct points of target are left
 * alone; overweight assets are sold to the cash asset at the bid, underweight ones bought at the ask with free cash
 * above the cash floor (largest gap first), each order at most the per-order cap. Sale proceeds are spent at the
 * next review, once they exist.
 *
 * Futures: a trend rule per instrument on hourly candles. Open long when the 24-candle slope is above +0.05 %/candle,
 * the 72-candle slope positive and RSI below 70 (short mirrored); close when the 24-candle slope turns past the
 * threshold against the position. Every open carries a stop-loss at 2 × ATR% (clamped to the portfolio's stop
 * bounds) and a take-profit at twice that distance; the size risks `riskPerTradePct` of equity between entry and
 * stop. A position without a stop gets one.
 */

export const BUILTIN_MODEL = "builtin-v1";
const SPOT_DRIFT_PCT = 1;
const TREND_THRESHOLD_PCT = 0.05;

type Refusal = { ok: false; error: string; errorText: EngineText };
type PlanOrError<P> = { ok: true; plan: P } | Refusal;
/** A plan with its summary and rationale lines as engine texts (the UI words them in the reader's language). */
type PlanWithTexts<P> = { ok: true; plan: P; texts: PlanTexts } | Refusal;

const joined = (lines: EngineText[]) => `${lines.map((line) => line.text).join("; ")}.`;
const textsOf = (summary: EngineText, lines: EngineText[]): PlanTexts => ({
  summary,
  rationale: lines.map((line) => line.message),
});

// ---------------------------------------------------------------------------------------------------------------
// Spot

export function spotTargets(input: SpotDecisionInput): PlanOrError<Map<string, number>> {
  const cash = input.portfolio.cashAsset;
  const targets = new Map<string, number>();
  let left = 100;
  const spread: SpotPosition[] = [];
  for (const position of input.positions) {
    if (position.targetPct !== null || position.asset === cash) {
      const target = position.targetPct ?? position.minAllocationPct;
      targets.set(position.asset, target);
      left -= target;
    } else spread.push(position);
  }
  for (const position of spread) targets.set(position.asset, left / spread.length);
  for (const position of input.positions) {
    targets.set(position.asset, Math.max(targets.get(position.asset) ?? 0, position.minAllocationPct));
  }
  const sum = [...targets.values()].reduce((a, b) => a + b, 0);
  if (left < -1e-9 || sum > 100 + 1e-9) {
    const errorText = engineText(
      "builtin_spot_targets_over",
      { sumPct: sum.toFixed(2) },
      `Targets and floors add up to ${sum.toFixed(2)}%, more than 100%.`,
    );
    return { ok: false, error: errorText.text, errorText };
  }
  return { ok: true, plan: targets };
}

export function builtinSpotPlan(input: SpotDecisionInput): PlanWithTexts<SpotPlan> {
  const targetsOrError = spotTargets(input);
  if (!targetsOrError.ok) return targetsOrError;
  const targets = targetsOrError.plan;
  const total = Big(input.totalValueUsd);
  const band = input.limits.toleranceBandPct;
  const cash = input.portfolio.cashAsset;
  const cashPosition = input.positions.find((p) => p.asset === cash);
  if (total.lte(0) || !cashPosition)
    return hold(engineText("builtin_spot_no_value", {}, "The portfolio has no value to rebalance."), []);

  const lines: EngineText[] = [];
  const sells: SpotOrder[] = [];
  const buys: { gapUsd: Big; position: SpotPosition; route: SpotRoute }[] = [];
  // Orders stay within the per-order cap (with a margin for the price moving to the book), so a large gap closes
  // over several reviews instead of being refused by the guards.
  const orderCap = input.limits.maxOrderUsd === null ? null : Big(input.limits.maxOrderUsd).times("0.99");
  const capped = (usd: Big) => (orderCap && usd.gt(orderCap) ? orderCap : usd);
  for (const position of input.positions) {
    if (position.asset === cash) continue;
    const target = targets.get(position.asset) ?? 0;
    const allocation = Big(position.valueUsd).div(total).times(100);
    const gap = allocation.minus(target);
    lines.push(
      engineText(
        "builtin_spot_allocation",
        { asset: position.asset, allocationPct: allocation.toFixed(2), targetPct: target.toFixed(2) },
        `${position.asset} ${allocation.toFixed(2)}% vs target ${target.toFixed(2)}%`,
      ),
    );
    if (gap.abs().lte(band)) continue;
    const route = input.routes.find((r) => r.base === position.asset && r.quote === cash);
    if (!route) {
      lines.push(
        engineText("builtin_spot_no_route", { asset: position.asset, cash }, `no ${position.asset}/${cash} route`),
      );
      continue;
    }
    const gapUsd = capped(gap.abs().div(100).times(total));
    if (gap.gt(0)) {
      const order = sellOrder(position, route, gapUsd, cashPosition);
      if (order) sells.push(order);
    } else buys.push({ gapUsd, position, route });
  }

  // Cash above its floor, in USD, is the budget for buys.
  const cashFloorUsd = total.times(targets.get(cash) ?? cashPosition.minAllocationPct).div(100);
  const cashFreeUsd = Big(cashPosition.free).times(cashPosition.priceUsd);
  let budget = Big(cashPosition.valueUsd).minus(cashFloorUsd);
  if (budget.gt(cashFreeUsd)) budget = cashFreeUsd;
  const orders = [...sells];
  for (const buy of buys.sort((a, b) => b.gapUsd.cmp(a.gapUsd) || a.position.asset.localeCompare(b.position.asset))) {
    if (budget.lte(0)) break;
    const spendUsd = buy.gapUsd.gt(budget) ? budget : buy.gapUsd;
    const order = buyOrder(buy.route, spendUsd, cashPosition);
    if (!order) continue;
    orders.push(order);
    budget = budget.minus(spendUsd);
  }

  if (orders.length === 0)
    return hold(
      engineText(
        "builtin_spot_hold",
        { bandPct: String(band) },
        `All assets within ±${band} pp of target (or below minimum order size).`,
      ),
      lines,
    );
  const summary = engineText(
    "builtin_spot_rebalance",
    { bandPct: String(band), count: orders.length },
    `Rebalance toward targets (band ±${band} pp): ${orders
      .map((o) => `${o.side} ${o.quantity} ${o.quantityAsset}`)
      .join(", ")}.`,
  );
  return {
    ok: true,
    plan: { orders, summary: summary.text, strategy: "builtin-rebalance", rationale: joined(lines) },
    texts: textsOf(summary, lines),
  };
}

function hold(summary: EngineText, lines: EngineText[]): PlanWithTexts<SpotPlan> {
  return {
    ok: true,
    plan: {
      orders: [],
      summary: summary.text,
      strategy: "builtin-rebalance",
      rationale: lines.length ? joined(lines) : summary.text,
    },
    texts: textsOf(summary, lines),
  };
}

/** Quote price of the route's base, from the position's USD price when the book is missing. */
function quotePrice(route: SpotRoute, side: "bid" | "ask"): Big {
  return Big(route[side] ?? route.last);
}

function sellOrder(position: SpotPosition, route: SpotRoute, gapUsd: Big, cash: SpotPosition): SpotOrder | null {
  const price = quotePrice(route, "bid");
  const wanted = gapUsd.div(cash.priceUsd).div(price);
  const capped = wanted.gt(position.free) ? Big(position.free) : wanted;
  const quantity = floorToStep(capped.toFixed(), route.market.stepSize);
  if (!fitsMarket(route, quantity, price)) return null;
  return spotOrder(route, "sell", quantity, price);
}

function buyOrder(route: SpotRoute, spendUsd: Big, cash: SpotPosition): SpotOrder | null {
  const price = quotePrice(route, "ask");
  const quantity = floorToStep(spendUsd.div(cash.priceUsd).div(price).toFixed(), route.market.stepSize);
  if (!fitsMarket(route, quantity, price)) return null;
  return spotOrder(route, "buy", quantity, price);
}

function fitsMarket(route: SpotRoute, quantity: string, price: Big): boolean {
  const q = Big(quantity);
  return q.gt(0) && q.gte(route.market.minQty) && q.times(price).gte(route.market.minNotional);
}

function spotOrder(route: SpotRoute, side: "buy" | "sell", quantity: string, price: Big): SpotOrder {
  return {
    pair: route.symbol,
    side,
    quantity,
    quantityAsset: route.base,
    // Marketable limit: crosses the spread now, never fills worse than the book top we saw.
    limitPrice: roundToTick(price.toFixed(), route.market.tickSize, side === "buy" ? "up" : "down"),
    referencePrice: route.last,
    maxDriftPct: SPOT_DRIFT_PCT,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Futures

export function builtinFuturesPlan(input: FuturesDecisionInput): PlanWithTexts<FuturesPlan> {
  const { limits } = input;
  const actions: FuturesAction[] = [];
  const lines: EngineText[] = [];
  const equity = Big(input.wallet.marginBalance);
  let exposure = input.positions.reduce((sum, p) => sum.plus(Big(p.size).times(p.markPrice).abs()), Big(0));
  let available = Big(input.wallet.availableBalance);
  const leverage = Math.min(limits.defaultLeverage, limits.maxLeverage);

  for (const instrument of input.instruments) {
    const context = input.marketContext.find((c) => c.symbol === instrument.symbol);
    const slope24 = context?.trendSlopePct["24"] ?? null;
    const slope72 = context?.trendSlopePct["72"] ?? null;
    const rsi = context?.rsi14 ?? null;
    const atrPct = context?.atr14Pct ?? null;
    if (slope24 === null || slope72 === null || rsi === null || atrPct === null) {
      lines.push(
        engineText(
          "builtin_futures_no_data",
          { symbol: instrument.symbol },
          `${instrument.symbol}: not enough market data`,
        ),
      );
      continue;
    }
    const mark = Big(instrument.mark);
    const stopPct = Math.min(limits.stopLossMaxPct, Math.max(limits.stopLossMinPct, 2 * atrPct));
    const position = input.positions.find((p) => p.symbol === instrument.symbol);
    lines.push(
      engineText(
        "builtin_futures_trend",
        {
          symbol: instrument.symbol,
          slope24Pct: slope24.toFixed(3),
          slope72Pct: slope72.toFixed(3),
          rsiValue: rsi.toFixed(1),
        },
        `${instrument.symbol}: slope24 ${slope24.toFixed(3)}%, slope72 ${slope72.toFixed(3)}%, RSI ${rsi.toFixed(1)}`,
      ),
    );

    if (position) {
      const against = position.side === "long" ? slope24 < -TREND_THRESHOLD_PCT : slope24 > TREND_THRESHOLD_PCT;
      const side = position.side === "long" ? "LONG" : "SHORT";
      if (against) {
        actions.push(action(instrument.symbol, "CLOSE", side, { quantity: null }));
        continue;
      }
      const protectedAlready = input.stops.some((s) => s.symbol === instrument.symbol && s.kind === "stop_loss");
      if (!protectedAlready) {
        const stopLoss = stopPrice(mark, stopPct, position.side, instrument.market.tickSize);
        actions.push(action(instrument.symbol, "HOLD", side, { quantity: null, stopLoss }));
      }
      continue;
    }

    const up = slope24 > TREND_THRESHOLD_PCT && slope72 > 0 && rsi < 70;
    const down = slope24 < -TREND_THRESHOLD_PCT && slope72 < 0 && rsi > 30;
    if (!up && !down) continue;
    const direction = up ? "long" : "short";
    // Risk-based size: losing riskPerTradePct of equity at the stop, within every cap.
    let notional = equity.times(limits.riskPerTradePct).div(stopPct);
    const caps = [Big(limits.maxExposureUsd).minus(exposure), available.times(leverage).times(0.95)];
    if (limits.maxOrderUsd !== null) caps.push(Big(limits.maxOrderUsd));
    for (const cap of caps) if (notional.gt(cap)) notional = cap;
    const quantity = floorToStep(notional.div(mark).toFixed(), instrument.market.stepSize);
    if (Big(quantity).lte(0) || Big(quantity).times(mark).lt(instrument.market.minNotional)) {
      lines.push(
        engineText(
          "builtin_futures_below_minimum",
          { symbol: instrument.symbol, direction },
          `${instrument.symbol}: trend ${direction} but the allowed size is below the minimum order`,
        ),
      );
      continue;
    }
    const tick = instrument.market.tickSize;
    const stopLoss = stopPrice(mark, stopPct, direction, tick);
    const takeProfit = roundToTick(
      mark.times(1 + ((direction === "long" ? 2 : -2) * stopPct) / 100).toFixed(),
      tick,
      direction === "long" ? "down" : "up",
    );
    actions.push(
      action(instrument.symbol, "OPEN", direction === "long" ? "LONG" : "SHORT", {
        quantity,
        leverage,
        stopLoss,
        takeProfit,
      }),
    );
    const used = Big(quantity).times(mark);
    exposure = exposure.plus(used);
    available = available.minus(used.div(leverage));
  }

  const listed = actions.map((a) => `${a.action} ${a.side} ${a.symbol}`).join(", ");
  const summary = actions.length
    ? engineText("builtin_futures_actions", { actions: listed }, `Trend rule: ${listed}.`)
    : engineText("builtin_futures_hold", {}, "Trend rule: no signal; holding.");
  return {
    ok: true,
    plan: { actions, summary: summary.text.slice(0, 255), strategy: "builtin-trend", rationale: joined(lines) },
    texts: textsOf(summary, lines),
  };
}

/** Stops sit inside the clamped distance: a long's stop rounds up, a short's down, never further than allowed. */
function stopPrice(mark: Big, pct: number, direction: "long" | "short", tick: string): string {
  const raw = mark.times(1 + ((direction === "long" ? -1 : 1) * pct) / 100).toFixed();
  return roundToTick(raw, tick, direction === "long" ? "up" : "down");
}

function action(
  symbol: string,
  kind: FuturesAction["action"],
  side: FuturesAction["side"],
  fields: Partial<FuturesAction>,
): FuturesAction {
  return {
    symbol,
    action: kind,
    side,
    quantity: null,
    notional: null,
    orderType: "MARKET",
    limitPrice: null,
    leverage: null,
    stopLoss: null,
    takeProfit: null,
    ...fields,
  };
}

// ---------------------------------------------------------------------------------------------------------------

export function builtinProvider(): DecisionProvider {
  return {
    name: "builtin",
    async decide(input) {
      const started = Date.now();
      const result = input.kind === "spot" ? builtinSpotPlan(input) : builtinFuturesPlan(input);
      const base = {
        provider: "builtin" as const,
        model: BUILTIN_MODEL,
        promptVersion: BUILTIN_MODEL,
        attempts: 0,
        usage: null,
        durationMs: Date.now() - started,
      };
      if (!result.ok) {
        return {
          ...base,
          raw: { result: { error: result.error } },
          ok: false,
          failure: { code: "model_error", message: result.error, httpStatus: null, text: result.errorText },
        } satisfies DecisionResult;
      }
      const decision =
        input.kind === "spot"
          ? { kind: "spot" as const, ...(result.plan as SpotPlan) }
          : { kind: "futures" as const, ...(result.plan as FuturesPlan) };
      return {
        ...base,
        raw: { result: result.plan },
        ok: true,
        decision,
        texts: result.texts,
      } satisfies DecisionResult;
    },
  };
}
