import type { MessageKey } from "#lib/i18n/en.ts";

/** How a field's text must look, for messages about its format ("enter a percentage such as 2.5"). */
export type FieldFormat = "token" | "symbol" | "decimal" | "percent" | "usd" | "amount" | "email" | "url";

type FieldLabel = { label: MessageKey; format?: FieldFormat };

/**
 * The label every form shows for an API field, keyed by the field's path without its request part and with row
 * numbers as `N` (`tokens.N.targetAllocation`), so a message names the field as the reader sees it. A path that is
 * not here falls back to its last part (`futures.maxLeverage` → `maxLeverage`), then to "This field".
 */
const LABELS: Record<string, FieldLabel> = {
  // Portfolio form
  name: { label: "portfolioForm.name" },
  exchangeKeyId: { label: "portfolioForm.key" },
  market: { label: "portfolioForm.market" },
  cashToken: { label: "portfolioForm.cashToken" },
  reviewInterval: { label: "portfolioForm.interval" },
  tokens: { label: "tokens.legend" },
  "tokens.N": { label: "tokens.legend" },
  "tokens.N.token": { label: "tokens.token", format: "token" },
  "tokens.N.minAllocation": { label: "tokens.minimum", format: "percent" },
  "tokens.N.targetAllocation": { label: "tokens.target", format: "percent" },
  "tokens.N.maxAllocation": { label: "tokens.maximum", format: "percent" },
  decisionSource: { label: "decision.legend" },
  "decisionSource.provider": { label: "decision.legend" },
  "decisionSource.model": { label: "decision.model" },
  "decisionSource.reasoningEffort": { label: "decision.reasoningEffort" },
  "decisionSource.webSearch": { label: "decision.webSearchLabel" },
  "decisionSource.sharedKeyId": { label: "decision.keySource" },
  "decisionSource.monthlySpendCapUsd": { label: "decision.spendCap", format: "usd" },
  instructions: { label: "instructions.label" },
  executionMode: { label: "portfolioForm.manualApproval" },
  paper: { label: "paper.label" },
  paperCapital: { label: "paper.capitalField", format: "amount" },
  futures: { label: "futuresSettings.legend" },
  "futures.positionMode": { label: "futures.positionMode" },
  "futures.marginMode": { label: "futures.marginMode" },
  "futures.maxLeverage": { label: "futuresSettings.maxLeverage" },
  "risk.maxOrderPct": { label: "risk.maxOrderPct", format: "percent" },
  "risk.maxExposurePct": { label: "risk.maxExposurePct", format: "percent" },
  "risk.maxDailyLossPct": { label: "risk.maxDailyLossPct", format: "percent" },
  "risk.maxDrawdownPct": { label: "risk.maxDrawdownPct", format: "percent" },
  // Exchange and AI keys
  venue: { label: "keys.venue" },
  environment: { label: "keys.environment" },
  label: { label: "keys.label" },
  apiKey: { label: "keys.apiKey" },
  apiSecret: { label: "keys.apiSecret" },
  baseUrl: { label: "keys.baseUrl", format: "url" },
  baseUrls: { label: "keys.spotBaseUrl", format: "url" },
  "baseUrls.spot": { label: "keys.spotBaseUrl", format: "url" },
  "baseUrls.linear": { label: "keys.futuresBaseUrl", format: "url" },
  // API tokens, sign-in and two-factor, admin shares
  scopes: { label: "tokens.scopes" },
  expiresInDays: { label: "tokens.expiry" },
  email: { label: "signin.email", format: "email" },
  code: { label: "twoFactor.codeLabel" },
  provider: { label: "adminShares.provider" },
  monthlyBudgetUsd: { label: "adminShares.budget", format: "usd" },
  // Futures positions
  symbol: { label: "futures.contract", format: "symbol" },
  side: { label: "futures.side" },
  type: { label: "futures.type" },
  quantity: { label: "futures.quantity", format: "decimal" },
  notional: { label: "futures.notional", format: "decimal" },
  price: { label: "futures.limitPrice", format: "decimal" },
  stopLoss: { label: "futures.stopLoss", format: "decimal" },
  takeProfit: { label: "futures.takeProfit", format: "decimal" },
};

/** The label (as a message key) and format of a field, by its path (`tokens.0.targetAllocation`, `stopLoss`). */
export function fieldLabel(path: string): FieldLabel | null {
  const general = path.replace(/\.\d+(?=\.|$)/g, ".N");
  return LABELS[general] ?? LABELS[general.split(".").at(-1) ?? ""] ?? null;
}
