import * as z from "zod";
import { createKeyring } from "./keys/keyring.ts";

const flag = z
  .enum(["true", "false", "1", "0", ""])
  .default("false")
  .transform((value) => value === "true" || value === "1");

const commaList = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean),
  );

const hours = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Well-known crypto news feeds (RSS 2.0), read by the cron when NEWS_FEEDS is not set; an empty value disables news. */
const DEFAULT_NEWS_FEEDS = [
  "https://www.coindesk.com/arc/outboundfeeds/rss/",
  "https://cointelegraph.com/rss",
  "https://decrypt.co/feed",
  "https://bitcoinist.com/feed/",
].join(",");

// URLs keep their case (paths are case-sensitive); at most 20, each checked against the host policy when fetched.
const urlList = z
  .string()
  .default(DEFAULT_NEWS_FEEDS)
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean)
      .slice(0, 20),
  );

/**
 * Settings are parsed once per Env object and passed down; nothing else reads `env.X` for settings.
 * Bindings (DB, ASSETS, Durable Objects) are read from `env` by the code that owns them.
 */
const ConfigSchema = z
  .object({
    APP_VERSION: z.string().default("0.0.0"),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    APP_ORIGIN: z.url().optional(),
    DEV_LOGIN: flag,
    ADMIN_EMAILS: commaList,
    GOOGLE_CLIENT_ID: z.string().default(""),
    GOOGLE_JWKS_URL: z.url().default("https://www.googleapis.com/oauth2/v3/certs"),
    SESSION_ABSOLUTE_HOURS: hours(24 * 30),
    SESSION_IDLE_HOURS: hours(24 * 7),
    // Secrets are read into a keyring closure so they never sit in a loggable object.
    MASTER_KEY: z.string().min(32, "MASTER_KEY must be at least 32 characters").optional(),
    MASTER_KEY_VERSION: z.coerce.number().int().positive().default(1),
    MASTER_KEY_PREVIOUS: z.string().default(""),
    OPENAI_BASE_URL: z.url().default("https://api.openai.com"),
    GROQ_BASE_URL: z.url().default("https://api.groq.com/openai"),
    // Reasoning models with web search can think for minutes; a hung call must still end the run.
    AI_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(180_000),
    AI_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(5).default(3),
    EXCHANGE_EXTRA_HOSTS: commaList,
    // How long an exchange request may take before it counts as unanswered (orders: an unknown outcome, looked up).
    EXCHANGE_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
    NEWS_FEEDS: urlList,
    // alternative.me's API origin; empty disables the Fear & Greed reading.
    FEAR_GREED_URL: z.union([z.url(), z.literal("")]).default("https://api.alternative.me"),
    // Per-request deadline of a feed read (body included); a slow feed is skipped until the next read.
    NEWS_TIMEOUT_MS: z.coerce.number().int().min(500).max(30_000).default(8_000),
    // Notifications: the Bot API's origin (the simulator serves it locally) and the Web Push VAPID key pair
    // (base64url: the 65-byte public point, the 32-byte private scalar); without both, Web Push is off.
    TELEGRAM_API_BASE_URL: z.url().default("https://api.telegram.org"),
    VAPID_PUBLIC_KEY: z.string().max(200).default(""),
    VAPID_PRIVATE_KEY: z.string().max(200).default(""),
    VAPID_SUBJECT: z.string().max(200).default("mailto:notifications@ballast.invalid"),
  })
  .transform((raw) => ({
    version: raw.APP_VERSION,
    logLevel: raw.LOG_LEVEL,
    appOrigin: raw.APP_ORIGIN ? new URL(raw.APP_ORIGIN).origin : null,
    auth: {
      devLogin: raw.DEV_LOGIN,
      adminEmails: raw.ADMIN_EMAILS,
      googleClientId: raw.GOOGLE_CLIENT_ID,
      googleJwksUrl: raw.GOOGLE_JWKS_URL,
      sessionAbsoluteMs: raw.SESSION_ABSOLUTE_HOURS * 3_600_000,
      sessionIdleMs: raw.SESSION_IDLE_HOURS * 3_600_000,
    },
    keyring: raw.MASTER_KEY ? createKeyring(raw.MASTER_KEY_VERSION, raw.MASTER_KEY, raw.MASTER_KEY_PREVIOUS) : null,
    aiBaseUrls: { openai: raw.OPENAI_BASE_URL, groq: raw.GROQ_BASE_URL },
    ai: {
      baseUrls: { openai: raw.OPENAI_BASE_URL, groq: raw.GROQ_BASE_URL },
      timeoutMs: raw.AI_TIMEOUT_MS,
      retry: { maxAttempts: raw.AI_MAX_ATTEMPTS, baseDelayMs: 1_000, maxDelayMs: 20_000 },
    },
    exchangeExtraHosts: raw.EXCHANGE_EXTRA_HOSTS,
    exchangeTimeoutMs: raw.EXCHANGE_TIMEOUT_MS,
    news: { feeds: raw.NEWS_FEEDS, fearGreedUrl: raw.FEAR_GREED_URL || null, timeoutMs: raw.NEWS_TIMEOUT_MS },
    notifications: {
      telegramBaseUrl: raw.TELEGRAM_API_BASE_URL.replace(/\/+$/, ""),
      vapid: vapidKeys(raw.VAPID_PUBLIC_KEY, raw.VAPID_PRIVATE_KEY, raw.VAPID_SUBJECT),
    },
  }));

/** The VAPID pair, held in a closure (like the master key) so a logged Config never shows the private half. */
function vapidKeys(publicKey: string, privateKey: string, subject: string) {
  if (!publicKey || !privateKey) return null;
  return { publicKey, subject, privateKey: () => privateKey };
}

export type Config = z.output<typeof ConfigSchema>;

const cache = new WeakMap<object, Config>();

export function readConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const config = ConfigSchema.parse(env);
  cache.set(env, config);
  return config;
}
