import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import type { RunFallback } from "../../../shared/api/portfolio-runs.ts";
import { BUILTIN_MODEL, builtinProvider } from "../../ai/builtin-strategy.ts";
import type { DecisionInput } from "../../ai/decision-input.ts";
import type { DecisionResult } from "../../ai/provider.ts";
import type { PortfolioRow } from "../store.ts";
import { type AiRequest, openPortfolioAi, providerName } from "./ai-access.ts";
import type { EngineServices } from "./engine-services.ts";

/**
 * Who decides a review: the portfolio's AI, with the owner's key (or a key an administrator shared with the owner)
 * and the portfolio's options (reasoning effort, web search), or the built-in strategy. The built-in strategy also
 * decides, with the reason recorded on the run, when the AI is not asked (ai-access.ts: the month's spend cap, the
 * shared key's budget or its revocation, a base URL no longer allowed), and when the provider failed after the
 * transport's retries (timeout, 5xx, refusal, an answer that is not the schema): the review still completes within
 * the same hard guards instead of leaving the portfolio unmanaged.
 */

export type DecisionOutcome =
  | {
      ok: true;
      /** The decision that stands (or the built-in strategy's own failure). */
      result: DecisionResult;
      /** The AI request made for this review, whatever came of it; null when no AI was asked. */
      asked: AiRequest | null;
      fallback: RunFallback | null;
    }
  /** The portfolio's AI cannot be asked at all (no key stored, or no way to open keys): the owner must act. */
  | { ok: false; code: "no_ai_key"; message: string; text: EngineText };

export async function decideReview(
  services: EngineServices,
  row: PortfolioRow,
  input: DecisionInput,
): Promise<DecisionOutcome> {
  const builtin = () =>
    builtinProvider().decide(input, { model: BUILTIN_MODEL, reasoningEffort: null, webSearch: false });
  if (row.decisionProvider === "builtin") return { ok: true, result: await builtin(), asked: null, fallback: null };
  const provider = row.decisionProvider;
  const model = row.model ?? "";
  const fallback = (code: string, text: EngineText): RunFallback => ({
    provider,
    model,
    code,
    message: text.text,
    engineMessage: text.message,
  });

  const access = await openPortfolioAi(services, row, provider);
  if (access.status === "no_key") return { ok: false, code: "no_ai_key", message: access.text.text, text: access.text };
  if (access.status === "refused")
    return { ok: true, result: await builtin(), asked: null, fallback: fallback(access.code, access.text) };

  const asked = await access.ask(input);
  const { result } = asked;
  if (result.ok) return { ok: true, result, asked, fallback: null };
  const name = providerName(provider);
  const failed = fallback(
    `decision_${result.failure.code}`,
    engineText(
      "fallback_ai_failed",
      { provider: name, detail: result.failure.message },
      `${name} failed: ${result.failure.message}`,
    ),
  );
  return { ok: true, result: await builtin(), asked, fallback: failed };
}
