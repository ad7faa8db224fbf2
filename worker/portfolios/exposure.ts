import Big from "big.js";
import type { PortfolioLedger, Prices } from "./ledger.ts";

/**
 * The share of equity at risk, in percent: spot, what the tokens are worth (the cash is not at risk); futures, the
 * positions' absolute notional at mark (above 100 with leverage). Null when there is no positive equity to divide by.
 * Unpriced assets count as 0, as they do in the equity.
 */
export function exposurePct(ledger: PortfolioLedger, prices: Prices, cashToken: string, equity: Big): string | null {
  if (equity.lte(0)) return null;
  let atRisk = Big(0);
  if (ledger.kind === "spot") {
    for (const [asset, quantity] of Object.entries(ledger.assets))
      if (asset !== cashToken) atRisk = atRisk.plus(Big(quantity).times(prices[asset] ?? "0"));
  } else {
    for (const [key, quantity] of Object.entries(ledger.positions)) {
      const symbol = key.split(":")[0] ?? key;
      atRisk = atRisk.plus(
        Big(quantity)
          .abs()
          .times(prices[symbol] ?? "0"),
      );
    }
  }
  return atRisk.div(equity).times(100).round(2).toFixed();
}
