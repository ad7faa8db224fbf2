import Big from "big.js";
import { Ticker } from "../../shared/api/exchanges.ts";
import type { ReplayDiffEntry, ReplayOrder, ReplayRequest, ReplayResult } from "../../shared/api/portfolio-replay.ts";
import { BUILTIN_MODEL, builtinProvider } from "../ai/builtin-strategy.ts";
import { type DecisionInput, DecisionInput as DecisionInputSchema } from "../ai/decision-input.ts";
import { Decision } from "../ai/decision-schema.ts";
import type { Database } from "../db/client.ts";
import { ApiError } from "../http/api-error.ts";
import { futuresLimits, spotLimits } from "./engine/decision-input-builder.ts";
import { planOrders } from "./engine/planner.ts";
import { type OrderRow, ordersOfRun } from "./order-store.ts";
import { type RunRow, runById } from "./run-store.ts";
import { ownedPortfolio, type PortfolioRow, storedTokens } from "./store.ts";

/**
 * What-if replay: a stored review's saved decision input planned again by the same planner and hard guards the review
 * used, with the owner's changed limits or instructions and a chosen decision source, and compared with what the
 * review planned. It runs in the request: pure functions over D1 reads, no venue, no Durable Object, no writes, so
 * it can neither send nor change an order. The prices are the ones the review planned at (kept on the run), so the
 * recorded decision with unchanged limits plans exactly what the review did.
 */

export async function replayRun(
  db: Database,
  userId: string,
  portfolioId: string,
  runId: string,
  request: ReplayRequest,
): Promise<ReplayResult> {
  const row = await ownedPortfolio(db, userId, portfolioId);
  const run = await runById(db, portfolioId, runId);
  if (!run.input)
    throw new ApiError("replay_no_input", "This review kept no decision input (it stopped before its snapshot).", {
      status: 409,
    });
  const saved = DecisionInputSchema.parse(JSON.parse(run.input));
  const settings = replaySettings(row, saved, request);
  const input = replayInput(saved, settings, request, equityOf(run, saved));
  const decision = await replayDecision(request, run, input);
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
    decision,
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

async function replayDecision(request: ReplayRequest, run: RunRow, input: DecisionInput): Promise<Decision> {
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
    return parsed.data;
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
  return result.decision;
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
