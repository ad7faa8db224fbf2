import { FuturesActionKind } from "./decisions.ts";
import * as z from "./zod.ts";

/**
 * Every text Ballast's engine writes for the owner (order reasons, run summaries and errors, notes, pause reasons,
 * the built-in strategy's summary and rationale), as a code with parameters that the UI words in the reader's
 * language. The English text is stored next to it for API clients and for rows written before codes existed.
 *
 * Parameter names tell the UI how to show a value: `…Pct` a percentage, `…At` a date and time, `…Qty`, `…Price`,
 * `…Amount`, `…Usd`, `…Value`, `price` and `amount` a decimal, `count` a whole number; an enum's values are words the UI translates; `detail`
 * is text Ballast did not write (a venue's or an AI provider's words) and is shown as it came. To add a message:
 * add its code and parameters here, then its text to web/src/lib/i18n/en.ts and ru.ts (a web test checks both).
 */

const Decimal = z.string().openapi({ format: "decimal" });
const Percent = z.string().openapi({ format: "percent" });
const Time = z.iso.datetime();
const Count = z.number().int();
/** A symbol, asset, client order id or provider name: shown as it is. */
const Name = z.string();
/** Words from outside Ballast (a venue's error, an AI provider's failure): shown as they came. */
const Detail = z.string().openapi({ format: "verbatim" });
const Direction = z.enum(["long", "short"]);
const PositionMode = z.enum(["one_way", "hedge"]);
const FuturesActionName = FuturesActionKind;

