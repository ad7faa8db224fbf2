import Big from "big.js";
import type {
  Candle,
  Instrument,
  PositionView,
  SimConditional,
  SimFill,
  SimOrder,
  SimOrderStatus,
} from "../engine/types.ts";

/** Binance's JSON shapes for the simulator's state (field names and string formats as the real API sends them). */

const STATUS: Record<SimOrderStatus, string> = {
  new: "NEW",
  partially_filled: "PARTIALLY_FILLED",
  filled: "FILLED",
  canceled: "CANCELED",
  rejected: "REJECTED",
  expired: "EXPIRED",
};

/** Spot writes 8 decimals everywhere ("0.01000000"). */
export function spot8(value: string | Big): string {
  return new Big(value).toFixed(8);
}

const TIF = { gtc: "GTC", ioc: "IOC", fok: "FOK", post_only: "GTX" } as const;
const POSITION_SIDE = { both: "BOTH", long: "LONG", short: "SHORT" } as const;

export const positionSideOf = (side: SimOrder["positionSide"]) => POSITION_SIDE[side];
export const sideOf = (side: "buy" | "sell") => (side === "buy" ? "BUY" : "SELL");

function spotType(order: SimOrder): string {
  if (order.type === "market") return "MARKET";
  return order.timeInForce === "post_only" ? "LIMIT_MAKER" : "LIMIT";
}

export function spotOrderJson(order: SimOrder) {
  return {
    symbol: order.symbol,
    orderId: Number(order.orderId),
    orderListId: -1,
    clientOrderId: order.clientOrderId,
    price: spot8(order.price ?? "0"),
    origQty: spot8(order.quantity),
    executedQty: spot8(order.filledQuantity),
    cummulativeQuoteQty: spot8(order.filledQuote),
    status: STATUS[order.status],
    timeInForce: order.timeInForce === "post_only" ? "GTC" : TIF[order.timeInForce],
    type: spotType(order),
    side: sideOf(order.side),
    stopPrice: "0.00000000",
    icebergQty: "0.00000000",
    time: order.createdAt,
    updateTime: order.updatedAt,
    isWorking: order.status === "new" || order.status === "partially_filled",
    workingTime: order.createdAt,
    origQuoteOrderQty: "0.00000000",
    selfTradePreventionMode: "EXPIRE_MAKER",
  };
}

/** POST /api/v3/order with newOrderRespType=FULL. */
export function spotOrderFull(order: SimOrder, fills: SimFill[]) {
  const {
    time: _time,
    updateTime: _update,
    isWorking: _working,
    stopPrice: _stop,
    icebergQty: _iceberg,
    ...rest
  } = spotOrderJson(order);
  return {
    ...rest,
    transactTime: order.updatedAt,
    fills: fills.map((f) => ({
      price: spot8(f.price),
      qty: spot8(f.quantity),
      commission: spot8(f.fee),
      commissionAsset: f.feeAsset,
      tradeId: Number(f.tradeId),
    })),
  };
}

/** DELETE /api/v3/order: `clientOrderId` is the cancel request's own id, the order's is `origClientOrderId`. */
export function spotCancelJson(order: SimOrder, cancelClientId: string) {
  const {
    time: _time,
    updateTime: _update,
    isWorking: _working,
    stopPrice: _stop,
    icebergQty: _iceberg,
    ...rest
  } = spotOrderJson(order);
  return {
    ...rest,
    origClientOrderId: order.clientOrderId,
    clientOrderId: cancelClientId,
    transactTime: order.updatedAt,
  };
}

export function spotTradeJson(fill: SimFill) {
  return {
    symbol: fill.symbol,
    id: Number(fill.tradeId),
    orderId: Number(fill.orderId),
    orderListId: -1,
    price: spot8(fill.price),
    qty: spot8(fill.quantity),
    quoteQty: spot8(new Big(fill.price).times(fill.quantity)),
    commission: spot8(fill.fee),
    commissionAsset: fill.feeAsset,
    time: fill.time,
    isBuyer: fill.side === "buy",
    isMaker: fill.maker,
    isBestMatch: true,
  };
}

