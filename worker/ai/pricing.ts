import Big from "big.js";
import type { DecimalString } from "../exchanges/contract.ts";

/**
 * Estimated list prices in USD per 1M tokens (public price pages, checked 2026-11), used only to show an approximate
 * cost per decision. They are estimates: providers change prices, and batch, priority and regional tiers differ.
 * Reasoning tokens are billed as output tokens, cached input at the cached rate. A model missing here costs `null`.
 */
type Price = { input: string; cachedInput: string; output: string };

const PRICES: Record<string, Price> = {
  "gpt-5": { input: "1.25", cachedInput: "0.125", output: "10" },
  "gpt-5-mini": { input: "0.25", cachedInput: "0.025", output: "2" },
  "gpt-5-nano": { input: "0.05", cachedInput: "0.005", output: "0.4" },
  "gpt-4.1": { input: "2", cachedInput: "0.5", output: "8" },
  "gpt-4.1-mini": { input: "0.4", cachedInput: "0.1", output: "1.6" },
  "gpt-4.1-nano": { input: "0.1", cachedInput: "0.025", output: "0.4" },
  "gpt-4o": { input: "2.5", cachedInput: "1.25", output: "10" },
  "gpt-4o-mini": { input: "0.15", cachedInput: "0.075", output: "0.6" },
  o3: { input: "2", cachedInput: "0.5", output: "8" },
  "o4-mini": { input: "1.1", cachedInput: "0.275", output: "4.4" },
  "openai/gpt-oss-120b": { input: "0.15", cachedInput: "0.15", output: "0.6" },
  "openai/gpt-oss-20b": { input: "0.075", cachedInput: "0.075", output: "0.3" },
  "llama-3.3-70b-versatile": { input: "0.59", cachedInput: "0.59", output: "0.79" },
  "llama-3.1-8b-instant": { input: "0.05", cachedInput: "0.05", output: "0.08" },
};

/** OpenAI's web search tool call, per call (estimate). */
const WEB_SEARCH_CALL_USD = "0.01";

/** Dated snapshots ("gpt-5-mini-2025-08-07") cost what their family costs. */
export function priceOf(model: string): Price | null {
  const exact = PRICES[model];
  if (exact) return exact;
  const family = model.replace(/-\d{4}-\d{2}-\d{2}$/, "");
  return PRICES[family] ?? null;
}

export type UsageCounts = {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  webSearchCalls: number;
};

export function estimateCostUsd(model: string, usage: UsageCounts): DecimalString | null {
  const price = priceOf(model);
  if (!price) return null;
  const uncached = Math.max(0, usage.inputTokens - usage.cachedInputTokens);
  const tokens = Big(uncached)
    .times(price.input)
    .plus(Big(usage.cachedInputTokens).times(price.cachedInput))
    .plus(Big(usage.outputTokens).times(price.output))
    .div(1_000_000);
  return tokens.plus(Big(usage.webSearchCalls).times(WEB_SEARCH_CALL_USD)).round(6).toFixed();
}
