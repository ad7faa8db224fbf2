import type { SimErrorCode, SimMarket } from "../engine/types.ts";

/**
 * Bybit V5 retCodes and messages the simulator answers with (docs/v5/error.mdx; spot 170xxx as ccxt 4.5.84 lists
 * them). Linear filter failures are 10001 "params error" with the reason in retMsg, as the real venue does.
 */
export type RetError = { retCode: number; retMsg: string };

export const RET = {
  paramsError: 10001,
  timestamp: 10002,
  invalidKey: 10003,
  badSign: 10004,
  permission: 10005,
  rateLimit: 10006,
  positionModeNotModified: 110025,
  marginModeNotModified: 110026,
  leverageNotModified: 110043,
  tpslNotModified: 34040,
  unifiedAccountForbidden: 100028,
  setMarginModeFailed: 3400045,
} as const;

type Messages = Record<SimMarket, RetError>;

const BY_CODE: Record<Exclude<SimErrorCode, "no_change">, Messages> = {
  insufficient_balance: {
    spot: { retCode: 170131, retMsg: "Insufficient balance." },
    linear: { retCode: 110007, retMsg: "ab not enough for new order" },
  },
  duplicate_client_id: {
    spot: { retCode: 170141, retMsg: "Duplicate clientOrderId." },
    linear: { retCode: 110072, retMsg: "OrderLinkedID is duplicate" },
  },
  order_not_found: {
    spot: { retCode: 170213, retMsg: "Order does not exist." },
    linear: { retCode: 110001, retMsg: "Order does not exist" },
  },
  bad_symbol: {
    spot: { retCode: 170121, retMsg: "Invalid symbol." },
    linear: { retCode: 10001, retMsg: "params error: symbol invalid" },
  },
  filter_tick_size: {
    spot: { retCode: 170134, retMsg: "Order price decimal too long." },
    linear: { retCode: 10001, retMsg: "params error: price has too many decimals for the tick size" },
  },
  filter_step_size: {
    spot: { retCode: 170137, retMsg: "Order volume decimal too long" },
    linear: { retCode: 10001, retMsg: "params error: Qty invalid, not a multiple of qtyStep" },
  },
  filter_min_qty: {
    spot: { retCode: 170136, retMsg: "Order quantity lower than the minimum." },
    linear: { retCode: 10001, retMsg: "The number of contracts exceeds minimum limit allowed" },
  },
  filter_max_qty: {
    spot: { retCode: 170135, retMsg: "Order quantity too large." },
    linear: { retCode: 10001, retMsg: "The number of contracts exceeds maximum limit allowed" },
  },
  filter_min_notional: {
    spot: { retCode: 170140, retMsg: "Order value exceeded lower limit." },
    linear: { retCode: 110094, retMsg: "Order does not meet minimum order value 5USDT" },
  },
  invalid_leverage: {
    spot: { retCode: 10001, retMsg: "params error: leverage invalid" },
    linear: { retCode: 10001, retMsg: "params error: leverage invalid" },
  },
  reduce_only_rejected: {
    spot: { retCode: 10001, retMsg: "params error: reduceOnly not supported for spot" },
    linear: { retCode: 110017, retMsg: "Reduce-only rule not satisfied" },
  },
  position_side_mismatch: {
    spot: { retCode: 10001, retMsg: "position idx not match position mode" },
    linear: { retCode: 10001, retMsg: "position idx not match position mode" },
  },
  would_trigger_immediately: {
    spot: { retCode: 10001, retMsg: "params error: trigger price would trigger immediately" },
    linear: { retCode: 10001, retMsg: "params error: TP/SL price would trigger immediately against the mark price" },
  },
  post_only_would_take: {
    spot: { retCode: 170210, retMsg: "PostOnly order would take liquidity" },
    linear: { retCode: 10001, retMsg: "params error: PostOnly order would take liquidity" },
  },
  invalid_parameter: {
    spot: { retCode: 10001, retMsg: "params error" },
    linear: { retCode: 10001, retMsg: "params error" },
  },
};

export function retErrorFor(code: SimErrorCode, market: SimMarket, detail: string): RetError {
  if (code === "no_change") return { retCode: 10001, retMsg: "not modified" };
  const error = BY_CODE[code][market];
  // Generic parameter errors carry the reason, like the venue's "params error: ..." answers.
  return code === "invalid_parameter" ? { retCode: error.retCode, retMsg: `params error: ${detail}` } : error;
}
