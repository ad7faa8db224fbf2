import Big from "big.js";
import { type EngineText, engineText } from "../../shared/api/engine-messages.ts";
import type { DecimalString } from "../exchanges/contract.ts";
import { estimateLiquidationPrice, stopDistanceFromLiquidationPct } from "../exchanges/liquidation.ts";
import { roundStopPrice, sizeOrder } from "../exchanges/precision.ts";
import type { FuturesDecisionInput, SpotDecisionInput } from "./decision-input.ts";
import type { FuturesAction, FuturesPlan, SpotOrder, SpotPlan } from "./decision-schema.ts";
import type {
  FuturesIntent,
  FuturesOrderIntent,
  GuardCode,
  GuardOutcome,
  Rejection,
  SpotOrderIntent,
} from "./intents.ts";

/**
 * Hard guards between a decision and the exchange. Whatever the model (or the built-in strategy) says, an item only
 * becomes an intent when it trades the portfolio's own pairs or symbols, at a sane price, within balances, floors,
 * leverage, exposure and order caps, with a stop-loss on every futures open, and fits the market's filters. Each
 * refused item carries its reason; the others proceed (one bad order never voids the decision).
 */

export type GuardOptions = {
  /** Prices just before execution by symbol; defaults to the prices in the decision input. */
  currentPrices?: Record<string, DecimalString>;
  /** Limit prices further than this from the current price are refused, in percent. */
  maxPriceDeviationPct?: number;
  /** Accepted range for a spot order's maxDriftPct. */
  minDriftPct?: number;
  maxDriftPct?: number;
};

const DEFAULTS = { maxPriceDeviationPct: 5, minDriftPct: 0.01, maxDriftPct: 10 } as const;

class Refused extends Error {
  readonly code: GuardCode;
  readonly text: EngineText;
  constructor(code: GuardCode, text: EngineText) {
    super(text.text);
    this.code = code;
    this.text = text;
  }
}

const refuse = (code: GuardCode, text: EngineText): never => {
  throw new Refused(code, text);
};

function positiveDecimal(value: string | null, what: string): Big {
  if (value === null || !/^\d+(\.\d+)?$/.test(value.trim()) || Big(value.trim()).lte(0))
    return refuse(
      "bad_number",
      engineText(
        "guard_bad_number",
        { field: what, value: JSON.stringify(value) },
        `${what} must be a positive decimal string, got ${JSON.stringify(value)}.`,
      ),
    );
  return Big(value.trim());
}

/** |a − b| / b in percent. */
const deviationPct = (a: Big, b: Big) => a.minus(b).abs().div(b).times(100);
const fmt = (value: Big, dp = 4) => value.round(dp).toFixed();

function guardItems<T, I>(items: T[], check: (item: T, leg: number) => I | null): GuardOutcome<I, T> {
  const accepted: I[] = [];
  const rejected: Rejection<T>[] = [];
  items.forEach((item, leg) => {
    try {
      const intent = check(item, leg);
      if (intent !== null) accepted.push(intent);
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      rejected.push({ leg, item, code: error.code, reason: error.message, text: error.text });
    }
  });
  return { accepted, rejected };
}

function checkLimitPrice(limit: Big, current: Big, band: number, symbol: string): void {
  const off = deviationPct(limit, current);
  if (off.gt(band))
    refuse(
      "price_out_of_band",
      engineText(
        "guard_price_out_of_band",
        {
          limitPrice: limit.toFixed(),
          offPct: fmt(off, 2),
          symbol,
          currentPrice: current.toFixed(),
          bandPct: String(band),
        },
        `Limit price ${limit.toFixed()} is ${fmt(off, 2)}% from the current ${symbol} price ${current.toFixed()} (at most ${band}%).`,
      ),
    );
}

