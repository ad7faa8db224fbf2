import { engineMessageOrNull } from "./engine-messages.ts";
import { Venue } from "./exchanges.ts";
import * as z from "./zod.ts";

/**
 * API shapes of portfolios: what a trader configures (tokens, cash, interval, decision source, risk limits) and what
 * Ballast records (status, starting equity). Percentages of equity and money are decimal strings; allocations are
 * plain percentages of the portfolio.
 */

export const PortfolioMarket = z
  .enum(["spot", "futures"])
  .openapi("PortfolioMarket", { description: "`futures` means USDT perpetuals (the gateway's `linear` market)" });
export type PortfolioMarket = z.infer<typeof PortfolioMarket>;

export const CashToken = z.enum(["USDT", "USDC"]).openapi("CashToken");
export type CashToken = z.infer<typeof CashToken>;

export const ReviewInterval = z
  .enum(["10m", "15m", "30m", "1h", "4h", "12h", "1d", "3d", "1w"])
  .openapi("ReviewInterval");
export type ReviewInterval = z.infer<typeof ReviewInterval>;

export const PortfolioStatus = z.enum(["draft", "active", "paused", "stopped", "deleted"]).openapi("PortfolioStatus");
export type PortfolioStatus = z.infer<typeof PortfolioStatus>;

export const STATUS_REASON_CODES = [
  "kill_switch",
  "failed_reviews",
  "loss_limit",
  "stablecoin_depeg",
  "liquidation_risk",
  "key_unavailable",
  "owner_disabled",
] as const;
export const StatusReasonCode = z
  .enum(STATUS_REASON_CODES)
  .openapi("StatusReasonCode", { description: "Why Ballast paused (or the kill switch stopped) the portfolio" });
export type StatusReasonCode = z.infer<typeof StatusReasonCode>;

export const ExecutionMode = z
  .enum(["automatic", "manual_approval"])
  .openapi("ExecutionMode", { description: "`manual_approval`: planned orders wait for you to approve them" });
export type ExecutionMode = z.infer<typeof ExecutionMode>;

const Allocation = z.number().min(0).max(100);

/** Virtual starting cash of a paper portfolio when none is given. */
export const DEFAULT_PAPER_CAPITAL = "10000";

export const PortfolioToken = z
  .object({
    token: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9]{2,15}$/, "must be a token symbol such as BTC (2-15 letters or digits)"),
    minAllocation: Allocation.openapi({ description: "Percent of the portfolio always held in this token" }),
    targetAllocation: Allocation.nullable().default(null),
    maxAllocation: Allocation.nullable().default(null),
  })
  .superRefine((t, ctx) => {
    if (t.targetAllocation !== null && t.targetAllocation < t.minAllocation)
      ctx.addIssue({
        code: "custom",
        message: `must be at least the minimum allocation (${t.minAllocation}%)`,
        path: ["targetAllocation"],
        params: { rule: "target_below_min", minimum: t.minAllocation },
      });
    const floor = t.targetAllocation ?? t.minAllocation;
    if (t.maxAllocation !== null && t.maxAllocation < floor)
      ctx.addIssue({
        code: "custom",
        message: `must be at least the target (or minimum) allocation (${floor}%)`,
        path: ["maxAllocation"],
        params: { rule: "max_below_target", minimum: floor },
      });
  })
  .openapi("PortfolioToken");
export type PortfolioToken = z.infer<typeof PortfolioToken>;

export const REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high"] as const;
export const ReasoningEffort = z.enum(REASONING_EFFORTS).openapi("ReasoningEffort", {
  description: "How much the model reasons before answering; which values a model accepts: `GET /api/ai/models`",
});
export type ReasoningEffort = z.infer<typeof ReasoningEffort>;

/** USD, up to cents, for AI spend caps and budgets. */
export const UsdAmount = z
  .string()
  .max(12)
  .regex(/^\d{1,6}(\.\d{1,2})?$/, 'must be an amount in USD as a decimal string, e.g. "20" or "7.50"')
  .refine((value) => Number(value) > 0, { message: "must be more than 0", params: { rule: "amount_not_positive" } })
  .openapi({ example: "20" });

