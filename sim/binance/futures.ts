import Big from "big.js";
import type { PlaceOrderInput, PositionView, SimConditional } from "../engine/types.ts";
import { apiError } from "./errors.ts";
import { marketDataEndpoints } from "./market-data.ts";
import { clientIdParam, oneOf, onlyDocumented, optionalInt, orderLookup, required, symbolParam } from "./params.ts";
import type { Endpoint, EndpointContext } from "./routes.ts";
import { algoOrderJson, futuresOrderJson, futuresTradeJson, positionRiskJson } from "./shapes.ts";

/** USDⓈ-M `/fapi` account, trading and algo (conditional) endpoints. */

const TIF = { GTC: "gtc", IOC: "ioc", FOK: "fok", GTX: "post_only" } as const;
const POSITION_SIDE = { BOTH: "both", LONG: "long", SHORT: "short" } as const;
/** Since 2025-12-09 these live in the Algo Service only (exchanges.md §2.4). */
const CONDITIONAL_TYPES = ["STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"];
const MAX_NOTIONAL = "1000000";

function placeOrder(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "linear", c.params);
  const type = required(c.params, "type");
  if (CONDITIONAL_TYPES.includes(type)) {
    throw apiError(
      400,
      -4120,
      "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.",
    );
  }
  if (type !== "LIMIT" && type !== "MARKET") throw apiError(400, -1116, "Invalid orderType.");
  const side = oneOf(c.params, "side", ["BUY", "SELL"] as const);
  const positionSide = POSITION_SIDE[(c.params.get("positionSide") ?? "BOTH") as keyof typeof POSITION_SIDE];
  if (!positionSide) throw apiError(400, -1100, "Illegal characters found in parameter 'positionSide'.");
  const reduceOnlyParam = c.params.get("reduceOnly");
  // Hedge-mode legs are closed through positionSide; reduceOnly is refused there.
  if (reduceOnlyParam !== undefined && positionSide !== "both") {
    throw apiError(400, -1106, "Parameter 'reduceonly' sent when not required.");
  }
  const input: PlaceOrderInput = {
    market: "linear",
    symbol,
    side: side === "BUY" ? "buy" : "sell",
    type: type === "MARKET" ? "market" : "limit",
    quantity: required(c.params, "quantity"),
    clientOrderId: clientIdParam(c.params, "newClientOrderId", "linear"),
    reduceOnly: reduceOnlyParam === "true",
    positionSide,
  };
  if (type === "LIMIT") {
    input.timeInForce = TIF[oneOf(c.params, "timeInForce", ["GTC", "IOC", "FOK", "GTX"] as const)];
    input.price = required(c.params, "price");
  }
  return futuresOrderJson(c.exchange.placeOrder(c.account, input));
}

function getOrder(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "linear", c.params);
  const order = c.exchange.getOrder(c.account, "linear", symbol, orderLookup(c.params));
  if (!order) throw apiError(400, -2013, "Order does not exist.");
  return futuresOrderJson(order);
}

function cancelOrder(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "linear", c.params);
  const existing = c.exchange.getOrder(c.account, "linear", symbol, orderLookup(c.params));
  if (!existing || (existing.status !== "new" && existing.status !== "partially_filled")) {
    throw apiError(400, -2011, "Unknown order sent.");
  }
  return futuresOrderJson(c.exchange.cancelOrder(c.account, "linear", symbol, { orderId: existing.orderId }));
}

function openOrders(c: EndpointContext) {
  const symbol = c.params.get("symbol") ? symbolParam(c.exchange, "linear", c.params) : undefined;
  return c.exchange.openOrders(c.account, "linear", symbol).map(futuresOrderJson);
}

const SEVEN_DAYS_MS = 7 * 24 * 3_600_000;

function userTrades(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "linear", c.params);
  const orderId = c.params.get("orderId");
  const fromId = optionalInt(c.params, "fromId");
  let startTime = optionalInt(c.params, "startTime");
  let endTime = optionalInt(c.params, "endTime");
  if (startTime !== undefined && endTime !== undefined && endTime - startTime > SEVEN_DAYS_MS) {
    throw apiError(400, -4166, "The time between startTime and endTime cannot be longer than 7 days.");
  }
  // Without a window the last 7 days are returned; a one-sided window spans 7 days.
  if (startTime === undefined && endTime === undefined && orderId === undefined && fromId === undefined) {
    startTime = c.serverTime - SEVEN_DAYS_MS;
  } else if (startTime !== undefined && endTime === undefined) endTime = startTime + SEVEN_DAYS_MS;
  else if (endTime !== undefined && startTime === undefined) startTime = endTime - SEVEN_DAYS_MS;
  const limit = Math.min(optionalInt(c.params, "limit") ?? 500, 1000);
  const orders = c.account.orders;
  return c.exchange
    .fills(c.account, "linear", symbol, startTime ?? 0)
    .filter((f) => orderId === undefined || f.orderId === orderId)
    .filter((f) => fromId === undefined || Number(f.tradeId) >= fromId)
    .filter((f) => endTime === undefined || f.time <= endTime)
    .sort((a, b) => Number(a.tradeId) - Number(b.tradeId))
    .slice(0, limit)
    .map((f) => futuresTradeJson(f, orders.get(f.orderId)?.positionSide ?? "both"));
}

