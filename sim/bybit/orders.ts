import { Dec, roundToStep } from "../engine/decimal.ts";
import { SimError } from "../engine/types.ts";
import {
  account,
  type Call,
  category,
  type Endpoint,
  page,
  paramsError,
  parseBody,
  str,
  tradePermission,
} from "./endpoint.ts";
import { CancelOrder, CreateOrder } from "./requests.ts";
import { conditionalView, executionView, orderView, SIDE_OF_IDX, withFees } from "./views.ts";

/** order/create, cancel, realtime, history and execution/list. */

function placeOrder(call: Call) {
  const body = parseBody(CreateOrder, call.params);
  const acct = account(call);
  if (body.orderType === "Limit" && !body.price) throw paramsError("price is required for Limit orders");
  let quantity = body.qty;
  if (
    body.category === "spot" &&
    body.orderType === "Market" &&
    body.side === "Buy" &&
    body.marketUnit !== "baseCoin"
  ) {
    // Spot Market Buy: qty is quote currency unless marketUnit=baseCoin (create-order.mdx).
    const instrument = call.exchange.instrument("spot", body.symbol);
    if (!instrument) throw new SimError("bad_symbol", `unknown symbol ${body.symbol}`);
    const ask = call.exchange.bookTop("spot", body.symbol).askPrice;
    quantity = roundToStep(new Dec(body.qty).div(ask), instrument.stepSize, "down").toFixed();
  }
  if (body.category === "spot" && (body.reduceOnly || (body.positionIdx ?? 0) !== 0)) {
    throw new SimError("invalid_parameter", "reduceOnly and positionIdx are not supported for spot");
  }
  const positionSide = SIDE_OF_IDX[body.positionIdx ?? 0];
  if (!positionSide) throw paramsError("positionIdx invalid");
  const order = call.exchange.placeOrder(acct, {
    market: body.category,
    symbol: body.symbol,
    side: body.side === "Buy" ? "buy" : "sell",
    type: body.orderType === "Market" ? "market" : "limit",
    quantity,
    price: body.orderType === "Limit" ? body.price : undefined,
    timeInForce: body.orderType === "Market" ? "ioc" : TIF[body.timeInForce ?? "GTC"],
    clientOrderId: body.orderLinkId ?? `sim-${crypto.randomUUID().slice(0, 24)}`,
    reduceOnly: body.reduceOnly ?? false,
    positionSide,
  });
  return { orderId: order.orderId, orderLinkId: order.clientOrderId };
}

const TIF = { GTC: "gtc", IOC: "ioc", FOK: "fok", PostOnly: "post_only" } as const;

function cancelOrder(call: Call) {
  const body = parseBody(CancelOrder, call.params);
  if (!body.orderId && !body.orderLinkId) throw paramsError("orderId or orderLinkId is required");
  const order = call.exchange.cancelOrder(account(call), body.category, body.symbol, {
    orderId: body.orderId,
    clientOrderId: body.orderId ? undefined : body.orderLinkId,
  });
  return { orderId: order.orderId, orderLinkId: order.clientOrderId };
}

/** order/realtime and order/history: by id (any status), open only, or closed (openOnly=1). */
function listOrders(call: Call, history: boolean) {
  const market = category(call.params);
  const acct = account(call);
  const symbol = str(call.params.symbol);
  const orderId = str(call.params.orderId);
  const orderLinkId = str(call.params.orderLinkId);
  if (market === "linear" && !symbol && !str(call.params.settleCoin) && !str(call.params.baseCoin) && !history) {
    throw paramsError("symbol or settleCoin or baseCoin is required");
  }
  call.exchange.openOrders(acct, market); // runs the matching step so the list is current
  const byId = orderId !== undefined || orderLinkId !== undefined;
  const openOnly = str(call.params.openOnly) ?? "0";
  const filter = str(call.params.orderFilter);
  const orders = [...acct.orders.values()]
    .filter((o) => o.market === market && (symbol === undefined || o.symbol === symbol))
    .filter((o) => (orderId ? o.orderId === orderId : orderLinkId ? o.clientOrderId === orderLinkId : true))
    .filter((o) => {
      // By id any status is found (openOnly is ignored); history lists every status.
      if (byId || history) return true;
      const open = o.status === "new" || o.status === "partially_filled";
      return openOnly === "0" ? open : !open;
    })
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((o) =>
      withFees(
        orderView(o),
        acct.fills.filter((f) => f.orderId === o.orderId),
      ),
    );
  // Position TP/SL show up as Untriggered conditional orders in the open list of linear.
  const stops =
    market === "linear" && !history && !byId && openOnly === "0" && filter !== "Order"
      ? call.exchange.conditionals(acct, symbol).map(conditionalView)
      : [];
  return { category: market, ...page([...stops, ...orders], call.params, 20, 50) };
}

export const orderEndpoints: Endpoint[] = [
  { method: "POST", path: "/v5/order/create", auth: tradePermission, handle: placeOrder },
  { method: "POST", path: "/v5/order/cancel", auth: tradePermission, handle: cancelOrder },
  { method: "GET", path: "/v5/order/realtime", auth: () => "read", handle: (call) => listOrders(call, false) },
  { method: "GET", path: "/v5/order/history", auth: () => "read", handle: (call) => listOrders(call, true) },
  {
    method: "GET",
    path: "/v5/execution/list",
    auth: () => "read",
    handle(call) {
      const market = category(call.params, "linear");
      const acct = account(call);
      call.exchange.openOrders(acct, market);
      const symbol = str(call.params.symbol);
      const start = Number(str(call.params.startTime) ?? "0");
      const end = Number(str(call.params.endTime) ?? String(Number.MAX_SAFE_INTEGER));
      const orderId = str(call.params.orderId);
      const orderLinkId = str(call.params.orderLinkId);
      const fills = acct.fills
        .filter((f) => f.market === market && (symbol === undefined || f.symbol === symbol))
        .filter((f) => f.time >= start && f.time <= end)
        .filter(
          (f) => (orderId ? f.orderId === orderId : true) && (orderLinkId ? f.clientOrderId === orderLinkId : true),
        )
        .sort((a, b) => b.time - a.time)
        .map((f) => executionView(f, acct.orders.get(f.orderId)));
      return { category: market, ...page(fills, call.params, 50, 100) };
    },
  },
];
