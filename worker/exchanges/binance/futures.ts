import Big from "big.js";
import * as z from "zod";
import type {
  ConditionalOrder,
  FuturesWallet,
  MarginMode,
  Position,
  PositionMode,
  PositionSide,
  StopKind,
  StopsRequest,
} from "../contract.ts";
import { ExchangeError, isExchangeError } from "../errors.ts";
import { roundStopPrice } from "../precision.ts";
import { loadMarket } from "./markets.ts";
import type { BinanceRest } from "./rest.ts";
import { AlgoOrder, AlgoOrders, DualSidePosition, FuturesAccount, type PositionRisk, PositionRisks } from "./wire.ts";

/**
 * USDⓈ-M account state and protective orders. Since 2025-12-09 STOP_MARKET / TAKE_PROFIT_MARKET live only in the
 * Algo Service (`/fapi/v1/algoOrder`; `/fapi/v1/order` answers -4120), and they do not appear in openOrders
 * (exchanges.md §2.4).
 */

const Ack = z.unknown();
const POSITION_SIDE: Record<PositionSide, "BOTH" | "LONG" | "SHORT"> = { both: "BOTH", long: "LONG", short: "SHORT" };
const KIND_TYPE: Record<StopKind, string> = { stop_loss: "STOP_MARKET", take_profit: "TAKE_PROFIT_MARKET" };

export async function futuresWallet(rest: BinanceRest): Promise<FuturesWallet> {
  const account = await rest.send({ method: "GET", path: "/fapi/v2/account", signed: true, schema: FuturesAccount });
  const usdt = account.assets.find((a) => a.asset === "USDT");
  if (usdt) {
    return {
      asset: "USDT",
      walletBalance: usdt.walletBalance,
      availableBalance: usdt.availableBalance,
      marginBalance: usdt.marginBalance,
      unrealizedPnl: usdt.unrealizedProfit,
    };
  }
  return {
    asset: "USDT",
    walletBalance: account.totalWalletBalance,
    availableBalance: account.availableBalance,
    marginBalance: account.totalMarginBalance,
    unrealizedPnl: account.totalUnrealizedProfit,
  };
}

/** /fapi/v2/positionRisk, because v3 dropped `leverage` (exchanges.md addendum). Flat legs are left out. */
export async function positions(rest: BinanceRest, symbol?: string): Promise<Position[]> {
  const rows = await rest.send({
    method: "GET",
    path: "/fapi/v2/positionRisk",
    params: { symbol },
    signed: true,
    schema: PositionRisks,
  });
  return rows.filter((r) => !Big(r.positionAmt).eq(0)).map(toPosition);
}

function toPosition(r: PositionRisk): Position {
  const amount = Big(r.positionAmt);
  const side =
    r.positionSide === "LONG" ? "long" : r.positionSide === "SHORT" ? "short" : amount.gt(0) ? "long" : "short";
  return {
    symbol: r.symbol,
    side,
    positionSide: r.positionSide === "LONG" ? "long" : r.positionSide === "SHORT" ? "short" : "both",
    size: amount.abs().toFixed(),
    entryPrice: Big(r.entryPrice).toFixed(),
    markPrice: Big(r.markPrice).toFixed(),
    unrealizedPnl: Big(r.unRealizedProfit).toFixed(),
    leverage: Number(r.leverage),
    liquidationPrice: Big(r.liquidationPrice).eq(0) ? null : Big(r.liquidationPrice).toFixed(),
    marginMode: r.marginType.toLowerCase() === "isolated" ? "isolated" : "cross",
  };
}

export async function positionMode(rest: BinanceRest): Promise<PositionMode> {
  const mode = await rest.send({
    method: "GET",
    path: "/fapi/v1/positionSide/dual",
    signed: true,
    schema: DualSidePosition,
  });
  return mode.dualSidePosition ? "hedge" : "one_way";
}

/** Account-wide (every symbol). -4059 "No need to change position side." is success. */
export async function setPositionMode(rest: BinanceRest, mode: PositionMode): Promise<void> {
  await rest.send({
    method: "POST",
    path: "/fapi/v1/positionSide/dual",
    params: { dualSidePosition: mode === "hedge" ? "true" : "false" },
    signed: true,
    schema: Ack,
    // Setting a mode is naturally idempotent: resending the same target state is safe.
    idempotent: true,
    noChangeIsSuccess: true,
  });
}

/** -4046 "No need to change margin type." is success. */
export async function setMarginMode(rest: BinanceRest, symbol: string, mode: MarginMode): Promise<void> {
  await rest.send({
    method: "POST",
    path: "/fapi/v1/marginType",
    params: { symbol, marginType: mode === "isolated" ? "ISOLATED" : "CROSSED" },
    signed: true,
    schema: Ack,
    idempotent: true,
    noChangeIsSuccess: true,
  });
}

