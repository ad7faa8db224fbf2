import Big from "big.js";
import type { EngineText } from "../../shared/api/engine-messages.ts";
import { Ticker } from "../../shared/api/exchanges.ts";
import type { ReplayDiffEntry, ReplayOrder, ReplayRequest, ReplayResult } from "../../shared/api/portfolio-replay.ts";
import { BUILTIN_MODEL, builtinProvider } from "../ai/builtin-strategy.ts";
import { type DecisionInput, DecisionInput as DecisionInputSchema } from "../ai/decision-input.ts";
import { Decision } from "../ai/decision-schema.ts";
import { ApiError } from "../http/api-error.ts";
import { enforceRateLimit } from "../ratelimit/rate-limit.ts";
import { type AiAccessServices, openPortfolioAi, providerName } from "./engine/ai-access.ts";
import { futuresLimits, spotLimits } from "./engine/decision-input-builder.ts";
import { planOrders } from "./engine/planner.ts";
import { type OrderRow, ordersOfRun } from "./order-store.ts";
import { recordReplaySpend } from "./replay-spend.ts";
import { type RunRow, runById } from "./run-store.ts";
import { ownedPortfolio, type PortfolioRow, storedTokens } from "./store.ts";

/**
 * What-if replay: a stored review's saved decision input planned again by the same planner and hard guards the review
 * used, with the owner's changed limits or instructions and a chosen decision source, and compared with what the
 * review planned. It runs in the request: pure functions over D1 reads, no venue, no Durable Object, so it can
 * neither send nor change an order. The prices are the ones the review planned at (kept on the run), so the
 * recorded decision with unchanged limits plans exactly what the review did. The one write is the cost of an AI
 * replay (replay-spend.ts), which counts toward the month's AI spend as a review's does.
 */

/** What a replay needs: what opening the portfolio's AI needs, and the limiters that bound AI replays. */
export type ReplayServices = AiAccessServices & { limiters: Env["RATE_LIMITER"] };

type ReplayDecision = Pick<ReplayResult, "decision" | "decidedBy" | "usage" | "aiOptions">;

export async function replayRun(
  services: ReplayServices,
  userId: string,
  portfolioId: string,
  runId: string,
  request: ReplayRequest,
): Promise<ReplayResult> {
  const { db } = services;
  const row = await ownedPortfolio(db, userId, portfolioId);
  const run = await runById(db, portfolioId, runId);
  if (!run.input)
    throw new ApiError("replay_no_input", "This review kept no decision input (it stopped before its snapshot).", {
      status: 409,
    });
  const saved = DecisionInputSchema.parse(JSON.parse(run.input));
  const settings = replaySettings(row, saved, request);
  const input = replayInput(saved, settings, request, equityOf(run, saved));
  const decided =
    request.source === "ai" ? await aiDecision(services, row, run, input) : await replayDecision(request, run, input);
  const { decision } = decided;
  const { prices, tickers } = planPrices(run, saved);
  const plan = planOrders({
    row: settings,
    run: { id: run.id, seq: run.seq },
    decisionInput: input,
    decision,
    tickers,
    now: new Date(input.at),
  });
  const stored = await ordersOfRun(db, run.id);
  const orders = plan.orders
    .filter((o) => o.status !== "rejected")
    .map((o) => replayOrder({ ...o, status: "planned" }));
  const recorded = stored.filter((o) => o.status !== "rejected").map(replayOrder);
  const symbolOf = new Map(plan.orders.map((o) => [o.leg, o.symbol]));
  return {
    runId: run.id,
    source: request.source,
    prices,
    ...decided,
    orders,
    refusals: plan.refusals.map((r) => ({ ...r, symbol: symbolOf.get(r.leg) ?? "" })),
    recorded,
    recordedRefusals: stored
      .filter((o) => o.status === "rejected")
      .map((o) => ({ leg: o.leg, symbol: o.symbol, reason: o.reason ?? "" })),
    diff: diffOrders(recorded, orders),
  };
}

/**
 * The portfolio as the replay plans for it: the overrides on its current settings, orders planned as in automatic
 * mode (a replay never waits for approval). Token overrides must name exactly the portfolio's tokens.
 */
