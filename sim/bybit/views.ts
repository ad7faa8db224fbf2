import { Dec } from "../engine/decimal.ts";
import type {
  Account,
  Instrument,
  PositionView,
  SimConditional,
  SimExchange,
  SimFill,
  SimOrder,
} from "../engine/types.ts";

/** Engine state → Bybit V5 JSON shapes (docs/v5/market, order, position, account). Decimal strings throughout. */

const ORDER_STATUS: Record<SimOrder["status"], string> = {
  new: "New",
  partially_filled: "PartiallyFilled",
  filled: "Filled",
  canceled: "Cancelled",
  rejected: "Rejected",
  expired: "Cancelled",
};

const TIF: Record<SimOrder["timeInForce"], string> = { gtc: "GTC", ioc: "IOC", fok: "FOK", post_only: "PostOnly" };

export const IDX: Record<SimOrder["positionSide"], number> = { both: 0, long: 1, short: 2 };
export const SIDE_OF_IDX: Record<number, SimOrder["positionSide"]> = { 0: "both", 1: "long", 2: "short" };

const side = (value: "buy" | "sell") => (value === "buy" ? "Buy" : "Sell");

export function spotInstrumentView(i: Instrument) {
  return {
    symbol: i.symbol,
    baseCoin: i.base,
    quoteCoin: i.quote,
    innovation: "0",
    // Bybit's instrument status enum has no "halted": a symbol not open for trading is PreLaunch.
    status: i.status === "trading" ? "Trading" : "PreLaunch",
    marginTrading: "none",
    lotSizeFilter: {
      basePrecision: i.stepSize,
      quotePrecision: i.tickSize,
      minOrderQty: i.minQty,
      maxOrderQty: i.maxQty,
      minOrderAmt: i.minNotional,
      maxOrderAmt: "10000000",
      maxLimitOrderQty: i.maxQty,
      maxMarketOrderQty: i.maxQty,
    },
    priceFilter: { tickSize: i.tickSize },
  };
}

