import {
  type DecisionSource,
  type EngineMessage,
  errorCode,
  type ReplayRequest,
  type ReplaySource,
} from "#lib/api/client.ts";
import { engineMessageText } from "#lib/i18n/engine-message.ts";
import { formatCost } from "#lib/i18n/format.ts";
import { type Locale, translate } from "#lib/i18n/translate.ts";

/** The "What if…" form as typed: text fields, empty for "keep the portfolio's own". */
export type ReplayForm = {
  source: ReplaySource;
  maxOrderPct: string;
  maxExposurePct: string;
  maxLeverage: string;
  instructions: string;
};

export const emptyReplayForm = (): ReplayForm => ({
  source: "recorded",
  maxOrderPct: "",
  maxExposurePct: "",
  maxLeverage: "",
  instructions: "",
});

/**
 * The replay request from the form: only what the owner filled in (the worker keeps the portfolio's own for the rest
 * and checks every bound); futures-only limits are left out for a spot review.
 */
export function replayRequest(form: ReplayForm, kind: "spot" | "futures"): ReplayRequest {
  const request: ReplayRequest = { source: form.source };
  const orderPct = form.maxOrderPct.trim();
  if (orderPct) request.maxOrderPct = orderPct;
  if (kind === "futures") {
    const exposurePct = form.maxExposurePct.trim();
    if (exposurePct) request.maxExposurePct = exposurePct;
    const leverage = form.maxLeverage.trim();
    // Not a whole number is sent as typed, so the worker's validation names the field.
    if (leverage) request.maxLeverage = /^\d+$/.test(leverage) ? Number(leverage) : (leverage as unknown as number);
  }
  if (form.instructions.trim()) request.instructions = form.instructions;
  return request;
}

/** The portfolio's AI as the replay's source offers it (provider and model), or null when it decides without one. */
export function replayAi(source: DecisionSource): { provider: string; model: string } | null {
  return source.provider === "builtin" ? null : { provider: source.provider, model: source.model };
}

type ReplayErrorDetails = {
  engineMessage?: EngineMessage;
  usage?: { costUsd: string | null } | null;
  preset?: string;
  limit?: number;
  retryAfterSeconds?: number;
};

/**
 * Why an AI replay did not run, in the reader's language: the engine's own reason (no key, the month's cap or the
 * shared key's budget reached, the share revoked, the provider failed, with what a billed failure cost), the
 * portfolio deciding without an AI, or the hourly limit. Null for anything else (the caller shows the message).
 */
export function replayRefusal(error: unknown, locale: Locale): string | null {
  const code = errorCode(error);
  if (!code) return null;
  const details = ((error as { error: { details?: unknown } }).error.details ?? {}) as ReplayErrorDetails;
  if (code === "replay_not_ai") return translate(locale, "replay.notAi");
  if (code === "rate_limited" && details.preset === "aiReplay")
    return translate(locale, "replay.aiRateLimited", {
      limit: details.limit ?? 10,
      minutes: Math.max(1, Math.ceil((details.retryAfterSeconds ?? 60) / 60)),
    });
  if (!code.startsWith("replay_") || !details.engineMessage) return null;
  const reason = engineMessageText(details.engineMessage, locale);
  const cost = details.usage?.costUsd;
  return cost
    ? translate(locale, "replay.aiFailedBilled", { reason, cost: formatCost(cost, locale) })
    : translate(locale, "replay.aiRefused", { reason });
}
