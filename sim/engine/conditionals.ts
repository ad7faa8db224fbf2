import { type EngineContext, tradingInstrument } from "./context.ts";
import { Dec, type Decimal } from "./decimal.ts";
import { checkTick, parsePositive } from "./filters.ts";
import { closeAtMarket } from "./matching.ts";
import { signedSize } from "./positions.ts";
import { type Account, type SimConditional, SimError } from "./types.ts";

/**
 * Close-position SL/TP orders on linear positions (Binance algo orders with closePosition=true, Bybit position
 * TP/SL). They watch the mark price and, when it crosses the trigger, close the whole leg with a market order.
 */

export type ConditionalInput = Omit<SimConditional, "id" | "status" | "createdAt" | "triggeredOrderId" | "updatedAt">;

/** True when the mark is already at or beyond the trigger on the side the order watches. */
function isTriggered(
  conditional: Pick<SimConditional, "kind" | "closeSide">,
  trigger: Decimal,
  mark: Decimal,
): boolean {
  // Closing a long (sell): the stop fires on a fall, the take-profit on a rise; mirrored when closing a short.
  const firesOnFall = (conditional.kind === "stop_loss") === (conditional.closeSide === "sell");
  return firesOnFall ? mark.lte(trigger) : mark.gte(trigger);
}

export function placeConditional(ctx: EngineContext, account: Account, input: ConditionalInput): SimConditional {
  const instrument = tradingInstrument(ctx, "linear", input.symbol);
  const trigger = parsePositive(input.triggerPrice, "triggerPrice");
  checkTick(instrument, trigger);
  checkLeg(account, input);
  checkClientId(ctx, account, input.clientId);
  const mark = new Dec(ctx.paths.price(instrument, ctx.now()));
  if (isTriggered(input, trigger, mark)) {
    throw new SimError("would_trigger_immediately", `trigger ${trigger} is already crossed by the mark price ${mark}`);
  }
  const conditional: SimConditional = {
    id: ctx.nextId(),
    clientId: input.clientId,
    symbol: instrument.symbol,
    kind: input.kind,
    positionSide: input.positionSide,
    closeSide: input.closeSide,
    triggerPrice: trigger.toFixed(),
    status: "new",
    createdAt: ctx.now(),
    updatedAt: ctx.now(),
  };
  account.conditionals.set(conditional.id, conditional);
  return conditional;
}

function checkLeg(account: Account, input: ConditionalInput): void {
  const expected = account.positionMode === "one_way" ? ["both"] : ["long", "short"];
  if (!expected.includes(input.positionSide)) {
    throw new SimError(
      "position_side_mismatch",
      `position side ${input.positionSide} does not match the ${account.positionMode} position mode`,
    );
  }
  // In hedge mode a close order must face its leg (Binance rejects BUY+LONG and SELL+SHORT close-position orders).
  const wrongSide =
    (input.positionSide === "long" && input.closeSide !== "sell") ||
    (input.positionSide === "short" && input.closeSide !== "buy");
  if (wrongSide) {
    throw new SimError("invalid_parameter", `a ${input.closeSide} order cannot close the ${input.positionSide} leg`);
  }
}

function checkClientId(ctx: EngineContext, account: Account, clientId: string | null): void {
  if (clientId === null) return;
  for (const conditional of account.conditionals.values()) {
    if (conditional.clientId !== clientId) continue;
    if (ctx.venue === "bybit" || conditional.status === "new") {
      throw new SimError("duplicate_client_id", `client id ${clientId} is already used`);
    }
  }
}

function findConditional(account: Account, by: { id?: string; clientId?: string }): SimConditional | undefined {
  if (by.id !== undefined) return account.conditionals.get(by.id);
  let found: SimConditional | undefined;
  for (const conditional of account.conditionals.values()) {
    if (by.clientId !== undefined && conditional.clientId === by.clientId) found = conditional;
  }
  return found;
}

export function cancelConditional(
  ctx: EngineContext,
  account: Account,
  by: { id?: string; clientId?: string },
): SimConditional {
  const conditional = findConditional(account, by);
  if (conditional?.status !== "new") {
    throw new SimError("order_not_found", `no open conditional order ${by.id ?? by.clientId ?? ""}`);
  }
  conditional.status = "canceled";
  conditional.updatedAt = ctx.now();
  return conditional;
}

/** Fires every open conditional whose trigger the mark price has crossed, closing its leg at market. */
export function triggerConditionals(ctx: EngineContext, account: Account): void {
  for (const conditional of [...account.conditionals.values()]) {
    if (conditional.status !== "new") continue;
    const instrument = tradingInstrument(ctx, "linear", conditional.symbol);
    const mark = new Dec(ctx.paths.price(instrument, ctx.now()));
    if (!isTriggered(conditional, new Dec(conditional.triggerPrice), mark)) continue;
    conditional.status = "triggered";
    conditional.updatedAt = ctx.now();
    const size = signedSize(account, conditional.symbol, conditional.positionSide);
    // The close side must face the position: a sell closes a long (positive size), a buy closes a short.
    const faces = conditional.closeSide === "sell" ? size.gt(0) : size.lt(0);
    if (!faces) continue;
    const order = closeAtMarket(
      ctx,
      account,
      {
        symbol: conditional.symbol,
        side: conditional.closeSide,
        positionSide: conditional.positionSide,
        quantity: size.abs(),
      },
      conditional.clientId ? `${conditional.clientId}-close` : `close-${conditional.id}`,
    );
    conditional.triggeredOrderId = order.orderId;
  }
}
