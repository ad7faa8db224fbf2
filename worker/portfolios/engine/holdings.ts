import Big from "big.js";
import type { Allocation, PortfolioPositions } from "../../../shared/api/portfolio-holdings.ts";
import { withExchangeErrors } from "../../accounts/exchange-error-response.ts";
import type { ExchangeGateway } from "../../exchanges/contract.ts";
import { readLedger, valueLedger } from "../ledger.ts";
import { type PortfolioRow, storedTokens } from "../store.ts";
import { gatewayMarket, portfolioSymbols } from "../validation.ts";
import { brokers } from "./broker.ts";
import type { EngineServices } from "./engine-services.ts";
import { ledgerPrices, tickersOf } from "./snapshot.ts";

/**
 * What a portfolio holds now: spot holdings from its ledger beside the account's balances, futures positions and
 * SL/TP on its contracts, read through its broker (so paper portfolios show their virtual account, as their last
 * review left it: what their ledger and fills say too).
 */
export async function readPositions(services: EngineServices, row: PortfolioRow): Promise<PortfolioPositions> {
  const at = services.now().toISOString();
  const ledger = readLedger(row.ledger);
  // A paper portfolio has no virtual account before its first start: it holds nothing yet.
  if (row.paper && !(await services.paperAccount.load())) return { holdings: [], positions: [], stops: [], at };
  const broker = await brokers(services, row).view();
  return withExchangeErrors(async () => {
    const symbols = portfolioSymbols(row);
    if (row.market === "futures") {
      const own = new Set(symbols);
      const [positions, stops] = await Promise.all([broker.positions(), broker.conditionalOrders()]);
      return {
        holdings: [],
        positions: positions.filter((p) => own.has(p.symbol) && Big(p.size).gt(0)),
        stops: stops.filter((s) => own.has(s.symbol)),
        at,
      };
    }
    const [balances, tickers] = await Promise.all([broker.balances(), tickersOf(broker, "spot", symbols)]);
    const prices = ledgerPrices(row, tickers);
    const assets = [row.cashToken, ...storedTokens(row).map((t) => t.token)];
    const holdings = assets.map((asset) => {
      const quantity = ledger?.kind === "spot" ? (ledger.assets[asset] ?? "0") : "0";
      const balance = balances.find((b) => b.asset === asset);
      const price = prices[asset] ?? null;
      return {
        asset,
        quantity,
        onExchange: balance?.total ?? "0",
        price,
        value: price === null ? null : Big(quantity).times(price).toFixed(),
      };
    });
    return { holdings, positions: [], stops: [], at };
  });
}

/** Allocation now against floors, targets and maxima; futures count each contract's absolute notional. */
export async function readAllocation(row: PortfolioRow, marketData: ExchangeGateway, now: Date): Promise<Allocation> {
  const ledger = readLedger(row.ledger);
  const tokens = storedTokens(row);
  const tickers = await withExchangeErrors(() =>
    tickersOf(marketData, gatewayMarket(row.market), portfolioSymbols(row)),
  );
  const prices = ledgerPrices(row, tickers);
  const equity = ledger ? valueLedger(ledger, prices).equity : Big(0);
  const pct = (value: Big) => (equity.gt(0) ? Number(value.div(equity).times(100).toFixed(4)) : 0);
  const items: Allocation["items"] = [];
  if (row.market === "spot") {
    const cash = ledger?.kind === "spot" ? Big(ledger.assets[row.cashToken] ?? "0") : Big(0);
    items.push({
      asset: row.cashToken,
      value: cash.toFixed(2),
      allocationPct: pct(cash),
      minAllocation: null,
      targetAllocation: null,
      maxAllocation: null,
      belowFloor: false,
    });
  }
  for (const token of tokens) {
    let value = Big(0);
    if (ledger?.kind === "spot") value = Big(ledger.assets[token.token] ?? "0").times(prices[token.token] ?? "0");
    if (ledger?.kind === "futures") {
      const symbol = `${token.token}USDT`;
      for (const [key, quantity] of Object.entries(ledger.positions))
        if (key.startsWith(`${symbol}:`))
          value = value.plus(
            Big(quantity)
              .abs()
              .times(prices[symbol] ?? "0"),
          );
    }
    const allocationPct = pct(value);
    items.push({
      asset: token.token,
      value: value.toFixed(2),
      allocationPct,
      minAllocation: token.minAllocation,
      targetAllocation: token.targetAllocation,
      maxAllocation: token.maxAllocation,
      // Nothing is below its floor before the portfolio owns anything.
      belowFloor: row.market === "spot" && ledger !== null && allocationPct < token.minAllocation,
    });
  }
  return { cashToken: row.cashToken, equity: equity.toFixed(2), at: now.toISOString(), items };
}