function replaySettings(row: PortfolioRow, input: DecisionInput, request: ReplayRequest): PortfolioRow {
  if (request.maxLeverage !== undefined && input.kind !== "futures")
    throw new ApiError("validation_failed", "maxLeverage applies to futures portfolios only.");
  if (request.maxExposurePct !== undefined && input.kind !== "futures")
    throw new ApiError("validation_failed", "maxExposurePct applies to futures portfolios only.");
  const tokens = request.tokens;
  if (tokens) {
    const current = storedTokens(row)
      .map((t) => t.token)
      .sort();
    const asked = tokens.map((t) => t.token).sort();
    if (current.join() !== asked.join())
      throw new ApiError("validation_failed", `tokens must be the portfolio's own: ${current.join(", ")}.`);
  }
  return {
    ...row,
    executionMode: "automatic",
    tokens: tokens ? JSON.stringify(tokens) : row.tokens,
    maxOrderPct: request.maxOrderPct === undefined ? row.maxOrderPct : request.maxOrderPct,
    maxExposurePct: request.maxExposurePct === undefined ? row.maxExposurePct : request.maxExposurePct,
    maxLeverage: request.maxLeverage ?? row.maxLeverage,
    instructions: request.instructions ?? row.instructions,
  };
}

/** The equity the review's limits were computed from (its snapshot's), in the portfolio's cash token. */
function equityOf(run: RunRow, input: DecisionInput): string {
  if (run.equityBefore !== null) return run.equityBefore;
  return input.kind === "futures" ? input.wallet.marginBalance : input.totalValueUsd;
}

/** The saved input with only what the owner changed: each overridden limit recomputed at the review's equity. */
function replayInput(
  input: DecisionInput,
  settings: PortfolioRow,
  request: ReplayRequest,
  equity: string,
): DecisionInput {
  const portfolio =
    request.instructions === undefined ? input.portfolio : { ...input.portfolio, instructions: request.instructions };
  if (input.kind === "spot") {
    const tokens = request.tokens && new Map(request.tokens.map((t) => [t.token, t]));
    const positions = input.positions.map((p) => {
      const token = tokens?.get(p.asset);
      return token ? { ...p, minAllocationPct: token.minAllocation, targetPct: token.targetAllocation } : p;
    });
    const limits =
      request.maxOrderPct === undefined
        ? input.limits
        : { ...input.limits, maxOrderUsd: spotLimits(settings, equity).maxOrderUsd };
    return { ...input, portfolio, positions, limits };
  }
  const recomputed = futuresLimits(settings, equity);
  const limits = { ...input.limits };
  if (request.maxOrderPct !== undefined) limits.maxOrderUsd = recomputed.maxOrderUsd;
  if (request.maxLeverage !== undefined) {
    limits.maxLeverage = recomputed.maxLeverage;
    limits.defaultLeverage = recomputed.defaultLeverage;
  }
  // Without its own cap, exposure follows the leverage (as for the review).
  if (request.maxExposurePct !== undefined || (request.maxLeverage !== undefined && settings.maxExposurePct === null))
    limits.maxExposureUsd = recomputed.maxExposureUsd;
  return { ...input, portfolio, limits };
}

async function replayDecision(request: ReplayRequest, run: RunRow, input: DecisionInput): Promise<ReplayDecision> {
  const decided = (decision: Decision, provider: string, model: string): ReplayDecision => ({
    decision,
    decidedBy: { provider, model },
    usage: null,
    aiOptions: null,
  });
  if (request.source === "recorded") {
    const parsed = run.decision === null ? null : Decision.safeParse(JSON.parse(run.decision));
    if (!parsed?.success)
      throw new ApiError(
        "replay_no_decision",
        "This review stored no decision to replay; choose the built-in strategy.",
        {
          status: 409,
        },
      );
    return decided(parsed.data, run.provider ?? "", run.model ?? "");
  }
  const result = await builtinProvider().decide(input, {
    model: BUILTIN_MODEL,
    reasoningEffort: null,
    webSearch: false,
  });
  if (!result.ok)
    throw new ApiError("replay_decision_failed", `The built-in strategy made no decision: ${result.failure.message}`, {
      status: 422,
    });
  return decided(result.decision, result.provider, result.model);
}

/**
 * The portfolio's own AI asked on the replay's input, as a review would ask it, except that a replay never lets the
 * built-in strategy stand in: whatever keeps the AI from deciding is the answer (422), so the owner never mistakes
 * the built-in strategy's plan for the AI's. Counted per portfolio before asking; the cost is kept even when the
 * answer is unusable.
 */
