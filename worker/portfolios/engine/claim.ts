import Big from "big.js";
import type { ExchangeGateway } from "../../exchanges/contract.ts";
import { type PortfolioLedger, positionKey, readLedger, valueLedger } from "../ledger.ts";
import { type PortfolioRow, storedTokens } from "../store.ts";
import { portfolioSymbols } from "../validation.ts";
import { ledgerPrices, tickersOf } from "./snapshot.ts";

/**
 * What a portfolio owns when it starts. Its tokens are its own (a token runs in one portfolio of a key at a time);
 * the cash token (spot) and the futures margin can be shared, so it claims only what the key's other running
 * portfolios have not claimed. Positions already open on its contracts become its own at the mark price.
 */
export async function claimLedger(
  gateway: ExchangeGateway,
  row: PortfolioRow,
  others: PortfolioRow[],
): Promise<{ ledger: PortfolioLedger; equity: string }> {
  const symbols = portfolioSymbols(row);
  if (row.market === "spot") {
    const [balances, tickers] = await Promise.all([gateway.balances(), tickersOf(gateway, "spot", symbols)]);
    const total = (asset: string) => Big(balances.find((b) => b.asset === asset)?.total ?? "0");
    const claimedCash = others.reduce((sum, other) => {
      const theirs = readLedger(other.ledger);
      if (other.market !== "spot" || other.cashToken !== row.cashToken || theirs?.kind !== "spot") return sum;
      return sum.plus(theirs.assets[row.cashToken] ?? "0");
    }, Big(0));
    const cash = total(row.cashToken).minus(claimedCash);
    const assets: Record<string, string> = { [row.cashToken]: (cash.gt(0) ? cash : Big(0)).toFixed() };
    for (const { token } of storedTokens(row)) assets[token] = total(token).toFixed();
    const ledger: PortfolioLedger = { kind: "spot", assets };
    return { ledger, equity: valueLedger(ledger, ledgerPrices(row, tickers)).equity.toFixed() };
  }

  const [wallet, positions, tickers] = await Promise.all([
    gateway.futuresWallet(),
    gateway.positions(),
    tickersOf(gateway, "linear", symbols),
  ]);
  const claimedMargin = others.reduce(
    (sum, other) => (other.market === "futures" && other.equity ? sum.plus(other.equity) : sum),
    Big(0),
  );
  const available = Big(wallet.marginBalance).minus(claimedMargin);
  const margin = available.gt(0) ? available : Big(0);
  const prices = ledgerPrices(row, tickers);
  const own = new Set(symbols);
  const held: Record<string, string> = {};
  let cash = margin;
  for (const position of positions) {
    if (!own.has(position.symbol) || Big(position.size).eq(0)) continue;
    const signed = position.side === "long" ? Big(position.size) : Big(position.size).neg();
    held[positionKey(position.symbol, position.positionSide)] = signed.toFixed();
    cash = cash.minus(signed.times(prices[position.symbol] ?? position.markPrice));
  }
  const ledger: PortfolioLedger = { kind: "futures", asset: wallet.asset, cash: cash.toFixed(), positions: held };
  return { ledger, equity: margin.toFixed() };
}
