import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Liveness marks of background work (the cron sweeper), shown by /api/health. */
export const heartbeats = sqliteTable("heartbeats", {
  name: text("name").primaryKey(),
  lastRunAt: integer("last_run_at", { mode: "timestamp_ms" }).notNull(),
  runs: integer("runs").notNull().default(0),
});

const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull();

/** People who sign in. The first user and the ADMIN_EMAILS become admins. */
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
    baseUrl: text("base_url"),
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
    startingEquity: text("starting_equity"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
  },
  (table) => [
    index("portfolios_user_created_idx").on(table.userId, table.createdAt, table.id),
    index("portfolios_key_status_idx").on(table.exchangeKeyId, table.status),
  ],
);