export const ENGINE_MESSAGE_PARAMS = {
  // Order reasons
  order_leftover_canceled: {},
  order_canceled_paused: {},
  order_canceled_stop: { stopKind: z.enum(["stopped", "killed", "deleted"]) },
  order_canceled_not_running: {},
  order_canceled_by_owner: {},
  order_not_placed_stop: { stopKind: z.enum(["stopped", "killed", "deleted"]) },
  order_not_sent_stopped: {},
  order_not_sent_rate_limit: {},
  order_not_sent_venue: { detail: Detail },
  order_not_sent_drift: {
    symbol: Name,
    movePct: Percent,
    referencePrice: Decimal,
    lastPrice: Decimal,
    allowedPct: Percent,
  },
  order_leverage_not_set: { leverage: Count, detail: Detail },
  order_venue_failed: { detail: Detail },
  order_venue_rejected: {},
  order_unknown_outcome: { detail: Detail },
  order_never_confirmed: {},
  order_awaiting_confirmation: {},
  order_gone_from_venue: {},
  order_rejected_by_owner: {},
  order_approved_by_owner: {},
  order_approved_edited: {},
  order_approval_expired: {},
  order_above_max_allocation: { asset: Name, afterPct: Percent, maxPct: Percent },

  // Guard refusals: what the decision asked for that the hard limits or the market's filters refuse
  guard_bad_number: { field: Name, value: Name },
  guard_price_out_of_band: {
    limitPrice: Decimal,
    offPct: Percent,
    symbol: Name,
    currentPrice: Decimal,
    bandPct: Percent,
  },
  guard_unknown_pair: { pair: Name },
  guard_bad_quantity_asset: { asset: Name, base: Name, quote: Name },
  guard_bad_drift: { driftPct: Percent, minPct: Percent, maxPct: Percent },
  guard_price_drift: {
    symbol: Name,
    movePct: Percent,
    referencePrice: Decimal,
    currentPrice: Decimal,
    allowedPct: Percent,
  },
  guard_asset_not_held: { symbol: Name },
  guard_insufficient_balance: { needQty: Decimal, asset: Name, freeQty: Decimal },
  guard_order_cap: { orderUsd: Decimal, capUsd: Decimal },
  guard_below_floor: { asset: Name, afterPct: Percent, floorPct: Percent },
  guard_unknown_symbol: { symbol: Name },
  guard_no_position_to_protect: { direction: Direction, symbol: Name },
  guard_position_exists: { direction: Direction, symbol: Name },
  guard_opposite_position: { oppositeSide: Direction, symbol: Name, direction: Direction },
  guard_no_position: { direction: Direction, symbol: Name, futuresAction: FuturesActionName },
  guard_leverage_cap: { leverage: z.number(), cap: z.number(), symbol: Name },
  guard_exposure_cap: { exposureUsd: Decimal, limitUsd: Decimal },
  guard_insufficient_margin: { marginAmount: Decimal, availableAmount: Decimal },
  guard_stop_required: { futuresAction: FuturesActionName },
  guard_bad_size: { futuresAction: FuturesActionName },
  guard_stop_side: { direction: Direction, markPrice: Decimal, stopPrice: Decimal },
  guard_stop_distance: { distancePct: Percent, minPct: Percent, maxPct: Percent },
  guard_stop_beyond_liquidation: {
    direction: Direction,
    stopLossPrice: Decimal,
    liquidationPrice: Decimal,
    leverage: z.number(),
  },
  guard_take_profit_side: { direction: Direction, markPrice: Decimal },
  filter_price_not_positive: { price: Decimal },
  filter_min_qty: {
    quantityQty: Decimal,
    base: Name,
    roundedQty: Decimal,
    stepQty: Decimal,
    venue: Name,
    minQty: Decimal,
    symbol: Name,
  },
  filter_max_qty: { roundedQty: Decimal, base: Name, venue: Name, maxQty: Decimal, symbol: Name },
  filter_min_notional: { notionalAmount: Decimal, quote: Name, venue: Name, minAmount: Decimal, symbol: Name },
  filter_min_notional_unaffordable: {
    notionalAmount: Decimal,
    quote: Name,
    venue: Name,
    minAmount: Decimal,
    symbol: Name,
  },

  // Run summaries and errors
  run_portfolio_gone: {},
  run_approval_expired: {},
  run_stopped_midway: { portfolioStatus: z.enum(["active", "draft", "paused", "stopped", "deleted"]) },
  run_rate_limited: { retryAt: Time },
  run_failed: { detail: Detail },
  run_no_master_key: {},
  run_no_ai_key: { provider: Name },

  // Why a portfolio is paused or stopped (status reasons; the status reason code is the kind)
  key_deleted: {},
  key_replaced: {},
  key_unverified: {},
  key_unreadable: {},
  owner_disabled: {},
  kill_switch: {},
  loss_drawdown: { drawdownPct: Percent, peakAmount: Decimal, cash: Name, limitPct: Percent },
  loss_daily: { lossPct: Percent, startAmount: Decimal, nowAmount: Decimal, cash: Name, limitPct: Percent },
  failed_reviews: { count: Count },
  liquidation_risk: { direction: Direction, symbol: Name, stopLossPrice: Decimal, liquidationPrice: Decimal },
  stablecoin_depeg: {
    asset: Name,
    price: Decimal,
    quote: Name,
    venue: Name,
    pair: Name,
    offPct: Percent,
    thresholdPct: Percent,
  },

  // Run notes
  note_paper_account_opened: { capitalAmount: Decimal, cash: Name },
  note_stray_canceled: { clientOrderId: Name },
  note_stops_pending: { detail: Detail },
  note_stops_not_removed: { detail: Detail },
  note_stops_moved: { stopLossPrice: Decimal.nullable(), takeProfitPrice: Decimal.nullable(), direction: Direction },
  note_stops_not_moved: { detail: Detail },
  note_margin_mode_kept: { detail: Detail },
  note_position_mode_set: { positionMode: PositionMode },
  note_position_mode_kept: { positionMode: PositionMode, wantedMode: PositionMode, detail: Detail },
  note_builtin_decided: {},
  note_read_failed: { readKind: z.enum(["futures_stats", "funding_log"]), detail: Detail },
  note_spot_outflow: {
    asset: Name,
    accountQty: Decimal,
    portfolioQty: Decimal,
    goneQty: Decimal,
    goneAmount: Decimal,
    cash: Name,
  },
  note_futures_outflow: { symbol: Name, goneQty: Decimal, markPrice: Decimal },
  note_peg_unread: { asset: Name, pair: Name, detail: Detail },
  note_funding: { flow: z.enum(["received", "paid"]), symbol: Name, amount: Decimal, asset: Name, paidAt: Time },

  // Why the built-in strategy decided instead of the portfolio's AI
  fallback_share_revoked: { provider: Name },
  fallback_no_ai_key: { provider: Name },
  fallback_spend_cap: { provider: Name, spentUsd: Decimal, capUsd: Decimal },
  fallback_share_budget: { provider: Name, spentUsd: Decimal, budgetUsd: Decimal },
  fallback_base_url: { provider: Name, detail: Detail },
  fallback_ai_failed: { provider: Name, detail: Detail },

  // The built-in strategy's summaries and rationale lines
  builtin_spot_no_value: {},
  builtin_spot_hold: { bandPct: Percent },
  builtin_spot_rebalance: { bandPct: Percent, count: Count },
  builtin_spot_targets_over: { sumPct: Percent },
  builtin_spot_allocation: { asset: Name, allocationPct: Percent, targetPct: Percent },
  builtin_spot_no_route: { asset: Name, cash: Name },
  builtin_futures_actions: { actions: Name },
  builtin_futures_hold: {},
  builtin_futures_no_data: { symbol: Name },
  builtin_futures_trend: { symbol: Name, slope24Pct: Percent, slope72Pct: Percent, rsiValue: Decimal },
  builtin_futures_below_minimum: { symbol: Name, direction: Direction },
} satisfies Record<string, z.ZodRawShape>;