function setLeverage(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "linear", c.params);
  const leverage = optionalInt(c.params, "leverage");
  if (leverage === undefined) required(c.params, "leverage");
  // Binance answers the same body whether or not the value changed.
  c.exchange.setLeverage(c.account, symbol, leverage ?? 0);
  return { leverage, maxNotionalValue: MAX_NOTIONAL, symbol };
}

const SUCCESS = { code: 200, msg: "success" };

function setMarginType(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "linear", c.params);
  const marginType = oneOf(c.params, "marginType", ["ISOLATED", "CROSSED"] as const);
  const result = c.exchange.setMarginMode(c.account, symbol, marginType === "ISOLATED" ? "isolated" : "cross");
  if (result === "no_change") throw apiError(400, -4046, "No need to change margin type.");
  return SUCCESS;
}

function getDualSide(c: EndpointContext) {
  return { dualSidePosition: c.account.positionMode === "hedge" };
}

function setDualSide(c: EndpointContext) {
  const dual = oneOf(c.params, "dualSidePosition", ["true", "false"] as const);
  const result = c.exchange.setPositionMode(c.account, dual === "true" ? "hedge" : "one_way");
  if (result === "no_change") throw apiError(400, -4059, "No need to change position side.");
  return SUCCESS;
}

function equityJson(c: EndpointContext) {
  const equity = c.exchange.futuresEquity(c.account);
  return {
    equity,
    asset: {
      asset: "USDT",
      walletBalance: equity.walletBalance,
      unrealizedProfit: equity.unrealizedPnl,
      marginBalance: equity.marginBalance,
      maintMargin: "0",
      initialMargin: equity.initialMargin,
      positionInitialMargin: equity.initialMargin,
      openOrderInitialMargin: "0",
      crossWalletBalance: equity.walletBalance,
      crossUnPnl: equity.unrealizedPnl,
      availableBalance: equity.availableBalance,
      maxWithdrawAmount: equity.availableBalance,
      marginAvailable: true,
      updateTime: c.serverTime,
    },
  };
}

function account(c: EndpointContext) {
  const { equity, asset } = equityJson(c);
  return {
    feeTier: 0,
    canTrade: c.account.permissions.futures,
    canDeposit: true,
    canWithdraw: c.account.permissions.withdrawals,
    updateTime: 0,
    multiAssetsMargin: false,
    tradeGroupId: -1,
    totalInitialMargin: equity.initialMargin,
    totalMaintMargin: "0",
    totalWalletBalance: equity.walletBalance,
    totalUnrealizedProfit: equity.unrealizedPnl,
    totalMarginBalance: equity.marginBalance,
    totalPositionInitialMargin: equity.initialMargin,
    totalOpenOrderInitialMargin: "0",
    totalCrossWalletBalance: equity.walletBalance,
    totalCrossUnPnl: equity.unrealizedPnl,
    availableBalance: equity.availableBalance,
    maxWithdrawAmount: equity.availableBalance,
    assets: [asset],
    positions: c.exchange.positions(c.account).map((p) => ({
      symbol: p.symbol,
      initialMargin: "0",
      maintMargin: "0",
      unrealizedProfit: p.unrealizedPnl,
      positionInitialMargin: "0",
      openOrderInitialMargin: "0",
      leverage: String(p.leverage),
      isolated: p.marginMode === "isolated",
      entryPrice: p.entryPrice,
      maxNotional: MAX_NOTIONAL,
      positionSide: p.positionSide.toUpperCase(),
      positionAmt: p.positionSide === "short" ? new Big(p.size).abs().neg().toFixed() : p.size,
      notional: p.notional,
      updateTime: 0,
    })),
  };
}