export const DecisionSource = z
  .discriminatedUnion("provider", [
    z.object({ provider: z.literal("builtin") }),
    z.object({
      provider: z.enum(["openai", "groq"]),
      model: z.string().trim().min(1).max(64),
      reasoningEffort: ReasoningEffort.nullable()
        .default(null)
        .openapi({ description: "Null: the model's default (nothing sent); only values the model supports" }),
      webSearch: z
        .boolean()
        .default(false)
        .openapi({ description: "Let the model search the web (OpenAI Responses `web_search` tool; OpenAI only)" }),
      sharedKeyId: z.string().min(1).max(64).nullable().default(null).openapi({
        description: "An AI key an administrator shared with you (GET /api/keys/ai/shared); null: your own key",
      }),
      monthlySpendCapUsd: UsdAmount.nullable().default(null).openapi({
        description:
          "Once this portfolio's AI spend in the calendar month (UTC) reaches it, reviews use the built-in strategy",
      }),
    }),
  ])
  .openapi("DecisionSource", { description: "The built-in strategy, or OpenAI/Groq with a model (needs your AI key)" });
export type DecisionSource = z.infer<typeof DecisionSource>;

export const FuturesSettings = z
  .object({
    positionMode: z.enum(["one_way", "hedge"]),
    marginMode: z.enum(["cross", "isolated"]),
    maxLeverage: z.number().int().min(1).max(125),
  })
  .openapi("PortfolioFuturesSettings");
export type FuturesSettings = z.infer<typeof FuturesSettings>;

const percent = (max: number, description: string) =>
  z
    .string()
    .max(12)
    .regex(/^\d+(\.\d{1,4})?$/, 'must be a percentage as a decimal string, e.g. "2.5"')
    .refine((value) => Number(value) > 0 && Number(value) <= max, {
      message: `must be more than 0 and at most ${max}`,
      params: { rule: "percent_out_of_range", maximum: max },
    })
    .nullable()
    .default(null)
    .openapi({ description, example: "5" });

export const RiskLimits = z
  .object({
    maxOrderPct: percent(100, "Largest single order, as % of equity"),
    maxExposurePct: percent(12_500, "Largest total exposure (positions' notional), as % of equity"),
    maxDailyLossPct: percent(100, "A loss this large within a day (% of the day's starting equity) pauses it"),
    maxDrawdownPct: percent(100, "A drawdown this large from the peak (% of equity) pauses it"),
  })
  .openapi("PortfolioRiskLimits");
export type RiskLimits = z.infer<typeof RiskLimits>;

const configFields = {
  name: z.string().trim().min(1).max(60),
  cashToken: CashToken,
  tokens: z.array(PortfolioToken).min(1, "must list at least 1 token").max(8, "must list at most 8 tokens"),
  reviewInterval: ReviewInterval,
  decisionSource: DecisionSource,
  instructions: z
    .string()
    .max(4000)
    .openapi({ description: "Added to the system instructions; the safety rules always stay" }),
  executionMode: ExecutionMode,
  paper: z.boolean().openapi({ description: "Simulate orders against live prices instead of placing them" }),
  paperCapital: z
    .string()
    .regex(/^\d{1,12}(\.\d{1,8})?$/, 'must be an amount of the cash token as a decimal string, e.g. "10000"')
    .refine((value) => Number(value) > 0, { message: "must be more than 0", params: { rule: "amount_not_positive" } })
    .nullable()
    .openapi({ description: `Paper portfolios: the virtual cash they start with (default ${DEFAULT_PAPER_CAPITAL})` }),
  futures: FuturesSettings.nullable().openapi({ description: "Required for `futures`, null for `spot`" }),
  risk: RiskLimits,
};

export const CreatePortfolio = z
  .object({
    ...configFields,
    exchangeKeyId: z.string().min(1).max(64).openapi({ description: "Venue and environment follow from the key" }),
    market: PortfolioMarket,
    decisionSource: DecisionSource.default({ provider: "builtin" }),
    instructions: configFields.instructions.default(""),
    executionMode: ExecutionMode.default("automatic"),
    paper: configFields.paper.default(false),
    paperCapital: configFields.paperCapital.default(null),
    futures: configFields.futures.default(null),
    risk: RiskLimits.default({ maxOrderPct: null, maxExposurePct: null, maxDailyLossPct: null, maxDrawdownPct: null }),
  })
  .openapi("CreatePortfolio");
export type CreatePortfolio = z.infer<typeof CreatePortfolio>;

/** Any subset of the settings; the key and the market are fixed once created (create another portfolio instead). */
export const UpdatePortfolio = z
  .object({
    name: configFields.name.optional(),
    cashToken: configFields.cashToken.optional(),
    tokens: configFields.tokens.optional(),
    reviewInterval: configFields.reviewInterval.optional(),
    decisionSource: configFields.decisionSource.optional(),
    instructions: configFields.instructions.optional(),
    executionMode: configFields.executionMode.optional(),
    paper: configFields.paper.optional(),
    paperCapital: configFields.paperCapital.optional(),
    futures: configFields.futures.optional(),
    risk: RiskLimits.optional(),
  })
  .openapi("UpdatePortfolio");
