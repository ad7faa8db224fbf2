import Big from "big.js";
import type { PlaceOrderInput } from "../engine/types.ts";
import { apiError } from "./errors.ts";
import { marketDataEndpoints } from "./market-data.ts";
import { clientIdParam, oneOf, optionalInt, orderLookup, randomClientId, required, symbolParam } from "./params.ts";
import type { Endpoint, EndpointContext } from "./routes.ts";
import { spot8, spotCancelJson, spotOrderFull, spotOrderJson, spotTradeJson } from "./shapes.ts";

/** Spot `/api/v3` account and trading endpoints plus `/sapi/v1/account/apiRestrictions`. */

const TIF = { GTC: "gtc", IOC: "ioc", FOK: "fok" } as const;

function account(c: EndpointContext) {
  const omitZero = c.params.get("omitZeroBalances") === "true";
  const balances = [...c.account.spot.entries()]
    .map(([asset, b]) => ({ asset, free: spot8(b.free), locked: spot8(b.locked) }))
    .filter((b) => !omitZero || new Big(b.free).gt(0) || new Big(b.locked).gt(0));
  return {
    makerCommission: 10,
    takerCommission: 10,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: "0.00100000", taker: "0.00100000", buyer: "0.00000000", seller: "0.00000000" },
    canTrade: c.account.permissions.spot,
    canWithdraw: c.account.permissions.withdrawals,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: c.serverTime,
    accountType: "SPOT",
    balances,
    permissions: ["SPOT"],
    uid: Number(c.account.id.replace(/\D/g, "")) || 1,
  };
}

function placeOrder(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "spot", c.params);
  const side = oneOf(c.params, "side", ["BUY", "SELL"] as const);
  const type = c.params.get("type");
  if (type !== "LIMIT" && type !== "MARKET" && type !== "LIMIT_MAKER") {
    if (!type) required(c.params, "type");
    throw apiError(400, -1116, "Invalid orderType.");
  }
  if (c.params.get("quoteOrderQty")) {
    throw apiError(400, -1104, "Not all sent parameters were read; quoteOrderQty is not supported by the simulator.");
  }
  const input: PlaceOrderInput = {
    market: "spot",
    symbol,
    side: side === "BUY" ? "buy" : "sell",
    type: type === "MARKET" ? "market" : "limit",
    quantity: required(c.params, "quantity"),
    clientOrderId: clientIdParam(c.params, "newClientOrderId", "spot"),
  };
  if (type === "LIMIT") {
    input.timeInForce = TIF[oneOf(c.params, "timeInForce", ["GTC", "IOC", "FOK"] as const)];
    input.price = required(c.params, "price");
  }
  if (type === "LIMIT_MAKER") {
    input.timeInForce = "post_only";
    input.price = required(c.params, "price");
  }
  const order = c.exchange.placeOrder(c.account, input);
  const respType = c.params.get("newOrderRespType") ?? "FULL";
  if (respType === "ACK") {
    return {
      symbol,
      orderId: Number(order.orderId),
      orderListId: -1,
      clientOrderId: order.clientOrderId,
      transactTime: order.createdAt,
    };
  }
  const fills = c.account.fills.filter((f) => f.orderId === order.orderId);
  const full = spotOrderFull(order, fills);
  if (respType === "RESULT") {
    const { fills: _fills, ...result } = full;
    return result;
  }
  return full;
}

function getOrder(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "spot", c.params);
  const order = c.exchange.getOrder(c.account, "spot", symbol, orderLookup(c.params));
  if (!order) throw apiError(400, -2013, "Order does not exist.");
  return spotOrderJson(order);
}

function cancelOrder(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "spot", c.params);
  const lookup = orderLookup(c.params);
  const existing = c.exchange.getOrder(c.account, "spot", symbol, lookup);
  if (!existing || (existing.status !== "new" && existing.status !== "partially_filled")) {
    throw apiError(400, -2011, "Unknown order sent.");
  }
  const order = c.exchange.cancelOrder(c.account, "spot", symbol, { orderId: existing.orderId });
  return spotCancelJson(order, c.params.get("newClientOrderId") || randomClientId());
}

function openOrders(c: EndpointContext) {
  const symbol = c.params.get("symbol") ? symbolParam(c.exchange, "spot", c.params) : undefined;
  return c.exchange.openOrders(c.account, "spot", symbol).map(spotOrderJson);
}

function myTrades(c: EndpointContext) {
  const symbol = symbolParam(c.exchange, "spot", c.params);
  const orderId = c.params.get("orderId");
  const fromId = optionalInt(c.params, "fromId");
  const startTime = optionalInt(c.params, "startTime");
  const endTime = optionalInt(c.params, "endTime");
  const limit = Math.min(optionalInt(c.params, "limit") ?? 500, 1000);
  if (startTime !== undefined && endTime !== undefined && endTime - startTime > 24 * 3_600_000) {
    throw apiError(400, -1127, "More than 24 hours between startTime and endTime.");
  }
  return c.exchange
    .fills(c.account, "spot", symbol, startTime ?? 0)
    .filter((f) => orderId === undefined || f.orderId === orderId)
    .filter((f) => fromId === undefined || Number(f.tradeId) >= fromId)
    .filter((f) => endTime === undefined || f.time <= endTime)
    .sort((a, b) => Number(a.tradeId) - Number(b.tradeId))
    .slice(0, limit)
    .map(spotTradeJson);
}

function apiRestrictions(c: EndpointContext) {
  const p = c.account.permissions;
  return {
    ipRestrict: false,
    createTime: 1_700_000_000_000,
    enableReading: p.read,
    enableWithdrawals: p.withdrawals,
    enableInternalTransfer: false,
    enableMargin: false,
    enableFutures: p.futures,
    permitsUniversalTransfer: false,
    enableVanillaOptions: false,
    enableFixApiTrade: false,
    enableFixReadOnly: false,
    enableSpotAndMarginTrading: p.spot,
    enablePortfolioMarginTrading: false,
  };
}

const signed = { market: "spot", signed: true } as const;

export const spotEndpoints: Endpoint[] = [
  ...marketDataEndpoints("spot"),
  { ...signed, method: "GET", path: "/api/v3/account", permission: "read", weight: 20, handle: account },
  {
    ...signed,
    method: "POST",
    path: "/api/v3/order",
    permission: "spot",
    weight: 1,
    order: true,
    site: "order",
    handle: placeOrder,
  },
  {
    ...signed,
    method: "GET",
    path: "/api/v3/order",
    permission: "read",
    weight: 4,
    site: "getOrder",
    handle: getOrder,
  },
  {
    ...signed,
    method: "DELETE",
    path: "/api/v3/order",
    permission: "spot",
    weight: 1,
    site: "cancelOrder",
    handle: cancelOrder,
  },
  {
    ...signed,
    method: "GET",
    path: "/api/v3/openOrders",
    permission: "read",
    weight: (p) => (p.get("symbol") ? 6 : 80),
    handle: openOrders,
  },
  {
    ...signed,
    method: "GET",
    path: "/api/v3/myTrades",
    permission: "read",
    weight: (p) => (p.get("orderId") ? 5 : 20),
    handle: myTrades,
  },
  {
    ...signed,
    method: "GET",
    path: "/sapi/v1/account/apiRestrictions",
    permission: "none",
    weight: 1,
    handle: apiRestrictions,
  },
];