type Params = typeof ENGINE_MESSAGE_PARAMS;
export type EngineMessageCode = keyof Params;
export type EngineMessageParams<C extends EngineMessageCode> = z.infer<z.ZodObject<Params[C]>>;

const CODES = Object.keys(ENGINE_MESSAGE_PARAMS) as [EngineMessageCode, ...EngineMessageCode[]];
export const EngineMessageCodeSchema = z.enum(CODES).openapi("EngineMessageCode");

const variants = CODES.map((code) =>
  z
    .object({ code: z.literal(code), params: z.object(ENGINE_MESSAGE_PARAMS[code]).strict() })
    .openapi(`EngineMessage_${code}`),
);

const EngineMessageSchema = z
  .discriminatedUnion("code", variants as unknown as [(typeof variants)[number], ...(typeof variants)[number][]])
  .openapi("EngineMessage", {
    description:
      "A text Ballast wrote, as a code with parameters for clients to word in their language (the English text is " +
      "in the field next to it)",
  });
export type EngineMessage = {
  [C in EngineMessageCode]: { code: C; params: EngineMessageParams<C> };
}[EngineMessageCode];
// The union built from the registry's entries loses each code's own parameters; this restores them.
export const EngineMessage = EngineMessageSchema as unknown as z.ZodType<EngineMessage>;

/**
 * A field holding an engine message or null (a row written before codes, or a text an AI wrote). A union with null
 * rather than `.nullable()`, which would mark the shared EngineMessage component itself as nullable in the document.
 */
export const engineMessageOrNull = (description: string) =>
  z.union([EngineMessageSchema, z.null()]).openapi({ description }) as unknown as z.ZodType<EngineMessage | null>;

/** A text the engine writes: the code the UI translates, and the English for API clients and the logs. */
export type EngineText = { message: EngineMessage; text: string };

export function engineText<C extends EngineMessageCode>(
  code: C,
  params: EngineMessageParams<C>,
  text: string,
): EngineText {
  return { message: { code, params } as EngineMessage, text };
}

/** A stored code and its JSON parameters as a message; null for rows written before codes (or by a newer code). */
export function storedEngineMessage(code: string | null, params: string | null): EngineMessage | null {
  if (code === null) return null;
  try {
    const parsed = EngineMessage.safeParse({ code, params: params === null ? {} : JSON.parse(params) });
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
