import Big from "big.js";
import { engineText } from "../../../shared/api/engine-messages.ts";
import { STOP_NEAR_LIQUIDATION_PCT } from "../../../shared/api/portfolio-alerts.ts";
import type { ConditionalOrder, ExchangeGateway, Position } from "../../exchanges/contract.ts";
import { estimateLiquidationPrice, stopDistanceFromLiquidationPct } from "../../exchanges/liquidation.ts";
import { type AlertFinding, syncAlerts } from "../alert-store.ts";
import { dayStartStatement, readDayStart } from "../equity-store.ts";
import { readLedger, valueLedger } from "../ledger.ts";
import { type PortfolioRow, portfolioStatement, readPortfolioRow } from "../store.ts";
import { gatewayMarket, portfolioSymbols } from "../validation.ts";
import type { Brokers } from "./broker.ts";
import type { EngineServices } from "./engine-services.ts";
import { pausePortfolio } from "./pause.ts";
import { lossLimitReason } from "./risk-rules.ts";
import { ledgerPrices, tickersOf } from "./snapshot.ts";

/**
 * Risk between reviews, run by the cron's sync of an active portfolio (every third minute) so a loss or a stop-loss
 * that no longer protects does not wait for the next review (hours, for a daily portfolio). It reads only prices
 * (and, for futures, the positions and their SL/TP) and never places, alters or cancels an order itself: a breach
 * pauses through pausePortfolio, which cancels open orders as every pause does and leaves positions with their SL/TP.
 *
 * - The daily-loss and drawdown limits, with the review's own rule (risk-rules.ts) on the ledger valued now.
 * - Each futures position's stop-loss against its liquidation price (the venue's, or estimated from entry and
 *   leverage where the venue gives none, as the paper broker): a stop at or beyond liquidation would never trigger,
 *   so it pauses and records an alert; one within STOP_NEAR_LIQUIDATION_PCT of it records an alert.
 */
export type RiskWatchOutcome = { paused: "loss_limit" | "liquidation_risk" | null; alerts: AlertFinding[] };

export async function watchRisk(
  services: EngineServices,
  portfolioId: string,
  brokers: Brokers,
): Promise<RiskWatchOutcome> {
  const d1 = services.db.$client;
  const now = services.now();
  // Read again: the sync's trades may have just moved the ledger.
  const raw = await portfolioStatement(d1, portfolioId).first<Record<string, unknown>>();
  const row = raw ? readPortfolioRow(raw) : null;
  const ledger = readLedger(row?.ledger ?? null);
  if (row?.status !== "active" || !ledger) return { paused: null, alerts: [] };

  const broker = await brokers.current();
  const tickers = await tickersOf(broker, gatewayMarket(row.market), portfolioSymbols(row));
  const valued = valueLedger(ledger, ledgerPrices(row, tickers));
  // A token without a price would read as a loss it is not: the review decides on that one.
  if (valued.unpriced.length === 0) {
    const dayStart = readDayStart((await dayStartStatement(d1, row.id, now, row.startedAt).first()) ?? undefined);
    const breach = lossLimitReason(row, valued.equity.toFixed(), dayStart.equity);
    if (breach) {
      await pausePortfolio(services, row, { code: "loss_limit", text: breach });
      return { paused: "loss_limit", alerts: [] };
    }
  }
  if (row.market !== "futures") return { paused: null, alerts: [] };

  const alerts = await stopLiquidationFindings(broker, row);
  await syncAlerts(services.db, row.id, alerts, now);
  const beyond = alerts.find((a) => a.code === "stop_beyond_liquidation");
  if (!beyond) return { paused: null, alerts };
  const { params } = beyond;
  await pausePortfolio(services, row, {
    code: "liquidation_risk",
    text: engineText(
      "liquidation_risk",
      {
        direction: params.side,
        symbol: beyond.symbol,
        stopLossPrice: params.stopLoss,
        liquidationPrice: params.liquidationPrice,
      },
      `The ${params.side} ${beyond.symbol} stop-loss at ${params.stopLoss} lies beyond the liquidation price ${params.liquidationPrice}: the position would be liquidated first.`,
    ),
  });
  return { paused: "liquidation_risk", alerts };
}

async function stopLiquidationFindings(broker: ExchangeGateway, row: PortfolioRow): Promise<AlertFinding[]> {
  const symbols = new Set(portfolioSymbols(row));
  const positions = (await broker.positions()).filter((p) => symbols.has(p.symbol) && Big(p.size).abs().gt(0));
  if (positions.length === 0) return [];
  const stops = (await broker.conditionalOrders()).filter((s) => s.kind === "stop_loss");
  const findings: AlertFinding[] = [];
  for (const position of positions) {
    const finding = stopLiquidationFinding(position, stops);
    if (finding) findings.push(finding);
  }
  return findings;
}

/** A position without a stop-loss is the review's business (every open carries one); here only the distance counts. */
export function stopLiquidationFinding(position: Position, stops: ConditionalOrder[]): AlertFinding | null {
  const stop = stops.find(
    (s) =>
      s.symbol === position.symbol &&
      (s.positionSide === position.positionSide || s.positionSide === "both" || position.positionSide === "both"),
  );
  if (!stop) return null;
  const reported = position.liquidationPrice === null ? null : Big(position.liquidationPrice);
  const liquidation =
    reported ??
    estimateLiquidationPrice({ side: position.side, entryPrice: position.entryPrice, leverage: position.leverage });
  if (!liquidation || liquidation.lte(0)) return null;
  const distance = stopDistanceFromLiquidationPct(position.side, Big(stop.triggerPrice), liquidation);
  if (distance.gte(STOP_NEAR_LIQUIDATION_PCT)) return null;
  return {
    code: distance.lte(0) ? "stop_beyond_liquidation" : "stop_near_liquidation",
    symbol: position.symbol,
    params: {
      side: position.side,
      stopLoss: Big(stop.triggerPrice).toFixed(),
      liquidationPrice: liquidation.round(8).toFixed(),
      markPrice: position.markPrice,
      distancePct: distance.toFixed(2),
      liquidationSource: reported ? "venue" : "estimate",
    },
  };
}