async function aiDecision(
  services: ReplayServices,
  row: PortfolioRow,
  run: RunRow,
  input: DecisionInput,
): Promise<ReplayDecision> {
  const provider = row.decisionProvider;
  if (provider === "builtin")
    throw new ApiError(
      "replay_not_ai",
      "This portfolio decides with the built-in strategy, so there is no AI to ask; choose the built-in strategy or the recorded decision.",
      { status: 422 },
    );
  const requestedAt = services.now();
  await enforceRateLimit(services.limiters, "aiReplay", `portfolio:${row.id}`, requestedAt);
  const access = await openPortfolioAi(services, row, provider);
  if (access.status === "no_key") throw aiRefused("replay_no_ai_key", access.text);
  if (access.status === "refused") throw aiRefused(`replay_${access.code}`, access.text);

  const { result, options, shareId } = await access.ask(input);
  if (result.usage)
    await recordReplaySpend(services.db, {
      portfolioId: row.id,
      runId: run.id,
      shareId,
      requestedAt,
      provider,
      model: result.model,
      usage: result.usage,
    });
  if (!result.ok) {
    const name = providerName(provider);
    throw new ApiError("replay_decision_failed", `${name} failed: ${result.failure.message}`, {
      status: 422,
      details: {
        failure: result.failure.code,
        engineMessage: { code: "fallback_ai_failed", params: { provider: name, detail: result.failure.message } },
        usage: result.usage,
      },
    });
  }
  return {
    decision: result.decision,
    decidedBy: { provider: result.provider, model: result.model },
    usage: result.usage,
    aiOptions: options,
  };
}

/** The AI was not asked: the reason in the engine's words (the UI words it in the reader's language). */
function aiRefused(code: string, text: EngineText): ApiError {
  return new ApiError(code, text.text, { status: 422, details: { engineMessage: text.message } });
}

/**
 * The prices the review planned at, as it kept them; a run stored before they were kept is planned at the decision
 * input's prices (the snapshot's), which may price limit orders slightly differently.
 */
function planPrices(run: RunRow, input: DecisionInput): { prices: "plan" | "input"; tickers: Map<string, Ticker> } {
  if (run.planTickers) {
    const saved = Ticker.array().safeParse(Object.values(JSON.parse(run.planTickers) as Record<string, unknown>));
    if (saved.success) return { prices: "plan", tickers: new Map(saved.data.map((t) => [t.symbol, t])) };
  }
  const at = Date.parse(input.at);
  const tickers: Ticker[] =
    input.kind === "spot"
      ? input.routes.map((r) => ({
          symbol: r.symbol,
          last: r.last,
          bid: r.bid,
          ask: r.ask,
          mark: null,
          fundingRate: null,
          time: at,
        }))
      : input.instruments.map((i) => ({
          symbol: i.symbol,
          last: i.last,
          bid: null,
          ask: null,
          mark: i.mark,
          fundingRate: i.fundingRate,
          time: at,
        }));
  return { prices: "input", tickers: new Map(tickers.map((t) => [t.symbol, t])) };
}

type PlannedOrder = Pick<OrderRow, "leg" | "symbol" | "action" | "side" | "type" | "quantity" | "status"> & {
  price?: string | null;
};

function replayOrder(o: PlannedOrder): ReplayOrder {
  return {
    leg: o.leg,
    symbol: o.symbol,
    action: o.action,
    side: o.side,
    type: o.type,
    quantity: o.quantity,
    price: o.price ?? null,
    status: o.status,
  };
}

/**
 * Orders paired by symbol, in leg order (legs follow each decision's own numbering, so two decisions' legs need not
 * match): a pair that differs is `changed`, what is left on one side is `removed` or `added`.
 */
export function diffOrders(recorded: ReplayOrder[], replay: ReplayOrder[]): ReplayDiffEntry[] {
  const diff: ReplayDiffEntry[] = [];
  const left = [...replay];
  for (const before of recorded) {
    const index = left.findIndex((o) => o.symbol === before.symbol);
    if (index < 0) {
      diff.push({ change: "removed", symbol: before.symbol, fields: [], recorded: before, replay: null });
      continue;
    }
    const [after] = left.splice(index, 1) as [ReplayOrder];
    const fields = changedFields(before, after);
    if (fields.length) diff.push({ change: "changed", symbol: before.symbol, fields, recorded: before, replay: after });
  }
  for (const after of left)
    diff.push({ change: "added", symbol: after.symbol, fields: [], recorded: null, replay: after });
  return diff;
}

function changedFields(a: ReplayOrder, b: ReplayOrder): ReplayDiffEntry["fields"] {
  const fields: ReplayDiffEntry["fields"] = [];
  if (a.side !== b.side) fields.push("side");
  if (a.type !== b.type) fields.push("type");
  if (!Big(a.quantity).eq(b.quantity)) fields.push("quantity");
  if ((a.price === null) !== (b.price === null) || (a.price !== null && b.price !== null && !Big(a.price).eq(b.price)))
    fields.push("price");
  return fields;
}