export function futuresOrderJson(order: SimOrder) {
  const filled = new Big(order.filledQuantity);
  const type = order.type === "market" ? "MARKET" : "LIMIT";
  return {
    orderId: Number(order.orderId),
    symbol: order.symbol,
    status: STATUS[order.status],
    clientOrderId: order.clientOrderId,
    price: new Big(order.price ?? "0").toFixed(),
    avgPrice: filled.gt(0) ? new Big(order.filledQuote).div(filled).toFixed() : "0",
    origQty: new Big(order.quantity).toFixed(),
    executedQty: filled.toFixed(),
    cumQty: filled.toFixed(),
    cumQuote: new Big(order.filledQuote).toFixed(),
    timeInForce: order.type === "market" ? "GTC" : TIF[order.timeInForce],
    type,
    reduceOnly: order.reduceOnly,
    closePosition: false,
    side: sideOf(order.side),
    positionSide: positionSideOf(order.positionSide),
    stopPrice: "0",
    workingType: "CONTRACT_PRICE",
    priceProtect: false,
    origType: type,
    priceMatch: "NONE",
    selfTradePreventionMode: "EXPIRE_MAKER",
    goodTillDate: 0,
    time: order.createdAt,
    updateTime: order.updatedAt,
  };
}

export function futuresTradeJson(fill: SimFill, positionSide: SimOrder["positionSide"]) {
  return {
    buyer: fill.side === "buy",
    commission: fill.fee,
    commissionAsset: fill.feeAsset,
    id: Number(fill.tradeId),
    maker: fill.maker,
    orderId: Number(fill.orderId),
    price: fill.price,
    qty: fill.quantity,
    quoteQty: new Big(fill.price).times(fill.quantity).toFixed(),
    realizedPnl: fill.realizedPnl,
    side: sideOf(fill.side),
    positionSide: positionSideOf(positionSide),
    symbol: fill.symbol,
    time: fill.time,
  };
}

const ALGO_STATUS = { new: "NEW", triggered: "TRIGGERED", canceled: "CANCELED" } as const;

export function algoOrderJson(c: SimConditional) {
  return {
    algoId: Number(c.id),
    clientAlgoId: c.clientId ?? `sim-${c.id}`,
    algoType: "CONDITIONAL",
    orderType: c.kind === "stop_loss" ? "STOP_MARKET" : "TAKE_PROFIT_MARKET",
    symbol: c.symbol,
    side: sideOf(c.closeSide),
    positionSide: positionSideOf(c.positionSide),
    timeInForce: "GTC",
    quantity: "0",
    algoStatus: ALGO_STATUS[c.status],
    triggerPrice: c.triggerPrice,
    price: "0",
    icebergQuantity: null,
    selfTradePreventionMode: "EXPIRE_MAKER",
    workingType: "MARK_PRICE",
    priceMatch: "NONE",
    closePosition: true,
    priceProtect: false,
    reduceOnly: false,
    activatePrice: "",
    callbackRate: "",
    createTime: c.createdAt,
    updateTime: c.updatedAt ?? c.createdAt,
    triggerTime: c.status === "triggered" ? (c.updatedAt ?? c.createdAt) : 0,
    goodTillDate: 0,
  };
}

export function positionRiskJson(p: PositionView, maxNotional: string) {
  const amount = new Big(p.size);
  return {
    symbol: p.symbol,
    positionAmt: p.positionSide === "short" ? amount.abs().neg().toFixed() : amount.toFixed(),
    entryPrice: p.entryPrice,
    breakEvenPrice: p.entryPrice,
    markPrice: p.markPrice,
    unRealizedProfit: p.unrealizedPnl,
    liquidationPrice: p.liquidationPrice ?? "0",
    leverage: String(p.leverage),
    maxNotionalValue: maxNotional,
    marginType: p.marginMode,
    isolatedMargin: "0.00000000",
    isAutoAddMargin: "false",
    positionSide: positionSideOf(p.positionSide),
    notional: p.notional,
    isolatedWallet: "0",
    updateTime: 0,
  };
}

