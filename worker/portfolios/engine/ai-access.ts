import Big from "big.js";
import { type EngineText, engineText } from "../../../shared/api/engine-messages.ts";
import type { AiProvider } from "../../../shared/api/keys.ts";
import type { RunAiOptions } from "../../../shared/api/portfolio-runs.ts";
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
 * Whether the portfolio's AI may be asked now, and with which key: the owner's own, or one an administrator shared
 * with them, within the portfolio's monthly spend cap and the share's monthly budget (UTC calendar month, reviews and
 * AI replays together), at a base URL the host policy still allows. Reviews and what-if replays both ask through
 * this; a review lets the built-in strategy decide when the AI is not asked, a replay refuses.
 */

export type AiAccessServices = Pick<EngineServices, "db" | "keyring" | "extraHosts" | "ai" | "now">;

/** `shareId`: the administrator's shared key the request used, whose budget its cost counts toward. */
export type AiRequest = { result: DecisionResult; options: RunAiOptions; shareId: string | null };

/** Why the AI was not asked although the portfolio decides with one. */
export type AiRefusalCode = "spend_cap" | "share_budget" | "share_revoked" | "base_url_refused";

export type AiAccess =
  /** `ask` makes one (billed) request; its result says whether the provider decided. */
  | { status: "ready"; provider: AiProvider; model: string; ask(input: DecisionInput): Promise<AiRequest> }
  | { status: "refused"; provider: AiProvider; model: string; code: AiRefusalCode; text: EngineText }
  /** No key to ask with (none stored, or no way to open keys): the owner must act. */
  | { status: "no_key"; provider: AiProvider; model: string; text: EngineText };

export async function openPortfolioAi(
  services: AiAccessServices,
  row: PortfolioRow,
  provider: AiProvider,
): Promise<AiAccess> {
  const model = row.model ?? "";
  const name = providerName(provider);
  const keyring = services.keyring;
  if (!keyring) {
    const text = engineText("run_no_master_key", {}, "Stored AI keys cannot be opened: MASTER_KEY is not set.");
    return { status: "no_key", provider, model, text };
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
  const refused = (code: AiRefusalCode, text: EngineText): AiAccess => ({
    status: "refused",
    provider,
    model,
    code,
    text,
  });
  const keyRaw = firstRaw(keyResult);
  if (shareId && !keyRaw)
    return refused(
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
    return { status: "no_key", provider, model, text };
  }
  const spent = spentOf(spendResult);
  if (row.aiSpendCapUsd !== null && Big(spent).gte(row.aiSpendCapUsd)) {
    const message = `This month's AI spend of ${usd(spent)} USD reached the portfolio's cap of ${row.aiSpendCapUsd} USD; ${name} was not asked.`;
    const params = { provider: name, spentUsd: usd(spent), capUsd: row.aiSpendCapUsd };
    return refused("spend_cap", engineText("fallback_spend_cap", params, message));
  }
  const shared = shareId ? readSharedKey(keyRaw) : null;
  if (shared) {
    const shareSpent = spentOf(shareSpendResult);
    if (Big(shareSpent).gte(shared.share.monthlyBudgetUsd)) {
      const message = `This month's spend of ${usd(shareSpent)} USD on the shared ${name} key reached its budget of ${shared.share.monthlyBudgetUsd} USD; ${name} was not asked.`;
      const params = { provider: name, spentUsd: usd(shareSpent), budgetUsd: shared.share.monthlyBudgetUsd };
      return refused("share_budget", engineText("fallback_share_budget", params, message));
    }
  }
  const keyRow = shared?.key ?? readAiKeyRow(keyRaw);
  // Checked again at use: the operator may have taken a host off EXCHANGE_EXTRA_HOSTS since the key was saved.
  const checked = keyRow.baseUrl === null ? null : aiBaseUrlProblem(keyRow.baseUrl, services.extraHosts);
  if (checked && "problem" in checked)
    return refused(
      "base_url_refused",
      engineText(
        "fallback_base_url",
        { provider: name, detail: checked.problem },
        `The key's base URL is no longer allowed (${checked.problem}); ${name} was not asked.`,
      ),
    );

  const options: RunAiOptions = { reasoningEffort: row.reasoningEffort, webSearch: row.webSearch };
  const baseUrl = checked?.url ?? null;
  return {
    status: "ready",
    provider,
    model,
    async ask(input) {
      const apiKey = await openAiKeyRow(keyring, keyRow);
      const result = await decisionProvider(services.ai, { provider, apiKey, baseUrl }).decide(input, {
        model,
        ...options,
      });
      return { result, options, shareId };
    },
  };
}

export const providerName = (provider: AiProvider) => (provider === "openai" ? "OpenAI" : "Groq");

const spentOf = (result: D1Result | undefined) => String(firstRaw(result)?.spent ?? "0");

const usd = (amount: string) => Big(amount).round(2, Big.roundUp).toFixed(2);