export type UpdatePortfolio = z.infer<typeof UpdatePortfolio>;

/** Failed reviews in a row that pause a portfolio. */
export const PAUSE_AFTER_FAILED_RUNS = 3;

export const PortfolioPerformance = z
  .object({
    equity: z.string().openapi({ description: "Value in the cash token (decimal string)" }),
    pnl: z.string().openapi({ description: "Equity minus the starting equity, in the cash token" }),
    pnlPct: z.string().openapi({ description: "PnL as a percentage of the starting equity" }),
    funding: z.string().nullable().openapi({
      description:
        "Futures: funding received minus funding paid since start, in the cash token (already in equity and pnl); null for spot",
    }),
    at: z.iso.datetime(),
  })
  .openapi("PortfolioPerformance");
export type PortfolioPerformance = z.infer<typeof PortfolioPerformance>;

export const Portfolio = z
  .object({
    id: z.string(),
    exchangeKeyId: z.string(),
    venue: Venue,
    market: PortfolioMarket,
    ...configFields,
    status: PortfolioStatus,
    statusReason: z.string().nullable().openapi({ description: "Why it was paused (or stopped by Ballast)" }),
    statusReasonCode: StatusReasonCode.nullable(),
    statusReasonMessage: engineMessageOrNull("`statusReason` as a code with parameters; null when set before codes"),
    clientOrderIdPrefix: z
      .string()
      .openapi({ description: "Every order this portfolio places has a client order id starting with this" }),
    startingEquity: z
      .string()
      .nullable()
      .openapi({ description: "Equity in the cash token when last started (decimal string)" }),
    startedAt: z.iso.datetime().nullable(),
    performance: PortfolioPerformance.nullable().openapi({ description: "Null until the first valuation" }),
    nextRunAt: z.iso.datetime().nullable().openapi({ description: "When the next scheduled review is due" }),
    lastRunAt: z.iso.datetime().nullable(),
    failedRunsInARow: z
      .number()
      .int()
      .openapi({ description: `Consecutive failed reviews; ${PAUSE_AFTER_FAILED_RUNS} pause the portfolio` }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Portfolio");
export type Portfolio = z.infer<typeof Portfolio>;

/** What a dashboard row needs beyond the portfolio itself, read for the whole page at once (no request per row). */
export const PortfolioGlance = z
  .object({
    pnlToday: z.string().nullable().openapi({
      description:
        "Equity minus the equity at the start of the UTC day (the daily loss limit's baseline: the starting equity when started today), in the cash token; null until valued",
    }),
    exposurePct: z.string().nullable().openapi({
      description:
        "Share of equity at risk at the last review, in percent: spot, the tokens' value; futures, the positions' absolute notional (above 100 with leverage); null before the first review",
    }),
    openPositions: z
      .number()
      .int()
      .openapi({ description: "Spot: tokens the portfolio holds; futures: its open positions (from its ledger)" }),
    openOrders: z
      .number()
      .int()
      .openapi({ description: "Orders that can still change (being sent, open, partly filled, unconfirmed)" }),
    awaitingApproval: z
      .number()
      .int()
      .openapi({ description: "Orders a review planned that wait for the owner's approval (manual mode)" }),
  })
  .openapi("PortfolioGlance");
export type PortfolioGlance = z.infer<typeof PortfolioGlance>;

export const PortfolioListItem = Portfolio.extend({ glance: PortfolioGlance }).openapi("PortfolioListItem");
export type PortfolioListItem = z.infer<typeof PortfolioListItem>;

export const PortfolioListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional().openapi({ description: "`nextCursor` of the previous page" }),
  status: PortfolioStatus.optional().openapi({ description: "Only this status (deleted ones only when asked)" }),
});

export const PortfolioList = z
  .object({ portfolios: z.array(PortfolioListItem), nextCursor: z.string().nullable() })
  .openapi("PortfolioList");

export const PortfolioParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const CanceledOrder = z.object({ symbol: z.string(), clientOrderId: z.string() });
export const ClosedPortfolioPosition = z.object({
  symbol: z.string(),
  positionSide: z.enum(["both", "long", "short"]),
  quantity: z.string(),
  clientOrderId: z.string(),
});

export const PortfolioActionResult = z
  .object({
    portfolio: Portfolio,
    canceledOrders: z.array(CanceledOrder),
    closedPositions: z.array(ClosedPortfolioPosition),
  })
  .openapi("PortfolioActionResult");
export type PortfolioActionResult = z.infer<typeof PortfolioActionResult>;
