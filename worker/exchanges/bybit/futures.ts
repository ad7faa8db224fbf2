import Big from "big.js";
import type { ConditionalOrder, FuturesWallet, MarginMode, Position, PositionMode } from "../contract.ts";
import { positionSideOf } from "./orders.ts";
import type { WalletCoin, WirePosition } from "./wire.ts";

/** USDT perpetual positions, the USDT collateral of the unified account, and position-level TP/SL. */

const num = (value: string | undefined): Big => {
  try {
    return Big(value || "0");
  } catch {
    return Big(0);
  }
};

/** position/list also lists empty legs (size "0", side ""). */
export function isOpenLeg(wire: WirePosition): boolean {
  return num(wire.size).gt(0);
}

/** `marginMode` is the account's (account/info): position/list's tradeMode is always 0 on unified accounts. */
export function positionFromWire(wire: WirePosition, marginMode: MarginMode): Position | null {
  const size = num(wire.size);
  if (size.lte(0)) return null;
  return {
    symbol: wire.symbol,
    side: wire.side === "Sell" ? "short" : "long",
    positionSide: positionSideOf(wire.positionIdx),
    size: size.toFixed(),
    entryPrice: num(wire.avgPrice).toFixed(),
    markPrice: num(wire.markPrice).toFixed(),
    unrealizedPnl: num(wire.unrealisedPnl).toFixed(),
    leverage: Number(wire.leverage || "1"),
    liquidationPrice: num(wire.liqPrice).gt(0) ? num(wire.liqPrice).toFixed() : null,
    marginMode,
  };
}

/** Portfolio margin shares margin across positions like regular (cross) margin does. */
export function marginModeFromAccount(accountMarginMode: string): MarginMode {
  return accountMarginMode === "ISOLATED_MARGIN" ? "isolated" : "cross";
}

/** positionIdx 1/2 only exist in hedge mode ("Both Sides"); 0 is one-way ("Merged Single"). */
export function positionModeOf(list: WirePosition[]): PositionMode | null {
  const first = list[0];
  if (!first) return null;
  return first.positionIdx === 0 ? "one_way" : "hedge";
}

/**
 * The USDT coin of the unified wallet as futures collateral. Available = equity minus initial margin of positions
 * and orders and what spot orders lock (walletBalance-based "available" fields are deprecated for UTA).
 */
export function futuresWalletFromCoin(coin: WalletCoin | undefined): FuturesWallet {
  const wallet = num(coin?.walletBalance);
  const upnl = num(coin?.unrealisedPnl);
  const equity = coin?.equity ? num(coin.equity) : wallet.plus(upnl);
  const available = equity.minus(num(coin?.totalPositionIM)).minus(num(coin?.totalOrderIM)).minus(num(coin?.locked));
  return {
    asset: "USDT",
    walletBalance: wallet.toFixed(),
    availableBalance: (available.gt(0) ? available : Big(0)).toFixed(),
    marginBalance: equity.toFixed(),
    unrealizedPnl: upnl.toFixed(),
  };
}

/**
 * Full-position TP/SL live on the position (trading-stop, tpslMode=Full), so they are read from position/list.
 * Bybit gives them no id of their own there: the exchange id names symbol, leg and kind.
 */
export function stopsFromPosition(wire: WirePosition): ConditionalOrder[] {
  const stops: ConditionalOrder[] = [];
  const positionSide = positionSideOf(wire.positionIdx);
  for (const [kind, price] of [
    ["stop_loss", wire.stopLoss],
    ["take_profit", wire.takeProfit],
  ] as const) {
    if (!num(price).gt(0)) continue;
    stops.push({
      symbol: wire.symbol,
      kind,
      positionSide,
      triggerPrice: num(price).toFixed(),
      clientId: null,
      exchangeId: `${wire.symbol}:${wire.positionIdx}:${kind === "stop_loss" ? "sl" : "tp"}`,
    });
  }
  return stops;
}
