/**
 * Why the hard guards refuse an item of a decision (worker/ai/guards.ts), one code each; the API names them where a
 * refusal is shown (a replay's refusals), and the UI words them (refusalCode.* in web/src/lib/i18n).
 */
export const GUARD_CODES = [
  "unknown_pair",
  "unknown_symbol",
  "bad_quantity_asset",
  "bad_number",
  "bad_size",
  "bad_drift",
  "price_drift",
  "price_out_of_band",
  "insufficient_balance",
  "below_floor",
  "order_too_large",
  "exchange_filter",
  "leverage_cap",
  "exposure_cap",
  "insufficient_margin",
  "stop_required",
  "bad_stop",
  "stop_beyond_liquidation",
  "bad_take_profit",
  "position_exists",
  "opposite_position",
  "no_position",
] as const;