export async function setLeverage(rest: BinanceRest, symbol: string, leverage: number): Promise<void> {
  if (!Number.isInteger(leverage) || leverage < 1) {
    throw new ExchangeError("invalid_order", `Binance leverage must be a whole number ≥ 1, got ${leverage}.`, {
      venue: "binance",
    });
  }
  await rest.send({
    method: "POST",
    path: "/fapi/v1/leverage",
    params: { symbol, leverage },
    signed: true,
    schema: Ack,
    idempotent: true,
  });
}

export async function conditionalOrders(rest: BinanceRest, symbol?: string): Promise<ConditionalOrder[]> {
  const orders = await rest.send({
    method: "GET",
    path: "/fapi/v1/openAlgoOrders",
    params: { symbol },
    signed: true,
    schema: AlgoOrders,
  });
  return orders.flatMap((o) => {
    const conditional = toConditional(o);
    return conditional ? [conditional] : [];
  });
}

function toConditional(o: AlgoOrder): ConditionalOrder | null {
  const kind =
    o.orderType === "STOP_MARKET" ? "stop_loss" : o.orderType === "TAKE_PROFIT_MARKET" ? "take_profit" : null;
  if (!kind) return null;
  return {
    symbol: o.symbol,
    kind,
    positionSide: o.positionSide === "LONG" ? "long" : o.positionSide === "SHORT" ? "short" : "both",
    triggerPrice: Big(o.triggerPrice).toFixed(),
    clientId: o.clientAlgoId ?? null,
    exchangeId: o.algoId,
  };
}

/**
 * Sets or replaces SL/TP. A new protective order is placed before the old one is cancelled, so the position is never
 * unprotected in between; an order already at the wanted price is kept (so a retry after `unknown_outcome` is
 * harmless). Client ids alternate between `<prefix>-sl-a` and `-sl-b` because Binance refuses an id that is still open.
 */
export async function setStops(rest: BinanceRest, request: StopsRequest): Promise<ConditionalOrder[]> {
  const market = await loadMarket(rest, request.symbol);
  const existing = (await conditionalOrders(rest, request.symbol)).filter(
    (c) => c.positionSide === request.positionSide,
  );
  const result: ConditionalOrder[] = [];
  for (const kind of ["stop_loss", "take_profit"] as const) {
    const wanted = kind === "stop_loss" ? request.stopLoss : request.takeProfit;
    const current = existing.filter((c) => c.kind === kind);
    if (wanted === null) {
      await cancelAll(rest, current);
      continue;
    }
    const triggerPrice = roundStopPrice(wanted, market.tickSize, request.side, kind);
    const same = current.find((c) => Big(c.triggerPrice).eq(triggerPrice));
    if (same) {
      await cancelAll(
        rest,
        current.filter((c) => c !== same),
      );
      result.push(same);
      continue;
    }
    const placed = await placeStop(rest, request, kind, triggerPrice, nextClientId(request, kind, current));
    await cancelAll(rest, current);
    result.push(placed);
  }
  return result;
}

export async function cancelStops(rest: BinanceRest, symbol: string, positionSide: PositionSide): Promise<void> {
  const current = (await conditionalOrders(rest, symbol)).filter((c) => c.positionSide === positionSide);
  await cancelAll(rest, current);
}

function nextClientId(request: StopsRequest, kind: StopKind, current: ConditionalOrder[]): string {
  const base = `${request.clientIdPrefix}-${kind === "stop_loss" ? "sl" : "tp"}`;
  const taken = new Set(current.map((c) => c.clientId));
  return taken.has(`${base}-a`) ? `${base}-b` : `${base}-a`;
}

async function placeStop(
  rest: BinanceRest,
  request: StopsRequest,
  kind: StopKind,
  triggerPrice: string,
  clientAlgoId: string,
): Promise<ConditionalOrder> {
  const placed = await rest.send({
    method: "POST",
    path: "/fapi/v1/algoOrder",
    params: {
      algoType: "CONDITIONAL",
      symbol: request.symbol,
      // The closing side: a long is closed by selling.
      side: request.side === "long" ? "SELL" : "BUY",
      positionSide: POSITION_SIDE[request.positionSide],
      type: KIND_TYPE[kind],
      triggerPrice,
      // closePosition closes whatever size is open when it fires; it excludes quantity and reduceOnly.
      closePosition: "true",
      workingType: "MARK_PRICE",
      clientAlgoId,
    },
    signed: true,
    schema: AlgoOrder,
  });
  const conditional = toConditional(placed);
  if (!conditional) {
    throw new ExchangeError("exchange_unavailable", "Binance answered an algo order with an unexpected type.", {
      venue: "binance",
    });
  }
  return conditional;
}

async function cancelAll(rest: BinanceRest, orders: ConditionalOrder[]): Promise<void> {
  for (const order of orders) {
    try {
      await rest.send({
        method: "DELETE",
        path: "/fapi/v1/algoOrder",
        // DELETE /fapi/v1/algoOrder reads only algoId or clientAlgoId; anything more is refused (-1104).
        params: { algoId: order.exchangeId },
        signed: true,
        schema: Ack,
      });
    } catch (error) {
      // Already triggered or cancelled: the goal (no such open order) holds.
      if (!isExchangeError(error, "order_not_found")) throw error;
    }
  }
}
