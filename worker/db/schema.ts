import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import {
  DELIVERY_STATUSES,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_EVENTS,
  NOTIFICATION_LANGUAGES,
} from "../../shared/api/notifications.ts";
import { ORDER_STATUSES } from "../../shared/api/portfolio-orders.ts";
import { RUN_STATUSES, RUN_STEPS, RUN_TRIGGERS } from "../../shared/api/portfolio-runs.ts";
import { REASONING_EFFORTS, STATUS_REASON_CODES } from "../../shared/api/portfolios.ts";

/** Liveness marks of background work (the cron sweeper), shown by /api/health. */
export const heartbeats = sqliteTable("heartbeats", {
  name: text("name").primaryKey(),
  lastRunAt: integer("last_run_at", { mode: "timestamp_ms" }).notNull(),
  runs: integer("runs").notNull().default(0),
});

const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull();

/** People who sign in. Only the ADMIN_EMAILS become admins (being first grants nothing). */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  googleSub: text("google_sub").unique(),
  role: text("role", { enum: ["user", "admin"] })
    .notNull()
    .default("user"),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  createdAt: createdAt(),
  // The TOTP secret is sealed (AES-GCM); it is pending until the first valid code enables 2FA.
  totpSecretSealed: text("totp_secret_sealed"),
  totpKeyVersion: integer("totp_key_version"),
  totpEnabled: integer("totp_enabled", { mode: "boolean" }).notNull().default(false),
  // The last accepted time step: a code for this step or an earlier one is never accepted again.
  totpLastStep: integer("totp_last_step"),
  // User setting: with 2FA on, order-creating and futures-setting actions need a recent 2FA code too.
  twoFactorForTrading: integer("two_factor_for_trading", { mode: "boolean" }).notNull().default(false),
});

/** Browser sessions: only the SHA-256 of the cookie token is stored. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    // Set by a fresh 2FA code: sensitive actions are allowed until then.
    elevatedUntil: integer("elevated_until", { mode: "timestamp_ms" }),
    userAgent: text("user_agent"),
  },
  (table) => [index("sessions_user_idx").on(table.userId)],
);

/** Personal API tokens (Authorization: Bearer): only the SHA-256 of the token is stored. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    scopes: text("scopes").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  },
  (table) => [index("api_tokens_user_idx").on(table.userId)],
);

/** One-time 2FA recovery codes, stored as SHA-256. */
export const recoveryCodes = sqliteTable(
  "recovery_codes",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
  },
  (table) => [primaryKey({ columns: [table.userId, table.codeHash] })],
);