function balance(c: EndpointContext) {
  const { asset } = equityJson(c);
  return [
    {
      accountAlias: "SgsR",
      asset: "USDT",
      balance: asset.walletBalance,
      crossWalletBalance: asset.crossWalletBalance,
      crossUnPnl: asset.crossUnPnl,
      availableBalance: asset.availableBalance,
      maxWithdrawAmount: asset.maxWithdrawAmount,
      marginAvailable: true,
      updateTime: c.serverTime,
    },
  ];
}

/** v2 lists every symbol (or the one asked for), flat legs included, one row per leg of the position mode. */
function positionRisk(c: EndpointContext) {
  const symbols = c.params.get("symbol")
    ? [symbolParam(c.exchange, "linear", c.params)]
    : c.exchange.instruments("linear").map((i) => i.symbol);
  const open = c.exchange.positions(c.account);
  const legs = c.account.positionMode === "hedge" ? (["long", "short"] as const) : (["both"] as const);
  return symbols.flatMap((symbol) =>
    legs.map((leg) => {
      const found = open.find((p) => p.symbol === symbol && p.positionSide === leg);
      return positionRiskJson(found ?? flat(c, symbol, leg), MAX_NOTIONAL);
    }),
  );
}

function flat(c: EndpointContext, symbol: string, positionSide: PositionView["positionSide"]): PositionView {
  return {
    symbol,
    positionSide,
    size: "0",
    entryPrice: "0",
    leverage: c.account.leverage.get(symbol) ?? 20,
    marginMode: c.account.marginMode.get(symbol) ?? "cross",
    markPrice: c.exchange.price("linear", symbol),
    unrealizedPnl: "0",
    liquidationPrice: null,
    notional: "0",
  };
}

function placeAlgoOrder(c: EndpointContext) {
  if (required(c.params, "algoType") !== "CONDITIONAL") throw apiError(400, -1116, "Invalid algoType.");
  const symbol = symbolParam(c.exchange, "linear", c.params);
  const type = oneOf(c.params, "type", ["STOP_MARKET", "TAKE_PROFIT_MARKET"] as const);
  if (c.params.get("closePosition") !== "true") {
    throw apiError(400, -1102, "The simulator supports closePosition=true conditional orders only.");
  }
  if (c.params.get("quantity") || c.params.get("reduceOnly")) {
    throw apiError(400, -1106, "Parameter 'quantity' or 'reduceOnly' sent when not required (closePosition=true).");
  }
  const side = oneOf(c.params, "side", ["BUY", "SELL"] as const);
  const positionSide = POSITION_SIDE[(c.params.get("positionSide") ?? "BOTH") as keyof typeof POSITION_SIDE];
  if (!positionSide) throw apiError(400, -1100, "Illegal characters found in parameter 'positionSide'.");
  const workingType = c.params.get("workingType") ?? "CONTRACT_PRICE";
  if (workingType !== "MARK_PRICE" && workingType !== "CONTRACT_PRICE") {
    throw apiError(400, -1100, "Illegal characters found in parameter 'workingType'.");
  }
  const clientAlgoId = c.params.get("clientAlgoId");
  const conditional = c.exchange.placeConditional(c.account, {
    symbol,
    kind: type === "STOP_MARKET" ? "stop_loss" : "take_profit",
    positionSide,
    closeSide: side === "BUY" ? "buy" : "sell",
    triggerPrice: required(c.params, "triggerPrice"),
    clientId: clientAlgoId ? clientIdParam(c.params, "clientAlgoId", "linear") : null,
  });
  return algoOrderJson(conditional);
}

/** GET and DELETE /fapi/v1/algoOrder read only these (no `symbol`: the id names the order). */
const ALGO_LOOKUP_PARAMS = ["algoId", "clientAlgoId", "recvWindow", "timestamp", "signature"] as const;

function findAlgo(c: EndpointContext): SimConditional | undefined {
  onlyDocumented(c.params, ALGO_LOOKUP_PARAMS);
  const algoId = c.params.get("algoId");
  const clientAlgoId = c.params.get("clientAlgoId");
  if (!algoId && !clientAlgoId) {
    throw apiError(400, -1102, "Param 'clientAlgoId' or 'algoId' must be sent, but both were empty/null!");
  }
  const all = [...c.account.conditionals.values()];
  return algoId ? c.account.conditionals.get(algoId) : all.filter((x) => x.clientId === clientAlgoId).at(-1);
}

function getAlgoOrder(c: EndpointContext) {
  const found = findAlgo(c);
  if (!found) throw apiError(400, -2013, "Order does not exist.");
  return algoOrderJson(found);
}

function cancelAlgoOrder(c: EndpointContext) {
  const found = findAlgo(c);
  if (found?.status !== "new") throw apiError(400, -2011, "Unknown order sent.");
  const canceled = c.exchange.cancelConditional(c.account, { id: found.id });
  return {
    algoId: Number(canceled.id),
    clientAlgoId: canceled.clientId ?? `sim-${canceled.id}`,
    code: "200",
    msg: "success",
  };
}