export function klineRow(c: Candle, intervalMs: number) {
  const quoteVolume = new Big(c.volume).times(c.close).toFixed(8);
  return [
    c.openTime,
    c.open,
    c.high,
    c.low,
    c.close,
    c.volume,
    c.openTime + intervalMs - 1,
    quoteVolume,
    0,
    "0",
    "0",
    "0",
  ];
}

function decimalsOf(step: string): number {
  const text = new Big(step).toFixed();
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

export function spotSymbolJson(i: Instrument) {
  return {
    symbol: i.symbol,
    status: i.status === "trading" ? "TRADING" : "HALT",
    baseAsset: i.base,
    baseAssetPrecision: 8,
    quoteAsset: i.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      {
        filterType: "PRICE_FILTER",
        minPrice: spot8(i.tickSize),
        maxPrice: "1000000.00000000",
        tickSize: spot8(i.tickSize),
      },
      { filterType: "LOT_SIZE", minQty: spot8(i.minQty), maxQty: spot8(i.maxQty), stepSize: spot8(i.stepSize) },
      // "0" step and a lower max: the real MARKET_LOT_SIZE of many symbols.
      { filterType: "MARKET_LOT_SIZE", minQty: "0.00000000", maxQty: spot8(i.maxQty), stepSize: "0.00000000" },
      {
        filterType: "NOTIONAL",
        minNotional: spot8(i.minNotional),
        applyMinToMarket: true,
        maxNotional: "9000000.00000000",
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
      { filterType: "MAX_NUM_ORDERS", maxNumOrders: 200 },
    ],
    permissions: [],
    permissionSets: [["SPOT"]],
    defaultSelfTradePreventionMode: "EXPIRE_MAKER",
    allowedSelfTradePreventionModes: ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
  };
}

export function futuresSymbolJson(i: Instrument) {
  return {
    symbol: i.symbol,
    pair: i.symbol,
    contractType: "PERPETUAL",
    deliveryDate: 4133404800000,
    onboardDate: 1569398400000,
    status: i.status === "trading" ? "TRADING" : "PENDING_TRADING",
    maintMarginPercent: "2.5000",
    requiredMarginPercent: "5.0000",
    baseAsset: i.base,
    quoteAsset: i.quote,
    marginAsset: i.quote,
    // Not the tick or step (the docs say so); deliberately coarser so a client that uses them is caught.
    pricePrecision: Math.max(0, decimalsOf(i.tickSize) - 1),
    quantityPrecision: decimalsOf(i.stepSize),
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: "COIN",
    triggerProtect: "0.0500",
    liquidationFee: "0.012500",
    marketTakeBound: "0.05",
    filters: [
      { filterType: "PRICE_FILTER", minPrice: i.tickSize, maxPrice: "4529764", tickSize: i.tickSize },
      { filterType: "LOT_SIZE", minQty: i.minQty, maxQty: i.maxQty, stepSize: i.stepSize },
      { filterType: "MARKET_LOT_SIZE", minQty: i.minQty, maxQty: i.maxQty, stepSize: i.stepSize },
      { filterType: "MAX_NUM_ORDERS", limit: 200 },
      { filterType: "MAX_NUM_ALGO_ORDERS", limit: 10 },
      { filterType: "MIN_NOTIONAL", notional: i.minNotional },
      { filterType: "PERCENT_PRICE", multiplierUp: "1.0500", multiplierDown: "0.9500", multiplierDecimal: "4" },
    ],
    orderTypes: ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"],
    timeInForce: ["GTC", "IOC", "FOK", "GTX", "GTD"],
  };
}
