import { describe, expect, it } from "vitest";
import { checkedFeedUrl } from "../../../worker/market/feed-url.ts";
import { canonicalLink, FEED_LIMITS, parseFeed } from "../../../worker/market/news/feed-parser.ts";
import { headlineScore } from "../../../worker/market/news/headline-score.ts";
import { titleKey } from "../../../worker/market/news/news-ingest.ts";
import { tagTokens } from "../../../worker/market/news/token-tagger.ts";

const CATALOG = new Set(["BTC", "ETH", "SOL", "XRP", "DOGE", "ONE", "SUN", "GAS", "ACT", "NOT", "AI", "LINK", "TRUMP"]);

describe("feed parser", () => {
  it("reads RSS 2.0 items with CDATA, entities, HTML descriptions and RFC 822 dates", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [<!ENTITY boom "BOOM">]>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Feed</title>
  <!-- a comment with <item> inside -->
  <item>
    <title><![CDATA[Bitcoin <b>surges</b> & Ether follows]]></title>
    <link>https://news.example/a?utm_source=rss&amp;id=7#top</link>
    <guid isPermaLink="false">story-1</guid>
    <pubDate>Thu, 03 Dec 2026 10:15:00 +0000</pubDate>
    <description>&lt;p&gt;Markets &amp;amp; more: it&#8217;s up &#x2014; &quot;fast&quot; &boom;&lt;/p&gt;</description>
  </item>
  <item>
    <title>Solana&apos;s fees fall</title>
    <link> https://news.example/b </link>
    <dc:date>2026-12-03T09:00:00Z</dc:date>
  </item>
</channel></rss>`;
    const feed = parseFeed(xml);
    expect(feed.format).toBe("rss");
    expect(feed.skipped).toEqual([]);
    expect(feed.items).toEqual([
      {
        title: "Bitcoin surges & Ether follows",
        link: "https://news.example/a?id=7",
        guid: "story-1",
        publishedAt: Date.UTC(2026, 11, 3, 10, 15),
        // The undeclared entity stays as text: DTD entities are never expanded.
        summary: 'Markets & more: it’s up — "fast" &boom;',
      },
      {
        title: "Solana's fees fall",
        link: "https://news.example/b",
        guid: "https://news.example/b",
        publishedAt: Date.UTC(2026, 11, 3, 9),
        summary: "",
      },
    ]);
  });

  it("reads Atom entries: the alternate link, id, published before updated, summary", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
  <entry>
    <title type="html">XRP &amp;lt;rallies&amp;gt;</title>
    <link rel="self" href="https://news.example/self"/>
    <link rel="alternate" type="text/html" href="https://news.example/xrp?a=1&amp;b=2"/>
    <id>tag:news.example,2026:xrp</id>
    <updated>2026-12-03T11:00:00Z</updated>
    <published>2026-12-03T08:30:00+01:00</published>
    <summary type="html"><![CDATA[<p>Payments <i>partnership</i></p>]]></summary>
  </entry>
  <entry><title>No link at all</title><id>x</id></entry>
</feed>`;
    const feed = parseFeed(xml);
    expect(feed.format).toBe("atom");
    expect(feed.items).toEqual([
      {
        title: "XRP <rallies>",
        link: "https://news.example/xrp?a=1&b=2",
        guid: "tag:news.example,2026:xrp",
        publishedAt: Date.UTC(2026, 11, 3, 7, 30),
        summary: "Payments partnership",
      },
    ]);
    expect(feed.skipped).toEqual(["item 2: no http(s) link"]);
  });

  it("skips malformed items and keeps the rest; a truncated feed yields the items before the break", () => {
    const xml = `<rss><channel>
      <item><title></title><link>https://news.example/untitled</link></item>
      <item><title>Script link</title><link>javascript:alert(1)</link></item>
      <item><title>Fine one</title><link>https://news.example/fine</link><pubDate>not a date</pubDate></item>
      <item><title>Cut off in the midd`;
    const feed = parseFeed(xml);
    expect(feed.items.map((i) => i.title)).toEqual(["Fine one"]);
    expect(feed.items[0]?.publishedAt).toBeNull();
    expect(feed.skipped).toEqual(["item 1: no title", "item 2: no http(s) link", "item 4: no http(s) link"]);
  });

  it("refuses documents that are not feeds, and bounds items and field lengths", () => {
    expect(parseFeed("<html><body>nope</body></html>")).toMatchObject({ format: "unknown", items: [] });
    expect(parseFeed("{ not xml")).toMatchObject({ format: "unknown", items: [] });
    const long = "Bitcoin ".repeat(200);
    const many = Array.from(
      { length: 150 },
      (_, i) => `<item><title>${long}${i}</title><link>https://n.example/${i}</link></item>`,
    ).join("");
    const feed = parseFeed(`<rss><channel>${many}</channel></rss>`);
    expect(feed.items).toHaveLength(FEED_LIMITS.items);
    expect(feed.items[0]?.title.length).toBe(FEED_LIMITS.title);
    expect(feed.skipped).toContain(`more than ${FEED_LIMITS.items} items; the rest are ignored`);
  });

  it("canonical links: http(s) only, no fragment, no tracking parameters, no credentials", () => {
    expect(canonicalLink("HTTPS://News.Example/a/?utm_medium=x&ref=y&id=1#frag")).toBe("https://news.example/a/?id=1");
    expect(canonicalLink("ftp://news.example/a")).toBe("");
    expect(canonicalLink("https://user:pw@news.example/a")).toBe("");
    expect(canonicalLink("/relative")).toBe("");
  });
});