export function linearInstrumentView(i: Instrument) {
  return {
    symbol: i.symbol,
    contractType: "LinearPerpetual",
    status: i.status === "trading" ? "Trading" : "PreLaunch",
    baseCoin: i.base,
    quoteCoin: i.quote,
    settleCoin: i.quote,
    launchTime: "1585526400000",
    deliveryTime: "0",
    priceScale: String(i.tickSize.includes(".") ? i.tickSize.split(".")[1]?.length : 0),
    leverageFilter: { minLeverage: "1", maxLeverage: new Dec(i.maxLeverage).toFixed(2), leverageStep: "0.01" },
    priceFilter: { minPrice: i.tickSize, maxPrice: "1999999.80", tickSize: i.tickSize },
    lotSizeFilter: {
      maxOrderQty: i.maxQty,
      maxMktOrderQty: i.maxQty,
      minOrderQty: i.minQty,
      qtyStep: i.stepSize,
      postOnlyMaxOrderQty: i.maxQty,
      minNotionalValue: i.minNotional,
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
  };
}

export function orderView(order: SimOrder) {
  const filled = new Dec(order.filledQuantity);
  const leaves =
    order.status === "new" || order.status === "partially_filled" ? new Dec(order.quantity).minus(filled) : new Dec(0);
  const avg = filled.gt(0) ? new Dec(order.filledQuote).div(filled).toFixed() : "";
  return {
    orderId: order.orderId,
    orderLinkId: order.clientOrderId,
    blockTradeId: "",
    symbol: order.symbol,
    price: order.price ?? "0",
    qty: order.quantity,
    side: side(order.side),
    isLeverage: order.market === "spot" ? "0" : "",
    positionIdx: order.market === "linear" ? IDX[order.positionSide] : 0,
    orderStatus: ORDER_STATUS[order.status],
    cancelType: order.status === "canceled" ? "CancelByUser" : "UNKNOWN",
    rejectReason: "EC_NoError",
    avgPrice: avg,
    leavesQty: leaves.toFixed(),
    leavesValue: order.price ? leaves.times(order.price).toFixed() : "0",
    cumExecQty: filled.toFixed(),
    cumExecValue: order.filledQuote,
    cumExecFee: "0",
    timeInForce: TIF[order.timeInForce],
    orderType: order.type === "market" ? "Market" : "Limit",
    stopOrderType: "",
    orderIv: "",
    marketUnit: order.market === "spot" && order.type === "market" ? "baseCoin" : "",
    triggerPrice: "",
    takeProfit: "",
    stopLoss: "",
    tpslMode: order.market === "linear" ? "UNKNOWN" : "",
    tpLimitPrice: "",
    slLimitPrice: "",
    tpTriggerBy: "",
    slTriggerBy: "",
    triggerDirection: 0,
    triggerBy: "",
    reduceOnly: order.reduceOnly,
    closeOnTrigger: false,
    smpType: "None",
    smpGroup: 0,
    smpOrderId: "",
    createdTime: String(order.createdAt),
    updatedTime: String(order.updatedAt),
  };
}

/** Fees per coin, as cumFeeDetail reports them (cumExecFee is deprecated for linear and spot). */
export function withFees(view: ReturnType<typeof orderView>, fills: SimFill[]) {
  const detail: Record<string, string> = {};
  for (const fill of fills) detail[fill.feeAsset] = new Dec(detail[fill.feeAsset] ?? "0").plus(fill.fee).toFixed();
  const total = Object.values(detail).reduce((sum, fee) => sum.plus(fee), new Dec(0));
  return { ...view, cumExecFee: total.toFixed(), cumFeeDetail: detail };
}

/** A position-level TP/SL as order/realtime lists it: an Untriggered conditional order of qty 0. */
export function conditionalView(conditional: SimConditional) {
  return {
    orderId: conditional.id,
    orderLinkId: "",
    blockTradeId: "",
    symbol: conditional.symbol,
    price: "0",
    qty: "0",
    side: side(conditional.closeSide),
    positionIdx: IDX[conditional.positionSide],
    orderStatus:
      conditional.status === "new" ? "Untriggered" : conditional.status === "triggered" ? "Triggered" : "Deactivated",
    avgPrice: "",
    leavesQty: "0",
    cumExecQty: "0",
    cumExecValue: "0",
    cumExecFee: "0",
    timeInForce: "IOC",
    orderType: "Market",
    stopOrderType: conditional.kind === "stop_loss" ? "StopLoss" : "TakeProfit",
    triggerPrice: conditional.triggerPrice,
    triggerBy: "MarkPrice",
    tpslMode: "Full",
    reduceOnly: true,
    closeOnTrigger: true,
    createdTime: String(conditional.createdAt),
    updatedTime: String(conditional.updatedAt ?? conditional.createdAt),
  };
}

export function executionView(fill: SimFill, order: SimOrder | undefined) {
  return {
    symbol: fill.symbol,
    orderId: fill.orderId,
    orderLinkId: fill.clientOrderId,
    side: side(fill.side),
    orderPrice: order?.price ?? "0",
    orderQty: order?.quantity ?? fill.quantity,
    leavesQty: order ? new Dec(order.quantity).minus(order.filledQuantity).toFixed() : "0",
    createType: "CreateByUser",
    orderType: order?.type === "limit" ? "Limit" : "Market",
    stopOrderType: "UNKNOWN",
    execFee: fill.fee,
    execId: fill.tradeId,
    execPrice: fill.price,
    execQty: fill.quantity,
    execType: "Trade",
    execValue: new Dec(fill.price).times(fill.quantity).toFixed(),
    execTime: String(fill.time),
    feeCurrency: fill.feeAsset,
    isMaker: fill.maker,
    feeRate: "0.001",
    markPrice: fill.price,
    closedSize: fill.market === "linear" && fill.realizedPnl !== "0" ? fill.quantity : "0",
    seq: Number(fill.tradeId),
  };
}

/** One leg of position/list; `view` is undefined for an empty leg (listed when a symbol is asked for). */
export function positionView(
  account: Account,
  symbol: string,
  leg: SimOrder["positionSide"],
  view: PositionView | undefined,
  stops: SimConditional[],
  now: number,
) {
  const size = view ? new Dec(view.size) : new Dec(0);
  const direction = size.eq(0) ? "" : leg === "short" || size.lt(0) ? "Sell" : "Buy";
  const stop = (kind: SimConditional["kind"]) =>
    stops.find((s) => s.symbol === symbol && s.positionSide === leg && s.kind === kind)?.triggerPrice ?? "";
  const leverage = view?.leverage ?? account.leverage.get(symbol) ?? 20;
  return {
    positionIdx: IDX[leg],
    riskId: 1,
    riskLimitValue: "2000000",
    symbol,
    side: direction,
    size: size.abs().toFixed(),
    avgPrice: view?.entryPrice ?? "0",
    positionValue: view ? new Dec(view.notional).abs().toFixed() : "0",
    // position-info.mdx: deprecated on unified accounts, always 0; account/info says the margin mode.
    tradeMode: 0,
    autoAddMargin: 0,
    positionStatus: "Normal",
    leverage: String(leverage),
    markPrice: view?.markPrice ?? "0",
    liqPrice: view?.liquidationPrice ?? "",
    bustPrice: "",
    positionIM: view ? new Dec(view.notional).abs().div(leverage).toFixed() : "0",
    positionMM: "0",
    tpslMode: "Full",
    takeProfit: stop("take_profit"),
    stopLoss: stop("stop_loss"),
    trailingStop: "0",
    unrealisedPnl: view?.unrealizedPnl ?? "0",
    curRealisedPnl: "0",
    cumRealisedPnl: "0",
    adlRankIndicator: size.eq(0) ? 0 : 2,
    isReduceOnly: false,
    createdTime: String(now),
    updatedTime: String(now),
    seq: 0,
  };
}

/** The UNIFIED wallet: every spot coin; USDT also carries the linear positions' PnL and initial margin. */
export function walletView(exchange: SimExchange, account: Account, coins: string[] | null) {
  const equity = exchange.futuresEquity(account);
  const list = [];
  let totalEquity = new Dec(0);
  for (const [coin, balance] of account.spot) {
    if (coins && !coins.includes(coin)) continue;
    const wallet = new Dec(balance.free).plus(balance.locked);
    const isUsdt = coin === "USDT";
    const upnl = isUsdt ? new Dec(equity.unrealizedPnl) : new Dec(0);
    const usdValue = usdPrice(exchange, coin).times(wallet.plus(upnl));
    totalEquity = totalEquity.plus(usdValue);
    list.push({
      coin,
      equity: wallet.plus(upnl).toFixed(),
      usdValue: usdValue.toFixed(),
      walletBalance: wallet.toFixed(),
      free: "",
      locked: balance.locked,
      spotHedgingQty: "0",
      borrowAmount: "0",
      availableToWithdraw: "",
      accruedInterest: "0",
      totalOrderIM: "0",
      totalPositionIM: isUsdt ? equity.initialMargin : "0",
      totalPositionMM: "0",
      unrealisedPnl: upnl.toFixed(),
      cumRealisedPnl: "0",
      bonus: "0",
      marginCollateral: true,
      collateralSwitch: true,
    });
  }
  return {
    list: [
      {
        accountType: "UNIFIED",
        totalEquity: totalEquity.toFixed(),
        totalWalletBalance: totalEquity.minus(equity.unrealizedPnl).toFixed(),
        totalMarginBalance: totalEquity.toFixed(),
        totalAvailableBalance: equity.availableBalance,
        totalPerpUPL: equity.unrealizedPnl,
        totalInitialMargin: equity.initialMargin,
        totalMaintenanceMargin: "0",
        accountIMRate: "0",
        accountMMRate: "0",
        accountLTV: "0",
        coin: list,
      },
    ],
  };
}

function usdPrice(exchange: SimExchange, coin: string): InstanceType<typeof Dec> {
  if (coin === "USDT" || coin === "USDC") return new Dec(1);
  return exchange.instrument("spot", `${coin}USDT`) ? new Dec(exchange.price("spot", `${coin}USDT`)) : new Dec(0);
}
