import Big from "big.js";
import type { PortfolioMarket } from "../../shared/api/portfolios.ts";
import { unsupportedOption } from "../ai/models.ts";
import type { ExchangeGateway, Market, MarketType } from "../exchanges/contract.ts";
import { venueName } from "../exchanges/http.ts";
import { fieldIssue } from "../http/field-issue.ts";
import { type PortfolioConfig, type PortfolioRow, storedTokens } from "./store.ts";

/**
 * The rules a portfolio's configuration must meet, each failing with a message that names the field: the shape
 * rules (tokens, allocations, futures settings), the venue's markets (every pair or contract exists and trades) and
 * token exclusivity among the key's running portfolios.
 */

export function gatewayMarket(market: PortfolioMarket): MarketType {
  return market === "futures" ? "linear" : "spot";
}

/** `SOL` with cash `USDC` trades as `SOLUSDC` on both venues, spot and perpetual alike. */
export function symbolOf(token: string, cashToken: string): string {
  return `${token}${cashToken}`;
}

/** The pairs (spot) or contracts (futures) a portfolio trades. */
export function portfolioSymbols(row: PortfolioRow): string[] {
  return storedTokens(row).map((t) => symbolOf(t.token, row.cashToken));
}

export function checkShape(config: PortfolioConfig): void {
  const seen = new Set<string>();
  config.tokens.forEach(({ token }, i) => {
    if (token === config.cashToken)
      throw fieldIssue(
        `tokens[${i}].token`,
        "cash_token_listed",
        `${token} is the cash token; list only the tokens to hold against it.`,
        { params: { token } },
      );
    if (seen.has(token))
      throw fieldIssue(`tokens[${i}].token`, "token_listed_twice", `${token} is listed twice.`, { params: { token } });
    seen.add(token);
  });
  const minimums = config.tokens.reduce((sum, t) => sum.plus(t.minAllocation), Big(0));
  if (minimums.gt(100))
    throw fieldIssue(
      "tokens",
      "minimums_over_100",
      `the minimum allocations add up to ${minimums.toFixed()}%; they may total at most 100%.`,
      { params: { total: minimums.toFixed() } },
    );
  const targets = config.tokens.reduce((sum, t) => sum.plus(t.targetAllocation ?? t.minAllocation), Big(0));
  if (targets.gt(100))
    throw fieldIssue(
      "tokens",
      "targets_over_100",
      `the target allocations add up to ${targets.toFixed()}%; they may total at most 100%.`,
      { params: { total: targets.toFixed() } },
    );
  if (config.market === "futures" && !config.futures)
    throw fieldIssue(
      "futures",
      "futures_settings_required",
      "a futures portfolio needs its position mode, margin mode and maximum leverage.",
    );
  if (config.market === "futures" && config.cashToken !== "USDT")
    throw fieldIssue(
      "cashToken",
      "futures_cash_usdt",
      "futures portfolios trade USDT perpetuals, so their cash token is USDT.",
    );
  if (config.market === "spot" && config.futures)
    throw fieldIssue("futures", "spot_without_futures", "a spot portfolio has no futures settings; leave it null.");
  checkExposure(config);
  checkDecisionOptions(config.decisionSource);
}

/**
 * A futures portfolio's exposure never exceeds its maximum leverage × 100% of equity (the leverage caps it), so a
 * larger limit is a typo (1000 for 100) that would read as a promise the engine cannot keep: refused.
 */
function checkExposure(config: PortfolioConfig): void {
  const exposure = config.risk.maxExposurePct;
  if (!config.futures || exposure === null) return;
  const ceiling = config.futures.maxLeverage * 100;
  if (Big(exposure).gt(ceiling))
    throw fieldIssue(
      "risk.maxExposurePct",
      "exposure_over_leverage",
      `must be at most ${ceiling}% (the maximum leverage ${config.futures.maxLeverage}x × 100%); raise the leverage or lower the exposure.`,
      { params: { maximum: ceiling, leverage: config.futures.maxLeverage } },
    );
}

/** Reasoning effort and web search only as the chosen model takes them (a provider refuses the rest with a 400). */
function checkDecisionOptions(source: PortfolioConfig["decisionSource"]): void {
  if (source.provider === "builtin") return;
  const problem = unsupportedOption(source.provider, source.model, source);
  if (problem)
    throw fieldIssue(`decisionSource.${problem.field}`, "decision_option_unsupported", problem.message, {
      params: { model: source.model },
    });
}

/** Every token's pair (spot) or contract (futures) exists on the key's venue and environment, and trades. */
export async function checkMarkets(gateway: ExchangeGateway, config: PortfolioConfig): Promise<void> {
  const type = gatewayMarket(config.market);
  const listed = new Map<string, Market>((await gateway.markets(type)).map((m) => [m.symbol, m]));
  const where = `${venueName(gateway.venue)} ${config.market}`;
  config.tokens.forEach(({ token }, i) => {
    const symbol = symbolOf(token, config.cashToken);
    const market = listed.get(symbol);
    if (!market)
      throw fieldIssue(`tokens[${i}].token`, "symbol_not_listed", `${symbol} does not trade on ${where}.`, {
        params: { symbol, where },
      });
    if (market.status !== "trading")
      throw fieldIssue(
        `tokens[${i}].token`,
        "symbol_not_trading",
        `${symbol} is ${market.status.replace("_", " ")} on ${where}, not trading.`,
        { params: { symbol, where } },
      );
    const leverage = config.futures?.maxLeverage;
    if (leverage !== undefined && market.maxLeverage !== null && leverage > market.maxLeverage)
      throw fieldIssue(
        "futures.maxLeverage",
        "leverage_over_venue",
        `${symbol} allows at most ${market.maxLeverage}x on ${where}; lower the maximum leverage.`,
        { params: { symbol, where, maximum: market.maxLeverage } },
      );
  });
}

/** A token is traded by at most one running portfolio of a key, or two engines would fight over its balance. */
export function checkExclusive(config: PortfolioConfig, portfolioId: string, running: PortfolioRow[]): void {
  for (const other of running) {
    if (other.id === portfolioId || other.market !== config.market) continue;
    const theirs = new Set(storedTokens(other).map((t) => t.token));
    const index = config.tokens.findIndex((t) => theirs.has(t.token));
    const clash = config.tokens[index];
    if (clash) {
      const message = `${clash.token} is already traded by the running portfolio "${other.name}" on this key; stop it or choose another token.`;
      throw fieldIssue(`tokens[${index}].token`, "token_in_use", message, {
        code: "conflict",
        params: { token: clash.token, portfolio: other.name },
      });
    }
  }
}