describe("feed host policy", () => {
  it("allows https on the default port, and listed hosts (the simulator) over http or https", () => {
    const listed = ["127.0.0.1:8790"];
    expect(checkedFeedUrl("https://www.coindesk.com/arc/outboundfeeds/rss/", listed)).toHaveProperty("url");
    expect(checkedFeedUrl("http://127.0.0.1:8790/news/coindesk.xml", listed)).toHaveProperty("url");
    expect(checkedFeedUrl("http://www.coindesk.com/rss", listed)).toEqual({ refused: "only https URLs are allowed" });
    expect(checkedFeedUrl("https://www.coindesk.com:8443/rss", listed)).toEqual({
      refused: "only the default https port (443) is allowed",
    });
    expect(checkedFeedUrl("http://127.0.0.1:9999/feed", listed)).toEqual({ refused: "only https URLs are allowed" });
    expect(checkedFeedUrl("https://user:secret@news.example/rss", listed)).toEqual({
      refused: "credentials in the URL are not allowed",
    });
    expect(checkedFeedUrl("file:///etc/passwd", listed)).toEqual({ refused: "only https URLs are allowed" });
    expect(checkedFeedUrl("not a url", listed)).toEqual({ refused: "not a URL" });
  });
});

describe("token tagging", () => {
  it("matches tickers as whole words in capitals or with $, and the majors by name", () => {
    expect(tagTokens("BTC and ETH rally while $sol lags", CATALOG)).toEqual(["BTC", "ETH", "SOL"]);
    expect(tagTokens("Bitcoin's dominance rises as Ethereum and Ripple slip; Dogecoin flat", CATALOG)).toEqual([
      "BTC",
      "DOGE",
      "ETH",
      "XRP",
    ]);
    // Lower case and parts of words are not tickers.
    expect(tagTokens("The eth-like btcfi sector and SOLAR stocks", CATALOG)).toEqual([]);
  });

  it("does not tag tickers that are common words unless written as a ticker", () => {
    expect(tagTokens("One more act: the sun is not a gas, not now", CATALOG)).toEqual([]);
    expect(tagTokens("Harmony's ONE and Sun's SUN jump; GAS fees fall", CATALOG)).toEqual(["GAS", "ONE", "SUN"]);
    // A headline in capitals: the word tickers are words there.
    expect(tagTokens("BREAKING: NOT ONE EXCHANGE IS DOWN, BTC FLAT", CATALOG)).toEqual(["BTC"]);
    expect(tagTokens("BREAKING: $NOT LISTED", CATALOG)).toEqual(["NOT"]);
    // Acronyms of the news business only as $TICKER.
    expect(tagTokens("AI agents trade crypto", CATALOG)).toEqual([]);
    expect(tagTokens("$AI token doubles", CATALOG)).toEqual(["AI"]);
    // Only tokens the venues list.
    expect(tagTokens("PEPE and WIF surge", CATALOG)).toEqual([]);
  });
});

describe("headline score", () => {
  it("scores by explainable keyword rules within [-1, 1]", () => {
    expect(headlineScore("Exchange hacked, $100M drained in exploit")).toBe(-0.8);
    expect(headlineScore("Hacked exchange files for bankruptcy")).toBe(-1);
    expect(headlineScore("USDe depegs briefly")).toBe(-0.8);
    expect(headlineScore("Binance to delist three tokens")).toBe(-0.7);
    expect(headlineScore("Coinbase lists SOL perpetuals")).toBe(0.5);
    expect(headlineScore("SEC approves spot ETH ETF")).toBe(0.7);
    expect(headlineScore("Solana announces partnership with Visa")).toBe(0.4);
    expect(headlineScore("Bitcoin holds steady ahead of Fed minutes")).toBe(0);
  });

  it("normalizes titles for deduplication", () => {
    expect(titleKey("Bitcoin  Surges: 5% — “Record”!")).toBe(titleKey("bitcoin surges 5 record"));
  });
});
