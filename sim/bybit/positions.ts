import { Dec } from "../engine/decimal.ts";
import { SimError } from "../engine/types.ts";
import { RET } from "./codes.ts";
import {
  account,
  type Call,
  type Endpoint,
  linearOnly,
  page,
  paramsError,
  parseBody,
  RetFailure,
  str,
} from "./endpoint.ts";
import { SetLeverage, SwitchMode, TradingStop } from "./requests.ts";
import { positionView, SIDE_OF_IDX } from "./views.ts";

/** USDT perpetual positions: list, position mode, leverage and position TP/SL (trading-stop). */

export const positionEndpoints: Endpoint[] = [
  {
    method: "GET",
    path: "/v5/position/list",
    auth: () => "read",
    handle(call) {
      linearOnly(call.params);
      const acct = account(call);
      const symbol = str(call.params.symbol);
      if (!symbol && !str(call.params.settleCoin)) throw paramsError("symbol or settleCoin is required");
      if (symbol && !call.exchange.instrument("linear", symbol)) throw new SimError("bad_symbol", `unknown ${symbol}`);
      const views = call.exchange.positions(acct, symbol).filter((p) => !new Dec(p.size).eq(0));
      const stops = call.exchange.conditionals(acct, symbol);
      const legs: ReturnType<typeof positionView>[] = views.map((v) =>
        positionView(acct, v.symbol, v.positionSide, v, stops, call.serverTime),
      );
      // Asked for one symbol, Bybit lists its empty legs too (one-way: idx 0; hedge: idx 1 and 2).
      if (symbol) {
        const wanted = acct.positionMode === "one_way" ? (["both"] as const) : (["long", "short"] as const);
        for (const leg of wanted) {
          if (!views.some((v) => v.positionSide === leg)) {
            legs.push(positionView(acct, symbol, leg, undefined, stops, call.serverTime));
          }
        }
        legs.sort((a, b) => a.positionIdx - b.positionIdx);
      }
      return { category: "linear", ...page(legs, call.params, 20, 200) };
    },
  },
  {
    method: "POST",
    path: "/v5/position/switch-mode",
    auth: () => "futures",
    handle(call) {
      const body = parseBody(SwitchMode, call.params);
      if (!body.symbol && !body.coin) throw paramsError("symbol or coin is required");
      // The engine's position mode is account-wide: a symbol or the coin switches the same setting here.
      const outcome = call.exchange.setPositionMode(account(call), body.mode === 3 ? "hedge" : "one_way");
      if (outcome === "no_change") {
        throw new RetFailure({ retCode: RET.positionModeNotModified, retMsg: "Position mode is not modified" });
      }
      return {};
    },
  },
  {
    method: "POST",
    path: "/v5/position/switch-isolated",
    auth: () => "futures",
    handle() {
      // Every simulated Bybit account is unified, where margin mode is account-wide (account/set-margin-mode).
      throw new RetFailure({ retCode: RET.unifiedAccountForbidden, retMsg: "unified account is forbidden" });
    },
  },
  {
    method: "POST",
    path: "/v5/position/set-leverage",
    auth: () => "futures",
    handle(call) {
      const body = parseBody(SetLeverage, call.params);
      const acct = account(call);
      if (acct.positionMode === "one_way" && body.buyLeverage !== body.sellLeverage) {
        throw paramsError("buy leverage not equal to sell leverage");
      }
      const leverage = Number(body.buyLeverage);
      if (!Number.isFinite(leverage)) throw paramsError("leverage invalid");
      if (call.exchange.setLeverage(acct, body.symbol, leverage) === "no_change") {
        throw new RetFailure({ retCode: RET.leverageNotModified, retMsg: "leverage not modified" });
      }
      return {};
    },
  },
  { method: "POST", path: "/v5/position/trading-stop", auth: () => "futures", handle: tradingStop },
];

/**
 * trading-stop, tpslMode=Full: sets, replaces or ("0") cancels the position's TP and SL. The new trigger is placed
 * before the old one is cancelled, so a rejected price leaves the previous protection in place.
 */
function tradingStop(call: Call) {
  const body = parseBody(TradingStop, call.params);
  if (body.tpslMode !== "Full") throw paramsError("only tpslMode=Full is simulated");
  const acct = account(call);
  const leg = SIDE_OF_IDX[body.positionIdx] ?? "both";
  const expected = acct.positionMode === "one_way" ? 0 : [1, 2];
  if (Array.isArray(expected) ? !expected.includes(body.positionIdx) : body.positionIdx !== expected) {
    throw new SimError("position_side_mismatch", "position idx not match position mode");
  }
  const position = call.exchange
    .positions(acct, body.symbol)
    .find((p) => p.positionSide === leg && !new Dec(p.size).eq(0));
  if (!position) throw new RetFailure({ retCode: RET.paramsError, retMsg: "can not set tp/sl/ts for zero position" });
  const isLong = leg === "long" || (leg === "both" && new Dec(position.size).gt(0));
  let changed = false;
  for (const [kind, price] of [
    ["take_profit", body.takeProfit],
    ["stop_loss", body.stopLoss],
  ] as const) {
    if (price === undefined) continue;
    const existing = call.exchange
      .conditionals(acct, body.symbol)
      .find((c) => c.positionSide === leg && c.kind === kind);
    const cancel = new Dec(price || "0").eq(0);
    if (cancel) {
      if (!existing) continue;
      call.exchange.cancelConditional(acct, { id: existing.id });
      changed = true;
      continue;
    }
    if (existing && new Dec(existing.triggerPrice).eq(price)) continue;
    call.exchange.placeConditional(acct, {
      clientId: null,
      symbol: body.symbol,
      kind,
      positionSide: leg,
      closeSide: isLong ? "sell" : "buy",
      triggerPrice: price,
    });
    if (existing) call.exchange.cancelConditional(acct, { id: existing.id });
    changed = true;
  }
  if (!changed) throw new RetFailure({ retCode: RET.tpslNotModified, retMsg: "not modified" });
  return {};
}
