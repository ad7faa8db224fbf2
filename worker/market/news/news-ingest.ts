import type { Database } from "../../db/client.ts";
import { insertNewsItems, type NewsItemRow, pruneNewsItems } from "../../db/news.ts";
import type { Logger } from "../../http/logger.ts";
import { FeedFetchError, fetchFeedText } from "../feed-fetch.ts";
import { checkedFeedUrl } from "../feed-url.ts";
import { type FeedItem, parseFeed } from "./feed-parser.ts";
import { headlineScore } from "./headline-score.ts";
import { tagTokens } from "./token-tagger.ts";

/**
 * Reads every configured feed once, each on its own: a feed that is refused by the host policy, unreachable, slow,
 * too big or not a feed, and an item without a title or link, is skipped with a log line and the rest go on.
 * Headlines without any token are kept as market-wide news (regulation, macro, an exchange's outage move every
 * token); what is older than the retention is not stored. Nothing here throws.
 */

export const NEWS_RETENTION_MS = 7 * 24 * 3_600_000;
export const NEWS_MAX_ROWS = 2_000;
const FEED_MAX_BYTES = 2 * 1024 * 1024;
/** A date this far ahead of the fetch is a feed's clock or time zone error: the item counts as published now. */
const FUTURE_SLACK_MS = 10 * 60_000;

export type NewsIngestDeps = {
  db: Database;
  feeds: readonly string[];
  extraHosts: readonly string[];
  tokens: ReadonlySet<string>;
  timeoutMs: number;
  log: Logger;
  now: Date;
};

export type FeedOutcome = { feed: string; items: number; stored: number; skipped: number; error?: string };

export async function ingestNews(deps: NewsIngestDeps): Promise<{ feeds: FeedOutcome[]; pruned: number }> {
  const feeds = await Promise.all(deps.feeds.map((feed) => ingestFeed(deps, feed)));
  let pruned = 0;
  try {
    pruned = await pruneNewsItems(deps.db, new Date(deps.now.getTime() - NEWS_RETENTION_MS), NEWS_MAX_ROWS);
  } catch (error) {
    deps.log.warn("news prune failed", { reason: reasonOf(error) });
  }
  return { feeds, pruned };
}

async function ingestFeed(deps: NewsIngestDeps, feed: string): Promise<FeedOutcome> {
  const checked = checkedFeedUrl(feed, deps.extraHosts);
  if ("refused" in checked) return skippedFeed(deps.log, loggableUrl(feed), `refused: ${checked.refused}`);
  const name = checked.url.host;
  try {
    const xml = await fetchFeedText(checked.url, {
      timeoutMs: deps.timeoutMs,
      maxBytes: FEED_MAX_BYTES,
      accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9",
    });
    const parsed = parseFeed(xml);
    if (parsed.format === "unknown") return skippedFeed(deps.log, name, "not an RSS or Atom document");
    for (const line of parsed.skipped) deps.log.warn("news item skipped", { feed: name, reason: line });
    const rows = await Promise.all(parsed.items.map((item) => toRow(item, checked.url.host, deps)));
    const fresh = rows.filter((row): row is NewsItemRow => row !== null);
    const stored = await insertNewsItems(deps.db, fresh);
    return { feed: name, items: parsed.items.length, stored, skipped: parsed.skipped.length };
  } catch (error) {
    return skippedFeed(deps.log, name, reasonOf(error));
  }
}

function skippedFeed(log: Logger, feed: string, reason: string): FeedOutcome {
  log.warn("news feed skipped", { feed, reason });
  return { feed, items: 0, stored: 0, skipped: 0, error: reason };
}

async function toRow(item: FeedItem, source: string, deps: NewsIngestDeps): Promise<NewsItemRow | null> {
  const now = deps.now.getTime();
  const published = item.publishedAt === null || item.publishedAt > now + FUTURE_SLACK_MS ? now : item.publishedAt;
  if (published < now - NEWS_RETENTION_MS) return null;
  const tokens = tagTokens(`${item.title} ${item.summary}`, deps.tokens);
  return {
    id: await idOf(item.guid),
    link: item.link,
    titleKey: titleKey(item.title),
    title: item.title,
    source,
    tokens: tokens.length ? ` ${tokens.join(" ")} ` : " ",
    score: headlineScore(item.title),
    publishedAt: new Date(Math.min(published, now)),
    fetchedAt: deps.now,
  };
}

/** The same story on two feeds: letters and digits only, lower case. */
export function titleKey(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

async function idOf(guid: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(guid));
  return [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A refused feed URL as it may be logged: without credentials or query (they may hold secrets), bounded. */
function loggableUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`.slice(0, 200);
  } catch {
    return "(not a URL)";
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof FeedFetchError) return error.message;
  return error instanceof Error ? error.message.slice(0, 200) : "failed";
}