/**
 * `GET /fapi/v1/income`: only FUNDING_FEE rows exist here (the simulator books no other income). Without a window the
 * last 7 days; `tranId` is unique per user and income type; oldest first, `limit` default 100, max 1000.
 */
function income(c: EndpointContext) {
  onlyDocumented(c.params, [
    "symbol",
    "incomeType",
    "startTime",
    "endTime",
    "page",
    "limit",
    "recvWindow",
    "timestamp",
    "signature",
  ]);
  const symbol = c.params.get("symbol") ? symbolParam(c.exchange, "linear", c.params) : undefined;
  const incomeType = c.params.get("incomeType");
  const startTime = optionalInt(c.params, "startTime");
  const endTime = optionalInt(c.params, "endTime");
  const from = startTime ?? (endTime === undefined ? c.serverTime - SEVEN_DAYS_MS : 0);
  const limit = Math.min(Math.max(optionalInt(c.params, "limit") ?? 100, 1), 1000);
  if (incomeType !== undefined && incomeType !== "FUNDING_FEE") return [];
  return c.exchange
    .fundingPayments(c.account, from)
    .filter((p) => (symbol === undefined || p.symbol === symbol) && (endTime === undefined || p.time <= endTime))
    .slice(0, limit)
    .map((p) => ({
      symbol: p.symbol,
      incomeType: "FUNDING_FEE",
      income: Big(p.amount).toFixed(8),
      asset: "USDT",
      info: "FUNDING_FEE",
      time: p.time,
      tranId: Number(p.id),
      tradeId: "",
    }));
}

function openAlgoOrders(c: EndpointContext) {
  const symbol = c.params.get("symbol") ? symbolParam(c.exchange, "linear", c.params) : undefined;
  return c.exchange.conditionals(c.account, symbol).map(algoOrderJson);
}

const read = { market: "linear", signed: true, permission: "read" } as const;
const trade = { market: "linear", signed: true, permission: "futures" } as const;
const bySymbol = (withSymbol: number, without: number) => (p: Map<string, string>) =>
  p.get("symbol") ? withSymbol : without;

export const futuresEndpoints: Endpoint[] = [
  ...marketDataEndpoints("linear"),
  { ...trade, method: "POST", path: "/fapi/v1/order", weight: 0, order: true, site: "order", handle: placeOrder },
  { ...read, method: "GET", path: "/fapi/v1/order", weight: 1, site: "getOrder", handle: getOrder },
  { ...trade, method: "DELETE", path: "/fapi/v1/order", weight: 1, site: "cancelOrder", handle: cancelOrder },
  { ...read, method: "GET", path: "/fapi/v1/openOrders", weight: bySymbol(1, 40), handle: openOrders },
  { ...read, method: "GET", path: "/fapi/v1/userTrades", weight: 5, handle: userTrades },
  { ...trade, method: "POST", path: "/fapi/v1/leverage", weight: 1, handle: setLeverage },
  { ...trade, method: "POST", path: "/fapi/v1/marginType", weight: 1, site: "marginType", handle: setMarginType },
  { ...read, method: "GET", path: "/fapi/v1/positionSide/dual", weight: 30, handle: getDualSide },
  {
    ...trade,
    method: "POST",
    path: "/fapi/v1/positionSide/dual",
    weight: 1,
    site: "positionMode",
    handle: setDualSide,
  },
  {
    ...trade,
    method: "POST",
    path: "/fapi/v1/algoOrder",
    weight: 0,
    order: true,
    site: "algoOrder",
    handle: placeAlgoOrder,
  },
  { ...read, method: "GET", path: "/fapi/v1/algoOrder", weight: 1, site: "getOrder", handle: getAlgoOrder },
  { ...trade, method: "DELETE", path: "/fapi/v1/algoOrder", weight: 1, site: "cancelOrder", handle: cancelAlgoOrder },
  { ...read, method: "GET", path: "/fapi/v1/openAlgoOrders", weight: bySymbol(1, 40), handle: openAlgoOrders },
  { ...read, method: "GET", path: "/fapi/v2/account", weight: 5, handle: account },
  { ...read, method: "GET", path: "/fapi/v1/income", weight: 30, handle: income },
  { ...read, method: "GET", path: "/fapi/v2/balance", weight: 5, handle: balance },
  { ...read, method: "GET", path: "/fapi/v2/positionRisk", weight: 5, handle: positionRisk },
];