function sized(input: Parameters<typeof sizeOrder>[0]) {
  const result = sizeOrder(input);
  if (!result.ok) return refuse("exchange_filter", result.text);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Spot

export function guardSpotDecision(
  plan: SpotPlan,
  input: SpotDecisionInput,
  options: GuardOptions = {},
): GuardOutcome<SpotOrderIntent, SpotOrder> {
  const limits = { ...DEFAULTS, ...options };
  const total = Big(input.totalValueUsd);
  // Balances and values as the decision's earlier accepted orders leave them (sale proceeds are not counted: they
  // exist only once the order fills).
  const free = new Map(input.positions.map((p) => [p.asset, Big(p.free)]));
  const value = new Map(input.positions.map((p) => [p.asset, Big(p.valueUsd)]));

  return guardItems(plan.orders, (order, leg) => {
    const route = input.routes.find((r) => r.symbol === order.pair);
    if (!route)
      return refuse(
        "unknown_pair",
        engineText(
          "guard_unknown_pair",
          { pair: order.pair },
          `${order.pair} is not one of this portfolio's trading routes.`,
        ),
      );
    if (order.quantityAsset !== route.base && order.quantityAsset !== route.quote)
      refuse(
        "bad_quantity_asset",
        engineText(
          "guard_bad_quantity_asset",
          { asset: order.quantityAsset, base: route.base, quote: route.quote },
          `quantityAsset ${order.quantityAsset} is neither ${route.base} nor ${route.quote}.`,
        ),
      );
    const quantity = positiveDecimal(order.quantity, "quantity");
    const reference = positiveDecimal(order.referencePrice, "referencePrice");
    const limit = order.limitPrice === null ? null : positiveDecimal(order.limitPrice, "limitPrice");
    if (!(order.maxDriftPct >= limits.minDriftPct && order.maxDriftPct <= limits.maxDriftPct))
      refuse(
        "bad_drift",
        engineText(
          "guard_bad_drift",
          {
            driftPct: String(order.maxDriftPct),
            minPct: String(limits.minDriftPct),
            maxPct: String(limits.maxDriftPct),
          },
          `maxDriftPct ${order.maxDriftPct} is outside ${limits.minDriftPct}–${limits.maxDriftPct}%.`,
        ),
      );

    const current = Big(options.currentPrices?.[route.symbol] ?? route.last);
    const drift = deviationPct(current, reference);
    if (drift.gt(order.maxDriftPct))
      refuse(
        "price_drift",
        engineText(
          "guard_price_drift",
          {
            symbol: route.symbol,
            movePct: fmt(drift, 2),
            referencePrice: reference.toFixed(),
            currentPrice: current.toFixed(),
            allowedPct: String(order.maxDriftPct),
          },
          `${route.symbol} moved ${fmt(drift, 2)}% from the reference ${reference.toFixed()} to ${current.toFixed()} (allowed ${order.maxDriftPct}%).`,
        ),
      );
    if (limit) checkLimitPrice(limit, current, limits.maxPriceDeviationPct, route.symbol);

    const price = limit ?? current;
    const baseQuantity = order.quantityAsset === route.base ? quantity : quantity.div(price);
    const gives = order.side === "sell" ? route.base : route.quote;
    const givesPosition = input.positions.find((p) => p.asset === gives);
    const basePosition = input.positions.find((p) => p.asset === route.base);
    if (!givesPosition || !basePosition)
      return refuse(
        "unknown_pair",
        engineText(
          "guard_asset_not_held",
          { symbol: route.symbol },
          `${route.symbol} trades an asset this portfolio does not hold.`,
        ),
      );

    const spend = order.side === "sell" ? baseQuantity : baseQuantity.times(price);
    const available = free.get(gives) ?? Big(0);
    // Small overshoots (rounding in the model's arithmetic) are trimmed to the balance by sizeOrder; large ones are
    // a different order than the one asked for.
    if (spend.gt(available.times(1.01)))
      refuse(
        "insufficient_balance",
        engineText(
          "guard_insufficient_balance",
          { needQty: fmt(spend, 8), asset: gives, freeQty: available.toFixed() },
          `The order needs ${fmt(spend, 8)} ${gives} but only ${available.toFixed()} ${gives} is free.`,
        ),
      );

    const result = sized({
      market: route.market,
      side: order.side,
      type: limit ? "limit" : "market",
      quantity: baseQuantity.toFixed(),
      price: price.toFixed(),
      available: available.toFixed(),
    });
    const filledBase = Big(result.quantity);
    const notionalUsd = filledBase.times(basePosition.priceUsd);
    if (input.limits.maxOrderUsd !== null && notionalUsd.gt(input.limits.maxOrderUsd))
      refuse(
        "order_too_large",
        engineText(
          "guard_order_cap",
          { orderUsd: fmt(notionalUsd, 2), capUsd: input.limits.maxOrderUsd },
          `The order is worth ${fmt(notionalUsd, 2)} USD, above the ${input.limits.maxOrderUsd} USD per-order cap.`,
        ),
      );

    const spent = order.side === "sell" ? filledBase : filledBase.times(result.price);
    const valueAfter = (value.get(gives) ?? Big(0)).minus(spent.times(givesPosition.priceUsd));
    const floorUsd = total.times(givesPosition.minAllocationPct).div(100);
    if (valueAfter.lt(floorUsd))
      refuse(
        "below_floor",
        engineText(
          "guard_below_floor",
          {
            asset: gives,
            afterPct: fmt(valueAfter.div(total).times(100), 2),
            floorPct: String(givesPosition.minAllocationPct),
          },
          `The order would leave ${gives} at ${fmt(valueAfter.div(total).times(100), 2)}% of the portfolio, below its ${givesPosition.minAllocationPct}% floor.`,
        ),
      );

    free.set(gives, available.minus(spent).gt(0) ? available.minus(spent) : Big(0));
    value.set(gives, valueAfter);
    return {
      kind: "spot_order",
      leg,
      symbol: route.symbol,
      side: order.side,
      type: limit ? "limit" : "market",
      quantity: result.quantity,
      price: limit ? result.price : null,
      referencePrice: reference.toFixed(),
      maxDriftPct: order.maxDriftPct,
      notionalUsd: notionalUsd.toFixed(2),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Futures

export function guardFuturesDecision(
  plan: FuturesPlan,
  input: FuturesDecisionInput,
  options: GuardOptions = {},
): GuardOutcome<FuturesIntent, FuturesAction> {
  const band = options.maxPriceDeviationPct ?? DEFAULTS.maxPriceDeviationPct;
  const { limits } = input;
  let exposure = input.positions.reduce((sum, p) => sum.plus(Big(p.size).times(p.markPrice).abs()), Big(0));
  let available = Big(input.wallet.availableBalance);

  return guardItems(plan.actions, (action, leg): FuturesIntent | null => {
    const instrument = input.instruments.find((i) => i.symbol === action.symbol);
    if (!instrument)
      return refuse(
        "unknown_symbol",
        engineText(
          "guard_unknown_symbol",
          { symbol: action.symbol },
          `${action.symbol} is not one of this portfolio's instruments.`,
        ),
      );
    const { market } = instrument;
    const mark = Big(options.currentPrices?.[instrument.symbol] ?? instrument.mark);
    const direction = action.side === "LONG" ? "long" : "short";
    const positionSide = input.positionMode === "hedge" ? direction : "both";
    const position = input.positions.find((p) => p.symbol === action.symbol && p.side === direction);
    const stops = { position: direction, tick: market.tickSize, mark, limits } as const;

    if (action.action === "HOLD") {
      if (action.stopLoss === null && action.takeProfit === null) return null;
      if (!position)
        return refuse(
          "no_position",
          engineText(
            "guard_no_position_to_protect",
            { direction, symbol: action.symbol },
            `There is no ${direction} ${action.symbol} position to protect.`,
          ),
        );
      return {
        kind: "futures_stops",
        leg,
        symbol: action.symbol,
        positionSide,
        direction,
        stopLoss: action.stopLoss === null ? null : checkStopLoss(action.stopLoss, stops),
        takeProfit: action.takeProfit === null ? null : checkTakeProfit(action.takeProfit, stops),
      };
    }

    const opening = action.action === "OPEN" || action.action === "INCREASE";
    if (action.action === "OPEN") {
      if (position)
        refuse(
          "position_exists",
          engineText(
            "guard_position_exists",
            { direction, symbol: action.symbol },
            `A ${direction} ${action.symbol} position is already open; use INCREASE.`,
          ),
        );
      const opposite = input.positions.find((p) => p.symbol === action.symbol && p.side !== direction);
      if (opposite && input.positionMode === "one_way")
        refuse(
          "opposite_position",
          engineText(
            "guard_opposite_position",
            { oppositeSide: opposite.side, symbol: action.symbol, direction },
            `Close the ${opposite.side} ${action.symbol} position before opening ${direction}.`,
          ),
        );
    } else if (!position) {
      return refuse(
        "no_position",
        engineText(
          "guard_no_position",
          { direction, symbol: action.symbol, futuresAction: action.action },
          `There is no ${direction} ${action.symbol} position to ${action.action.toLowerCase()}.`,
        ),
      );
    }

    const limit = action.orderType === "LIMIT" ? positiveDecimal(action.limitPrice, "limitPrice") : null;
    if (limit) checkLimitPrice(limit, mark, band, action.symbol);
    const price = limit ?? mark;
    const quantity = orderQuantity(action, price, position?.size ?? null);

    let leverage: number | null = null;
    if (opening) {
      const wanted = action.leverage ?? position?.leverage ?? Math.min(limits.defaultLeverage, limits.maxLeverage);
      const cap = Math.min(limits.maxLeverage, market.maxLeverage ?? limits.maxLeverage);
      if (!Number.isInteger(wanted) || wanted < 1 || wanted > cap)
        refuse(
          "leverage_cap",
          engineText(
            "guard_leverage_cap",
            { leverage: wanted, cap, symbol: action.symbol },
            `Leverage ${wanted}× is outside 1–${cap}× allowed for ${action.symbol}.`,
          ),
        );
      leverage = position && position.leverage === wanted ? null : wanted;
    }

    const result = sized({
      market,
      side: (direction === "long") === opening ? "buy" : "sell",
      type: limit ? "limit" : "market",
      quantity: quantity.toFixed(),
      price: price.toFixed(),
      reduceOnly: !opening,
    });
    const notional = Big(result.quantity).times(price);

    let stopLoss: string | null = null;
    let takeProfit: string | null = null;
    if (opening) {
      if (input.limits.maxOrderUsd !== null && notional.gt(input.limits.maxOrderUsd))
        refuse(
          "order_too_large",
          engineText(
            "guard_order_cap",
            { orderUsd: fmt(notional, 2), capUsd: input.limits.maxOrderUsd },
            `The order is worth ${fmt(notional, 2)} USD, above the ${input.limits.maxOrderUsd} USD cap.`,
          ),
        );
      if (exposure.plus(notional).gt(limits.maxExposureUsd))
        refuse(
          "exposure_cap",
          engineText(
            "guard_exposure_cap",
            { exposureUsd: fmt(exposure.plus(notional), 2), limitUsd: limits.maxExposureUsd },
            `Exposure would reach ${fmt(exposure.plus(notional), 2)} USD, above the ${limits.maxExposureUsd} USD limit.`,
          ),
        );
      const usedLeverage = leverage ?? position?.leverage ?? 1;
      const margin = notional.div(usedLeverage);
      if (margin.gt(available))
        refuse(
          "insufficient_margin",
          engineText(
            "guard_insufficient_margin",
            { marginAmount: fmt(margin, 2), availableAmount: available.toFixed() },
            `The order needs ${fmt(margin, 2)} USDT of margin; ${available.toFixed()} is available.`,
          ),
        );
      const hasStop = input.stops.some(
        (s) => s.symbol === action.symbol && s.kind === "stop_loss" && s.positionSide === positionSide,
      );
      if (action.stopLoss === null && (action.action === "OPEN" || !hasStop))
        refuse(
          "stop_required",
          engineText(
            "guard_stop_required",
            { futuresAction: action.action },
            `Every ${action.action === "OPEN" ? "open" : "increase"} needs a stop-loss.`,
          ),
        );
      stopLoss = action.stopLoss === null ? null : checkStopLoss(action.stopLoss, stops);
      if (stopLoss !== null) checkStopBeforeLiquidation(stopLoss, direction, price, usedLeverage);
      takeProfit = action.takeProfit === null ? null : checkTakeProfit(action.takeProfit, stops);
      exposure = exposure.plus(notional);
      available = available.minus(margin);
    }

    const intent: FuturesOrderIntent = {
      kind: "futures_order",
      leg,
      action: action.action,
      symbol: action.symbol,
      positionSide,
      direction,
      side: (direction === "long") === opening ? "buy" : "sell",
      type: limit ? "limit" : "market",
      quantity: result.quantity,
      price: limit ? result.price : null,
      reduceOnly: !opening,
      leverage,
      stopLoss,
      takeProfit,
      cancelStops: action.action === "CLOSE",
      notionalUsd: notional.toFixed(2),
    };
    return intent;
  });
}

function orderQuantity(action: FuturesAction, price: Big, positionSize: string | null): Big {
  if (action.action === "CLOSE") return Big(positionSize ?? "0").abs();
  if ((action.quantity === null) === (action.notional === null))
    refuse(
      "bad_size",
      engineText(
        "guard_bad_size",
        { futuresAction: action.action },
        `Give exactly one of quantity or notional for ${action.action}.`,
      ),
    );
  const quantity =
    action.quantity !== null
      ? positiveDecimal(action.quantity, "quantity")
      : positiveDecimal(action.notional, "notional").div(price);
  // A reduce larger than the position is a close, never a flip.
  if (action.action === "REDUCE" && positionSize !== null && quantity.gt(Big(positionSize).abs()))
    return Big(positionSize).abs();
  return quantity;
}

type StopContext = {
  position: "long" | "short";
  tick: string;
  mark: Big;
  limits: FuturesDecisionInput["limits"];
};

function checkStopLoss(value: string, ctx: StopContext): string {
  const stop = positiveDecimal(value, "stopLoss");
  const losingSide = ctx.position === "long" ? stop.lt(ctx.mark) : stop.gt(ctx.mark);
  if (!losingSide)
    refuse(
      "bad_stop",
      engineText(
        "guard_stop_side",
        { direction: ctx.position, markPrice: ctx.mark.toFixed(), stopPrice: stop.toFixed() },
        `A ${ctx.position} stop-loss must be ${ctx.position === "long" ? "below" : "above"} the mark price ${ctx.mark.toFixed()}, got ${stop.toFixed()}.`,
      ),
    );
  const distance = deviationPct(stop, ctx.mark);
  if (distance.lt(ctx.limits.stopLossMinPct) || distance.gt(ctx.limits.stopLossMaxPct))
    refuse(
      "bad_stop",
      engineText(
        "guard_stop_distance",
        {
          distancePct: fmt(distance, 2),
          minPct: String(ctx.limits.stopLossMinPct),
          maxPct: String(ctx.limits.stopLossMaxPct),
        },
        `The stop-loss is ${fmt(distance, 2)}% from the mark price; it must be ${ctx.limits.stopLossMinPct}–${ctx.limits.stopLossMaxPct}%.`,
      ),
    );
  return roundStopPrice(stop.toFixed(), ctx.tick, ctx.position, "stop_loss");
}

/**
 * A stop-loss beyond the liquidation price never triggers: the venue liquidates the position first (and takes its
 * fee). Liquidation is estimated from the entry and leverage (worker/exchanges/liquidation.ts).
 */
function checkStopBeforeLiquidation(stopLoss: string, side: "long" | "short", entry: Big, leverage: number): void {
  const liquidation = estimateLiquidationPrice({ side, entryPrice: entry.toFixed(), leverage });
  if (liquidation === null || stopDistanceFromLiquidationPct(side, Big(stopLoss), liquidation).gt(0)) return;
  refuse(
    "stop_beyond_liquidation",
    engineText(
      "guard_stop_beyond_liquidation",
      { direction: side, stopLossPrice: stopLoss, liquidationPrice: fmt(liquidation, 8), leverage },
      `The ${side} stop-loss ${stopLoss} lies beyond the estimated liquidation price ${fmt(liquidation, 8)} at ${leverage}× leverage: the position would be liquidated before it triggers.`,
    ),
  );
}

function checkTakeProfit(value: string, ctx: StopContext): string {
  const target = positiveDecimal(value, "takeProfit");
  const winningSide = ctx.position === "long" ? target.gt(ctx.mark) : target.lt(ctx.mark);
  if (!winningSide)
    refuse(
      "bad_take_profit",
      engineText(
        "guard_take_profit_side",
        { direction: ctx.position, markPrice: ctx.mark.toFixed() },
        `A ${ctx.position} take-profit must be ${ctx.position === "long" ? "above" : "below"} the mark price ${ctx.mark.toFixed()}.`,
      ),
    );
  return roundStopPrice(target.toFixed(), ctx.tick, ctx.position, "take_profit");
}
