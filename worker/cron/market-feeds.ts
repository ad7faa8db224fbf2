import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { claimPeriodicJob } from "../db/news.ts";
import type { Logger } from "../http/logger.ts";
import { ingestNews } from "../market/news/news-ingest.ts";
import { tokenCatalog } from "../market/news/token-catalog.ts";
import { refreshFearGreed } from "../market/sentiment/fear-greed.ts";

export const NEWS_JOB = "news";
export const FEAR_GREED_JOB = "fear-greed";
export const NEWS_EVERY_MS = 10 * 60_000;
export const FEAR_GREED_EVERY_MS = 60 * 60_000;

export type MarketFeedsResult = { news: "skipped" | "read" | "failed"; fearGreed: "skipped" | "read" | "failed" };

/**
 * The cron's news and sentiment reads: news every 10 minutes, Fear & Greed hourly, each claimed for the tick's
 * scheduled time first (so a repeated or late tick does not read twice). A failure is a log line; nothing throws.
 */
export async function readMarketFeeds(db: Database, config: Config, log: Logger, at: Date): Promise<MarketFeedsResult> {
  const [news, fearGreed] = await Promise.all([readNews(db, config, log, at), readFearGreed(db, config, log, at)]);
  return { news, fearGreed };
}

async function readNews(db: Database, config: Config, log: Logger, at: Date): Promise<MarketFeedsResult["news"]> {
  if (config.news.feeds.length === 0) return "skipped";
  try {
    if (!(await claimPeriodicJob(db, NEWS_JOB, at, NEWS_EVERY_MS))) return "skipped";
    const tokens = await tokenCatalog({
      db,
      extraHosts: config.exchangeExtraHosts,
      timeoutMs: config.exchangeTimeoutMs,
      log,
      now: at,
    });
    const result = await ingestNews({
      db,
      feeds: config.news.feeds,
      extraHosts: config.exchangeExtraHosts,
      tokens,
      timeoutMs: config.news.timeoutMs,
      log,
      now: at,
    });
    log.info("news read", { feeds: result.feeds, pruned: result.pruned, tokens: tokens.size });
    return "read";
  } catch (error) {
    log.warn("news read failed", { reason: error instanceof Error ? error.message.slice(0, 200) : "failed" });
    return "failed";
  }
}

async function readFearGreed(db: Database, config: Config, log: Logger, at: Date): Promise<MarketFeedsResult["news"]> {
  const baseUrl = config.news.fearGreedUrl;
  if (!baseUrl) return "skipped";
  try {
    if (!(await claimPeriodicJob(db, FEAR_GREED_JOB, at, FEAR_GREED_EVERY_MS))) return "skipped";
    const reading = await refreshFearGreed({
      db,
      baseUrl,
      extraHosts: config.exchangeExtraHosts,
      timeoutMs: config.news.timeoutMs,
      now: at,
    });
    log.info("fear and greed read", reading);
    return "read";
  } catch (error) {
    log.warn("fear and greed read failed", { reason: error instanceof Error ? error.message.slice(0, 200) : "failed" });
    return "failed";
  }
}