/** Exchange API keys: key and secret sealed together; only their last 4 characters are kept in clear. */
export const exchangeKeys = sqliteTable(
  "exchange_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    venue: text("venue", { enum: ["binance", "bybit"] }).notNull(),
    environment: text("environment", { enum: ["live", "testnet", "demo", "custom"] }).notNull(),
    // `custom` only: each market's base URL (Binance splits spot and futures hosts; a Bybit key has the same in
    // both). Null: the key cannot use that market.
    spotBaseUrl: text("spot_base_url"),
    linearBaseUrl: text("linear_base_url"),
    label: text("label").notNull(),
    sealed: text("sealed").notNull(),
    keyVersion: integer("key_version").notNull(),
    apiKeyLast4: text("api_key_last4").notNull(),
    apiSecretLast4: text("api_secret_last4").notNull(),
    // "unverified" keys must not be used for trading until a verification succeeds.
    status: text("status", { enum: ["verified", "unverified"] }).notNull(),
    canTrade: integer("can_trade", { mode: "boolean" }),
    canWithdraw: integer("can_withdraw", { mode: "boolean" }),
    spot: integer("spot", { mode: "boolean" }),
    futures: integer("futures", { mode: "boolean" }),
    verifiedAt: integer("verified_at", { mode: "timestamp_ms" }),
    // What verification could not read and inferred instead (e.g. demo sites that do not report permissions).
    verificationNote: text("verification_note"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [uniqueIndex("exchange_keys_user_venue_label").on(table.userId, table.venue, table.label)],
);

/** AI provider keys, one per user and provider, sealed like exchange keys. */
export const aiKeys = sqliteTable(
  "ai_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: ["openai", "groq"] }).notNull(),
    // Another endpoint speaking the provider's protocol (worker/keys/ai-base-url.ts); null: the provider's own.
    baseUrl: text("base_url"),
    sealed: text("sealed").notNull(),
    keyVersion: integer("key_version").notNull(),
    apiKeyLast4: text("api_key_last4").notNull(),
    status: text("status", { enum: ["verified", "unverified"] }).notNull(),
    verifiedAt: integer("verified_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [uniqueIndex("ai_keys_user_provider").on(table.userId, table.provider)],
);

/**
 * An administrator's AI key lent to a user with a monthly budget in USD: the user's portfolios may decide with it,
 * never seeing it. Spend is the sum of the cost of runs and AI replays that used the share in the calendar month
 * (UTC). Revoking deletes the row, and a review that finds no share no longer uses the key.
 */
export const aiKeyShares = sqliteTable(
  "ai_key_shares",
  {
    id: text("id").primaryKey(),
    aiKeyId: text("ai_key_id")
      .notNull()
      .references(() => aiKeys.id, { onDelete: "cascade" }),
    adminId: text("admin_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    monthlyBudgetUsd: text("monthly_budget_usd").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [
    uniqueIndex("ai_key_shares_key_user").on(table.aiKeyId, table.userId),
    index("ai_key_shares_user_idx").on(table.userId),
  ],
);

/**
 * A user's notification channels, one per kind (worker/notifications/). The secret parts (webhook secret, bot token
 * and its webhook secret token, push subscription keys) are sealed like exchange keys; `target` holds what may be
 * shown (the URL, the chat id, the push service's host).
 */
export const notificationChannels = sqliteTable(
  "notification_channels",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    channel: text("channel", { enum: NOTIFICATION_CHANNELS }).notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    // JSON array of NotificationEvent.
    events: text("events").notNull(),
    // The language its messages are written in.
    language: text("language", { enum: NOTIFICATION_LANGUAGES }).notNull().default("en"),
    target: text("target").notNull(),
    sealed: text("sealed").notNull(),
    keyVersion: integer("key_version").notNull(),
    secretLast4: text("secret_last4").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [uniqueIndex("notification_channels_user_channel").on(table.userId, table.channel)],
);

/**
 * The notification outbox: one row per (event, channel), inserted where the event happens (never blocking it) and
 * delivered by the cron with exponential backoff. The key makes enqueueing and delivery idempotent.
 */
export const notificationOutbox = sqliteTable(
  "notification_outbox",
  {
    eventKey: text("event_key").notNull(),
    channel: text("channel", { enum: NOTIFICATION_CHANNELS }).notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type", { enum: NOTIFICATION_EVENTS }).notNull(),
    // JSON NotificationParams.
    params: text("params").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    lastError: text("last_error"),
    createdAt: createdAt(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
  },
  (table) => [
    primaryKey({ columns: [table.eventKey, table.channel] }),
    index("notification_outbox_due_idx").on(table.status, table.nextAttemptAt),
    index("notification_outbox_user_created_idx").on(table.userId, table.createdAt),
  ],
);

/**
 * Idempotency-Key records of order-creating requests: the first answer is stored and replayed for the same key and
 * request; `requestHash` is the SHA-256 of method, path and body, so reusing a key for another request is refused.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: text("status", { enum: ["pending", "done"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.key] })],
);

/**
 * Portfolios: one row each. The 1-8 tokens live in a zod-validated JSON column (PortfolioToken in shared/api/portfolios.ts)
 * because they are always read and written with their portfolio, one row update keeps them consistent without a
 * batch, and no query ever filters on a single token. Money and percentages are decimal strings.
 */
export const portfolios = sqliteTable(
  "portfolios",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // No foreign key: a deleted key pauses its portfolios (PortfolioControl), which keep its id for the record.
    exchangeKeyId: text("exchange_key_id").notNull(),
    venue: text("venue", { enum: ["binance", "bybit"] }).notNull(),
    name: text("name").notNull(),
    market: text("market", { enum: ["spot", "futures"] }).notNull(),
    cashToken: text("cash_token", { enum: ["USDT", "USDC"] }).notNull(),
    tokens: text("tokens").notNull(),
    reviewInterval: text("review_interval").notNull(),
    decisionProvider: text("decision_provider", { enum: ["builtin", "openai", "groq"] }).notNull(),
    model: text("model"),
    // AI options the engine sends with each decision request; null effort: the model's default.
    reasoningEffort: text("reasoning_effort", { enum: REASONING_EFFORTS }),
    webSearch: integer("web_search", { mode: "boolean" }).notNull().default(false),
    // USD per calendar month (UTC); reached, reviews use the built-in strategy.
    aiSpendCapUsd: text("ai_spend_cap_usd"),
    // An administrator's key shared with the owner (ai_key_shares), instead of the owner's own key. No foreign key:
    // a revoked share leaves its id here, and reviews then fall back to the built-in strategy with a note.
    aiShareId: text("ai_share_id"),
    instructions: text("instructions").notNull().default(""),
    executionMode: text("execution_mode", { enum: ["automatic", "manual_approval"] }).notNull(),
    paper: integer("paper", { mode: "boolean" }).notNull().default(false),
    positionMode: text("position_mode", { enum: ["one_way", "hedge"] }),
    marginMode: text("margin_mode", { enum: ["cross", "isolated"] }),
    maxLeverage: integer("max_leverage"),
    maxOrderPct: text("max_order_pct"),
    maxExposurePct: text("max_exposure_pct"),
    maxDailyLossPct: text("max_daily_loss_pct"),
    maxDrawdownPct: text("max_drawdown_pct"),
    status: text("status", { enum: ["draft", "active", "paused", "stopped", "deleted"] }).notNull(),
    statusReason: text("status_reason"),
    // Why Ballast paused or stopped it, for the UI to say in the owner's language (statusReason has the details).
    statusReasonCode: text("status_reason_code", { enum: STATUS_REASON_CODES }),
    // statusReason as a code with JSON parameters (shared/api/engine-messages.ts), for the UI to word it.
    statusMessageCode: text("status_message_code"),
    statusMessageParams: text("status_message_params"),
    startingEquity: text("starting_equity"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    // Paper portfolios start with this much of the cash token in a virtual account (worker/exchanges/paper).
    paperCapital: text("paper_capital"),
    // What the portfolio owns (PortfolioLedger, worker/portfolios/ledger.ts): claimed at start, then moved only by
    // its own fills, so deposits, withdrawals and manual trades on the same key never show up as its PnL.
    ledger: text("ledger"),
    // Latest valuation and the highest since start (for the drawdown limit), in the cash token.
    equity: text("equity"),
    equityAt: integer("equity_at", { mode: "timestamp_ms" }),
    peakEquity: text("peak_equity"),
    // Share of equity at risk at the last review (spot: tokens, futures: |notional|), in percent, for the dashboard.
    exposurePct: text("exposure_pct"),
    // Mirrors of the Durable Object's schedule, read by the cron safety net and shown to the owner.
    nextRunAt: integer("next_run_at", { mode: "timestamp_ms" }),
    lastRunAt: integer("last_run_at", { mode: "timestamp_ms" }),
    failedRunsInARow: integer("failed_runs_in_a_row").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
  },
  (table) => [
    index("portfolios_user_created_idx").on(table.userId, table.createdAt, table.id),
    index("portfolios_key_status_idx").on(table.exchangeKeyId, table.status),
    index("portfolios_status_next_run_idx").on(table.status, table.nextRunAt),
  ],
);

/**
 * Review runs: the journal of one review. The portfolio's Durable Object is the only writer; `step` is where a
 * restarted object resumes, and every step's output is saved before the next one starts (the built-in strategy's
 * decision, made again the same if lost, with the plan). JSON columns hold the decision input, the prompt, the
 * provider's raw answer and the decision as they were.
 */
export const portfolioRuns = sqliteTable(
  "portfolio_runs",
  {
    id: text("id").primaryKey(),
    portfolioId: text("portfolio_id")
      .notNull()
      .references(() => portfolios.id, { onDelete: "cascade" }),
    // 1, 2, 3… per portfolio: short enough for client order ids (portfolio, run, leg).
    seq: integer("seq").notNull(),
    trigger: text("trigger", { enum: RUN_TRIGGERS }).notNull(),
    status: text("status", { enum: RUN_STATUSES }).notNull(),
    step: text("step", { enum: RUN_STEPS }).notNull(),
    requestedAt: integer("requested_at", { mode: "timestamp_ms" }).notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    provider: text("provider"),
    model: text("model"),
    promptVersion: text("prompt_version"),
    input: text("input"),
    prompt: text("prompt"),
    rawResponse: text("raw_response"),
    decision: text("decision"),
    summary: text("summary"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    // Ballast's own summary and error as codes with JSON parameters (shared/api/engine-messages.ts), and the
    // built-in strategy's rationale lines as a JSON list of such messages; null when the AI wrote the summary.
    summaryCode: text("summary_code"),
    summaryParams: text("summary_params"),
    rationaleMessages: text("rationale_messages"),
    errorMessageCode: text("error_message_code"),
    errorMessageParams: text("error_message_params"),
    usage: text("usage"),
    // The AI's cost for this run (also when the built-in strategy decided after the AI failed), for spend caps.
    costUsd: text("cost_usd"),
    // The reasoning effort and web search sent with the AI request (JSON), null when no AI was asked.
    aiOptions: text("ai_options"),
    // Why the built-in strategy decided instead of the portfolio's AI (JSON: provider, model, code, message).
    fallback: text("fallback"),
    // The shared AI key the run's AI request used: its cost counts toward the share's monthly budget.
    aiShareId: text("ai_share_id"),
    // Milliseconds per step, and notes (stops updates, cancellations) as JSON.
    durations: text("durations"),
    notes: text("notes"),
    // Futures HOLD decisions that move an open position's SL/TP, saved by "plan" and carried out by "place".
    plannedStops: text("planned_stops"),
    // The prices "plan" priced the orders at (JSON: symbol → ticker), so a what-if replay plans with the same ones.
    planTickers: text("plan_tickers"),
    equityBefore: text("equity_before"),
    equityAfter: text("equity_after"),
  },
  (table) => [
    uniqueIndex("portfolio_runs_seq").on(table.portfolioId, table.seq),
    index("portfolio_runs_portfolio_requested_idx").on(table.portfolioId, table.requestedAt, table.id),
    index("portfolio_runs_ai_share_requested_idx").on(table.aiShareId, table.requestedAt),
  ],
);

/**
 * What each what-if replay decided by the portfolio's AI cost (worker/portfolios/replay-spend.ts): a replay saves
 * nothing else, but its tokens were billed, so they count toward the portfolio's monthly AI spend cap and the shared
 * key's budget with the runs' own cost.
 */
export const aiReplaySpend = sqliteTable(
  "ai_replay_spend",
  {
    id: text("id").primaryKey(),
    portfolioId: text("portfolio_id")
      .notNull()
      .references(() => portfolios.id, { onDelete: "cascade" }),
    // The review replayed; no reference, so the spend stays even if the run goes.
    runId: text("run_id").notNull(),
    // The shared AI key the request used, like portfolio_runs.ai_share_id (kept after a revocation).
    aiShareId: text("ai_share_id"),
    requestedAt: integer("requested_at", { mode: "timestamp_ms" }).notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    // Token counts as the run keeps them (JSON), and the estimated cost; null when the model has no known price.
    usage: text("usage").notNull(),
    costUsd: text("cost_usd"),
  },
  (table) => [
    index("ai_replay_spend_portfolio_requested_idx").on(table.portfolioId, table.requestedAt),
    index("ai_replay_spend_share_requested_idx").on(table.aiShareId, table.requestedAt),
  ],
);

/**
 * Every order a portfolio planned, placed or refused. The client order id is derived from (portfolio, run, leg) and
 * saved with status `planned` before anything is sent, so a retry finds it instead of placing a second order.
 * `broker` is the venue, or `paper` for the paper broker, so later cancels and syncs go through the one that placed it.
 */
export const portfolioOrders = sqliteTable(
  "portfolio_orders",
  {
    id: text("id").primaryKey(),
    portfolioId: text("portfolio_id")
      .notNull()
      .references(() => portfolios.id, { onDelete: "cascade" }),
    runId: text("run_id"),
    leg: integer("leg").notNull(),
    clientOrderId: text("client_order_id").notNull(),
    venue: text("venue", { enum: ["binance", "bybit"] }).notNull(),
    paper: integer("paper", { mode: "boolean" }).notNull(),
    market: text("market", { enum: ["spot", "linear"] }).notNull(),
    symbol: text("symbol").notNull(),
    action: text("action").notNull(),
    side: text("side", { enum: ["buy", "sell"] }).notNull(),
    type: text("type", { enum: ["market", "limit"] }).notNull(),
    quantity: text("quantity").notNull(),
    price: text("price"),
    reduceOnly: integer("reduce_only", { mode: "boolean" }).notNull().default(false),
    positionSide: text("position_side", { enum: ["both", "long", "short"] })
      .notNull()
      .default("both"),
    leverage: integer("leverage"),
    stopLoss: text("stop_loss"),
    takeProfit: text("take_profit"),
    stopsStatus: text("stops_status", { enum: ["none", "pending", "placed", "failed"] })
      .notNull()
      .default("none"),
    stopsError: text("stops_error"),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    reason: text("reason"),
    // The reason as a code with JSON parameters (shared/api/engine-messages.ts), for the UI to word it.
    reasonCode: text("reason_code"),
    reasonParams: text("reason_params"),
    exchangeOrderId: text("exchange_order_id"),
    filledQuantity: text("filled_quantity").notNull().default("0"),
    averagePrice: text("average_price"),
    // Final, and its recorded fills add up to its filled quantity: recording trades no longer reads it, or its fills,
    // outside the recent window it re-reads (worker/portfolios/trade-window.ts), so that read stays short.
    fillsComplete: integer("fills_complete", { mode: "boolean" }).notNull().default(false),
    notionalUsd: text("notional_usd"),
    // The planned intent and the model's item, for the run log.
    intent: text("intent"),
    createdAt: createdAt(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [
    uniqueIndex("portfolio_orders_client_id").on(table.portfolioId, table.clientOrderId),
    index("portfolio_orders_run_idx").on(table.runId, table.leg),
    index("portfolio_orders_portfolio_status_idx").on(table.portfolioId, table.status, table.createdAt),
    index("portfolio_orders_status_idx").on(table.status),
    index("portfolio_orders_trades_idx").on(table.portfolioId, table.symbol, table.fillsComplete),
    index("portfolio_orders_symbol_updated_idx").on(table.portfolioId, table.symbol, table.updatedAt),
  ],
);

/** Executions of a portfolio's orders, one row per venue trade; a trade is recorded once (unique trade id). */
export const portfolioFills = sqliteTable(
  "portfolio_fills",
  {
    id: text("id").primaryKey(),
    portfolioId: text("portfolio_id")
      .notNull()
      .references(() => portfolios.id, { onDelete: "cascade" }),
    // Our order's id, or "external" for a trade no order of ours made (a venue-triggered SL/TP).
    orderId: text("order_id").notNull(),
    clientOrderId: text("client_order_id").notNull(),
    exchangeOrderId: text("exchange_order_id").notNull(),
    tradeId: text("trade_id").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side", { enum: ["buy", "sell"] }).notNull(),
    price: text("price").notNull(),
    quantity: text("quantity").notNull(),
    fee: text("fee").notNull(),
    feeAsset: text("fee_asset").notNull(),
    maker: integer("maker", { mode: "boolean" }).notNull(),
    time: integer("time", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [
    // A venue's trade ids are unique per symbol: each trade moves the ledger once.
    uniqueIndex("portfolio_fills_trade").on(table.portfolioId, table.symbol, table.tradeId),
    index("portfolio_fills_portfolio_time_idx").on(table.portfolioId, table.time),
    index("portfolio_fills_symbol_time_idx").on(table.portfolioId, table.symbol, table.time),
  ],
);

/**
 * Funding fees booked into a futures portfolio's ledger, once per venue payment (its id on the venue). `amount` is the
 * portfolio's share of the venue's `venueAmount` (negative = paid).
 */
export const portfolioFunding = sqliteTable(
  "portfolio_funding",
  {
    portfolioId: text("portfolio_id")
      .notNull()
      .references(() => portfolios.id, { onDelete: "cascade" }),
    venueId: text("venue_id").notNull(),
    runId: text("run_id"),
    symbol: text("symbol").notNull(),
    asset: text("asset").notNull(),
    venueAmount: text("venue_amount").notNull(),
    amount: text("amount").notNull(),
    time: integer("time", { mode: "timestamp_ms" }).notNull(),
    bookedAt: integer("booked_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.portfolioId, table.venueId] }),
    index("portfolio_funding_time_idx").on(table.portfolioId, table.time),
  ],
);

/**
 * Risk alerts the sync between reviews found (a futures stop-loss at or near its liquidation price): one row per
 * (portfolio, code, symbol) while the condition lasts, `resolvedAt` set once it no longer holds. `params` is JSON the
 * UI (and notifications) render with the code's text.
 */
export const portfolioAlerts = sqliteTable(
  "portfolio_alerts",
  {
    id: text("id").primaryKey(),
    portfolioId: text("portfolio_id")
      .notNull()
      .references(() => portfolios.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    symbol: text("symbol").notNull(),
    params: text("params").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    seenAt: integer("seen_at", { mode: "timestamp_ms" }).notNull(),
    resolvedAt: integer("resolved_at", { mode: "timestamp_ms" }),
  },
  (table) => [index("portfolio_alerts_portfolio_idx").on(table.portfolioId, table.resolvedAt, table.createdAt)],
);

/** The equity curve: the portfolio's value in its cash token after each run (and at start). */
export const equitySnapshots = sqliteTable(
  "equity_snapshots",
  {
    portfolioId: text("portfolio_id")
      .notNull()
      .references(() => portfolios.id, { onDelete: "cascade" }),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    equity: text("equity").notNull(),
    pnl: text("pnl").notNull(),
    runId: text("run_id"),
  },
  (table) => [primaryKey({ columns: [table.portfolioId, table.at] })],
);

/**
 * Headlines read from the news feeds by the cron (worker/market/news/). One story once: by its canonical link and by
 * its normalized title (the same story on two feeds). Pruned by age and a row cap.
 */
export const newsItems = sqliteTable(
  "news_items",
  {
    id: text("id").primaryKey(),
    link: text("link").notNull(),
    titleKey: text("title_key").notNull(),
    title: text("title").notNull(),
    // The feed's host, e.g. "www.coindesk.com".
    source: text("source").notNull(),
    // " BTC ETH ": the tokens it mentions, space-delimited with a space at both ends; " " for market-wide news.
    tokens: text("tokens").notNull(),
    // Keyword headline score, −1 (bearish) … +1 (bullish).
    score: real("score").notNull(),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }).notNull(),
    fetchedAt: integer("fetched_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [
    uniqueIndex("news_items_link").on(table.link),
    uniqueIndex("news_items_title_key").on(table.titleKey),
    index("news_items_published_idx").on(table.publishedAt),
  ],
);

/** alternative.me's Fear & Greed readings (one per day it publishes), a short history. */
export const fearGreedReadings = sqliteTable("fear_greed_readings", {
  // The reading's own timestamp (the day it is for).
  at: integer("at", { mode: "timestamp_ms" }).primaryKey(),
  value: integer("value").notNull(),
  classification: text("classification").notNull(),
  fetchedAt: integer("fetched_at", { mode: "timestamp_ms" }).notNull(),
});

/** The tokens the venues list (base assets of their markets), cached for tagging headlines. */
export const newsTokenCatalog = sqliteTable("news_token_catalog", {
  id: text("id").primaryKey(),
  // Space-delimited base assets.
  tokens: text("tokens").notNull(),
  refreshedAt: integer("refreshed_at", { mode: "timestamp_ms" }).notNull(),
});
