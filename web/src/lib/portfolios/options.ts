import type { CashToken, ExecutionMode, PortfolioMarket, ReviewInterval } from "#lib/api/client.ts";

/** The choices the portfolio form offers, in the order shown (the API's enums and limits). */
export const PORTFOLIO_MARKETS: readonly PortfolioMarket[] = ["spot", "futures"];
export const CASH_TOKENS: readonly CashToken[] = ["USDT", "USDC"];
export const REVIEW_INTERVALS: readonly ReviewInterval[] = ["10m", "15m", "30m", "1h", "4h", "12h", "1d", "3d", "1w"];
export const DECISION_PROVIDERS = ["builtin", "openai", "groq"] as const;
export type DecisionProvider = (typeof DECISION_PROVIDERS)[number];
export const EXECUTION_MODES: readonly ExecutionMode[] = ["automatic", "manual_approval"];

export const MAX_TOKENS = 8;
export const MAX_INSTRUCTIONS = 4000;
export const MAX_LEVERAGE = 125;
/** What a paper portfolio starts with when no capital is given (the API's default). */
export const DEFAULT_PAPER_CAPITAL = "10000";

/** USDT perpetuals settle in USDT, so a futures portfolio's cash is USDT and its contracts are `<TOKEN>USDT`. */
export const FUTURES_CASH: CashToken = "USDT";
