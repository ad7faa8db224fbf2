import type { AiProvider } from "../../shared/api/keys.ts";
import { builtinProvider } from "./builtin-strategy.ts";
import { groqProvider } from "./groq.ts";
import { openAiProvider } from "./openai.ts";
import type { DecisionProvider } from "./provider.ts";
import type { RetryPolicy } from "./transport.ts";

/** AI settings from config.ts, passed down once. */
export type AiSettings = {
  baseUrls: Record<AiProvider, string>;
  timeoutMs: number;
  retry: RetryPolicy;
};

/**
 * The provider for a portfolio: an AI provider when the owner chose one and has a key for it, otherwise the
 * built-in strategy (the default, and what the offline demo uses).
 */
export function decisionProvider(
  settings: AiSettings,
  choice: { provider: AiProvider; apiKey: string; baseUrl?: string | null } | null,
  fetcher?: typeof fetch,
): DecisionProvider {
  if (!choice) return builtinProvider();
  const deps = {
    // A key's own endpoint (checked against the host policy when saved and again by the engine), else the provider's.
    baseUrl: choice.baseUrl ?? settings.baseUrls[choice.provider],
    apiKey: choice.apiKey,
    timeoutMs: settings.timeoutMs,
    retry: settings.retry,
    ...(fetcher ? { fetcher } : {}),
  };
  return choice.provider === "openai" ? openAiProvider(deps) : groqProvider(deps);
}
