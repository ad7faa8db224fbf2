import Big from "big.js";
import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import type { RunAiOptions, RunFallback } from "../../../shared/api/portfolio-runs.ts";
import { BUILTIN_MODEL, builtinProvider } from "../../ai/builtin-strategy.ts";
import type { DecisionInput } from "../../ai/decision-input.ts";
import type { DecisionResult } from "../../ai/provider.ts";
import { decisionProvider } from "../../ai/providers.ts";
import { firstRaw } from "../../db/rows.ts";
import { aiBaseUrlProblem } from "../../keys/ai-base-url.ts";
import { monthStart, readSharedKey, sharedKeyStatement, shareSpendStatement } from "../../keys/ai-key-shares.ts";
import { aiKeyStatement, openAiKeyRow, readAiKeyRow } from "../../keys/ai-keys.ts";
import { aiSpendStatement } from "../run-store.ts";
import type { PortfolioRow } from "../store.ts";
import type { EngineServices } from "./engine-services.ts";

/**
 * Who decides a review: the portfolio's AI, with the owner's key (or a key an administrator shared with the owner)
 * and the portfolio's options (reasoning effort, web search), or the built-in strategy. The built-in strategy also
 * decides, with the reason recorded on the run, when the AI is not asked: the portfolio's AI spend this calendar month
 * (UTC) reached its cap, the shared key's monthly budget is spent or the share was revoked, or the key's base URL is
 * no longer allowed; and when the provider failed after the transport's retries (timeout, 5xx, refusal, an answer
 * that is not the schema): the review still completes within the same hard guards instead of leaving the portfolio
 * unmanaged.
 */

/** `shareId`: the administrator's shared key the request used, whose budget its cost counts toward. */
export type AiRequest = { result: DecisionResult; options: RunAiOptions; shareId: string | null };

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
  const name = provider === "openai" ? "OpenAI" : "Groq";
  const keyring = services.keyring;
  if (!keyring) {
    const text = engineText("run_no_master_key", {}, "Stored AI keys cannot be opened: MASTER_KEY is not set.");
    return { ok: false, code: "no_ai_key", message: text.text, text };
  }

  // The key (own or shared) and the month's spend in one round trip: the step had one read (the key) before caps.
  const d1 = services.db.$client;
  const since = monthStart(services.now());
  const shareId = row.aiShareId;
  const [keyResult, spendResult, shareSpendResult] = await d1.batch([
    shareId ? sharedKeyStatement(d1, shareId, row.userId) : aiKeyStatement(d1, row.userId, provider),
    aiSpendStatement(d1, row.id, since),
    ...(shareId ? [shareSpendStatement(d1, shareId, since)] : []),
  ]);
  const fallback = (code: string, text: EngineText): RunFallback => ({
    provider,
    model,
    code,
    message: text.text,
    engineMessage: text.message,
  });
  const useBuiltin = async (code: string, text: EngineText): Promise<DecisionOutcome> => ({
    ok: true,
    result: await builtin(),
    asked: null,
    fallback: fallback(code, text),
  });
  const keyRaw = firstRaw(keyResult);
  if (shareId && !keyRaw)
    return useBuiltin(
      "share_revoked",
      engineText(
        "fallback_share_revoked",
        { provider: name },
        `The ${name} key an administrator shared with you was revoked; ${name} was not asked.`,
      ),
    );
  if (!keyRaw) {
    const text = engineText(
      "run_no_ai_key",
      { provider: name },
      `This portfolio decides with ${name}, but you have no ${name} key. Add one on the Keys page or switch to the built-in strategy.`,
    );
    return { ok: false, code: "no_ai_key", message: text.text, text };
  }
  const spent = spentOf(spendResult);
  if (row.aiSpendCapUsd !== null && Big(spent).gte(row.aiSpendCapUsd)) {
    const message = `This month's AI spend of ${usd(spent)} USD reached the portfolio's cap of ${row.aiSpendCapUsd} USD; ${name} was not asked.`;
    const params = { provider: name, spentUsd: usd(spent), capUsd: row.aiSpendCapUsd };
    return useBuiltin("spend_cap", engineText("fallback_spend_cap", params, message));
  }
  const shared = shareId ? readSharedKey(keyRaw) : null;
  if (shared) {
    const shareSpent = spentOf(shareSpendResult);
    if (Big(shareSpent).gte(shared.share.monthlyBudgetUsd)) {
      const message = `This month's spend of ${usd(shareSpent)} USD on the shared ${name} key reached its budget of ${shared.share.monthlyBudgetUsd} USD; ${name} was not asked.`;
      const params = { provider: name, spentUsd: usd(shareSpent), budgetUsd: shared.share.monthlyBudgetUsd };
      return useBuiltin("share_budget", engineText("fallback_share_budget", params, message));
    }
  }
  const keyRow = shared?.key ?? readAiKeyRow(keyRaw);
  // Checked again at use: the operator may have taken a host off EXCHANGE_EXTRA_HOSTS since the key was saved.
  const checked = keyRow.baseUrl === null ? null : aiBaseUrlProblem(keyRow.baseUrl, services.extraHosts);
  if (checked && "problem" in checked)
    return useBuiltin(
      "base_url_refused",
      engineText(
        "fallback_base_url",
        { provider: name, detail: checked.problem },
        `The key's base URL is no longer allowed (${checked.problem}); ${name} was not asked.`,
      ),
    );

  const apiKey = await openAiKeyRow(keyring, keyRow);
  const options: RunAiOptions = { reasoningEffort: row.reasoningEffort, webSearch: row.webSearch };
  const choice = { provider, apiKey, baseUrl: checked?.url ?? null };
  const result = await decisionProvider(services.ai, choice).decide(input, { model, ...options });
  const asked = { result, options, shareId };
  if (result.ok) return { ok: true, result, asked, fallback: null };
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

const spentOf = (result: D1Result | undefined) => String(firstRaw(result)?.spent ?? "0");

const usd = (amount: string) => Big(amount).round(2, Big.roundUp).toFixed(2);
