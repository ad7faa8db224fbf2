import type { MarginMode, Market, PositionMode } from "../contract.ts";
import { ExchangeError } from "../errors.ts";
import type { PaperAccount } from "./paper-account.ts";
import { applyLeverage, freeMargin, marginModeOf } from "./paper-linear.ts";
import { isOpen, type PaperContext } from "./paper-orders.ts";
import type { Quote } from "./paper-quotes.ts";

/** Position mode, margin mode and leverage, refused in the same situations the venues refuse them. */

const MAX_LEVERAGE = 125;

function refuse(ctx: PaperContext, message: string): ExchangeError {
  return new ExchangeError("invalid_order", message, { venue: ctx.venue });
}

function hasOpenLinearOrders(account: PaperAccount, symbol?: string): boolean {
  return Object.values(account.orders).some(
    (order) => order.market === "linear" && isOpen(order) && (symbol === undefined || order.symbol === symbol),
  );
}

function hasPosition(account: PaperAccount, symbol?: string): boolean {
  return Object.values(account.positions).some((position) => symbol === undefined || position.symbol === symbol);
}

/** Like Binance -4068: the mode cannot change while any position or open order exists. The same mode is success. */
export function changePositionMode(account: PaperAccount, ctx: PaperContext, mode: PositionMode): void {
  if (account.positionMode === mode) return;
  if (hasPosition(account) || hasOpenLinearOrders(account)) {
    throw refuse(ctx, "The position mode cannot change while there are open positions or open orders.");
  }
  account.positionMode = mode;
}

/** Like Binance -4047/-4048: not while the symbol has a position or open orders. The same mode is success. */
export function changeMarginMode(account: PaperAccount, ctx: PaperContext, symbol: string, mode: MarginMode): void {
  if (marginModeOf(account, symbol) === mode) return;
  if (hasPosition(account, symbol) || hasOpenLinearOrders(account, symbol)) {
    throw refuse(ctx, `The margin mode of ${symbol} cannot change while it has an open position or open orders.`);
  }
  account.marginMode[symbol] = mode;
}

/** Checks a leverage against the contract before the account is touched. */
export function checkLeverage(market: Market, leverage: number): void {
  const max = Math.min(market.maxLeverage ?? MAX_LEVERAGE, MAX_LEVERAGE);
  const min = Math.max(market.minLeverage ?? 1, 1);
  if (!Number.isInteger(leverage) || leverage < min || leverage > max) {
    throw new ExchangeError(
      "invalid_order",
      `Leverage for ${market.symbol} must be a whole number from ${min} to ${max}, got ${leverage}.`,
      { venue: market.venue },
    );
  }
}

export function changeLeverage(
  account: PaperAccount,
  ctx: PaperContext,
  symbol: string,
  leverage: number,
  linearQuotes: Map<string, Quote>,
): void {
  applyLeverage(account, symbol, leverage);
  if (freeMargin(account, linearQuotes).lt(0)) {
    throw new ExchangeError(
      "insufficient_funds",
      `Leverage ${leverage} needs more margin than the account has for its open ${symbol} position.`,
      { venue: ctx.venue },
    );
  }
}
