/**
 * The news feeds and the Fear & Greed reading the simulator serves: RSS 2.0 and Atom documents built from items a
 * test (or the demo) controls, each feed with an optional fault (broken, slow, malformed, truncated, redirect).
 */

export type FeedFormat = "rss" | "atom";
export type FeedFault =
  | { type: "broken"; status: number }
  | { type: "slow"; delayMs: number }
  | { type: "malformed" }
  | { type: "truncated" }
  | { type: "redirect" };

export type SimNewsItem = {
  title: string;
  link: string;
  guid?: string;
  publishedAt: number;
  description?: string;
  /** Raw XML put in place of the escaped title or description (CDATA, entities), as a feed might send it. */
  rawTitle?: string;
  rawDescription?: string;
};

export type SimFeed = { name: string; format: FeedFormat; items: SimNewsItem[]; fault: FeedFault | null };

export type FearGreedReading = { value: number; classification: string; timestamp: number };

export type SimNews = {
  feeds: Map<string, SimFeed>;
  fearGreed: FearGreedReading;
  fearGreedFault: FeedFault | null;
};

const HOUR = 3_600_000;

/** The demo's feeds: a few realistic headlines of the last hours, so a local review shows signals. */
export function createSimNews(now: number): SimNews {
  const feeds = new Map<string, SimFeed>();
  feeds.set("coindesk", {
    name: "coindesk",
    format: "rss",
    fault: null,
    items: [
      item("Bitcoin ETF inflows surge as BTC holds above key level", "coindesk", now - 0.5 * HOUR),
      item("Solana network upgrade goes live, validators report smooth rollout", "coindesk", now - 3 * HOUR),
      item("Exchange halts withdrawals after exploit drains hot wallet", "coindesk", now - 7 * HOUR),
    ],
  });
  feeds.set("cointelegraph", {
    name: "cointelegraph",
    format: "rss",
    fault: null,
    items: [
      item("Ethereum developers schedule next hard fork for mainnet", "cointelegraph", now - 1.5 * HOUR),
      item("Regulators publish draft rules for stablecoin issuers", "cointelegraph", now - 5 * HOUR),
    ],
  });
  feeds.set("decrypt", {
    name: "decrypt",
    format: "atom",
    fault: null,
    items: [item("XRP rallies after partnership with payments firm", "decrypt", now - 2 * HOUR)],
  });
  return { feeds, fearGreed: fearGreedOf(40, now), fearGreedFault: null };
}

function item(title: string, site: string, publishedAt: number): SimNewsItem {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return { title, link: `https://${site}.example/news/${slug}`, publishedAt: Math.round(publishedAt) };
}

export function fearGreedOf(value: number, now: number): FearGreedReading {
  return { value, classification: classify(value), timestamp: Math.floor(now / 86_400_000) * 86_400 };
}

/** alternative.me's bands. */
function classify(value: number): string {
  if (value <= 24) return "Extreme Fear";
  if (value <= 46) return "Fear";
  if (value <= 54) return "Neutral";
  if (value <= 75) return "Greed";
  return "Extreme Greed";
}

function xmlText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

export function renderFeed(feed: SimFeed, selfUrl: string): string {
  const items = [...feed.items].sort((a, b) => b.publishedAt - a.publishedAt);
  if (feed.format === "atom") {
    const entries = items.map(
      (i) => `  <entry>
    <title type="html">${i.rawTitle ?? xmlText(i.title)}</title>
    <link rel="alternate" type="text/html" href="${xmlText(i.link)}"/>
    <id>${xmlText(i.guid ?? i.link)}</id>
    <published>${new Date(i.publishedAt).toISOString()}</published>
    <updated>${new Date(i.publishedAt).toISOString()}</updated>
    <summary type="html">${i.rawDescription ?? xmlText(i.description ?? "")}</summary>
  </entry>`,
    );
    return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${xmlText(feed.name)} (simulated)</title>
  <link rel="self" href="${xmlText(selfUrl)}"/>
  <id>${xmlText(selfUrl)}</id>
  <updated>${new Date(items[0]?.publishedAt ?? 0).toISOString()}</updated>
${entries.join("\n")}
</feed>
`;
  }
  const rssItems = items.map(
    (i) => `    <item>
      <title>${i.rawTitle ?? xmlText(i.title)}</title>
      <link>${xmlText(i.link)}</link>
      <guid isPermaLink="false">${xmlText(i.guid ?? i.link)}</guid>
      <pubDate>${new Date(i.publishedAt).toUTCString()}</pubDate>
      <description>${i.rawDescription ?? xmlText(i.description ?? "")}</description>
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${xmlText(feed.name)} (simulated)</title>
    <link>${xmlText(selfUrl)}</link>
    <description>Simulated crypto news</description>
${rssItems.join("\n")}
  </channel>
</rss>
`;
}
