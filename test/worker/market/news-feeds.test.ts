import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../../worker/index.ts";
import { NEWS_MAX_ROWS } from "../../../worker/market/news/news-ingest.ts";
import { simControl, simUrl } from "../../support/simulator.ts";
import { simRequests } from "../ai/support.ts";
import { OPENAI, scriptedTrader, spotPlan } from "../engine/support.ts";
import { spotPortfolio, startSettled } from "../portfolios/support.ts";

/**
 * News and Fear & Greed end to end: the production cron handler reads the simulator's feeds over real HTTP into D1,
 * and a review's decision input (and the prompt the simulated OpenAI receives) carries them. Every test here owns the
 * news tables (no other test file reads feeds: their NEWS_FEEDS is empty), so each starts from empty tables.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type NewsRow = { title: string; link: string; source: string; tokens: string; score: number; published_at: number };
type Signal = {
  source: string;
  asset: string | null;
  kind: string;
  score: number;
  summary: string;
  ageMinutes?: number;
  url?: string;
};

function feedUrl(name: string): string {
  return `${simUrl()}/news/${name}.xml`;
}

/** The cron handler with news read from these feeds and Fear & Greed from the simulator. */
async function tick(at: number, feeds: string[], fearGreed = ""): Promise<void> {
  const feedEnv = { ...env, NEWS_FEEDS: feeds.join(","), FEAR_GREED_URL: fearGreed } as Env;
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), feedEnv, ctx);
  await waitOnExecutionContext(ctx);
}

async function newsRows(): Promise<NewsRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT title, link, source, tokens, score, published_at FROM news_items ORDER BY published_at DESC",
  ).all<NewsRow>();
  return results;
}

async function feed(name: string, format: "rss" | "atom", items: Record<string, unknown>[] = []): Promise<string> {
  await simControl("POST", "/news/feeds", { name, format, empty: true });
  if (items.length) await simControl("POST", "/news/items", { feed: name, items });
  return feedUrl(name);
}

beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM news_items"),
    env.DB.prepare("DELETE FROM fear_greed_readings"),
    env.DB.prepare("DELETE FROM heartbeats WHERE name IN ('news', 'fear-greed')"),
  ]);
  await simControl("POST", "/news/reset");
});

describe("news feeds", () => {
  it("reads RSS and Atom feeds from the simulator: CDATA and entities decoded, tokens tagged, headlines scored", async () => {
    const at = Date.UTC(2026, 11, 3, 12, 0);
    const rss = await feed("t-rss", "rss", [
      {
        title: "",
        rawTitle: "<![CDATA[Bitcoin ETF <em>approval</em> lifts BTC & ETH]]>",
        link: "https://news.example/etf?utm_source=feed",
        publishedAt: at - 30 * MINUTE,
        rawDescription: "&lt;p&gt;Flows &amp;amp; more&lt;/p&gt;",
      },
      { title: "Protocol exploit drains $40M from SOL lender", link: "https://news.example/x", publishedAt: at - HOUR },
    ]);
    const atom = await feed("t-atom", "atom", [
      {
        title: "",
        rawTitle: "Regulators&#8217; new rules for exchanges",
        link: "https://other.example/rules",
        publishedAt: at - 2 * HOUR,
      },
    ]);
    await tick(at, [rss, atom]);

    const rows = await newsRows();
    expect(rows.map(({ title, link, tokens, score }) => ({ title, link, tokens, score }))).toEqual([
      {
        title: "Bitcoin ETF approval lifts BTC & ETH",
        link: "https://news.example/etf",
        tokens: " BTC ETH ",
        score: 0.7,
      },
      {
        title: "Protocol exploit drains $40M from SOL lender",
        link: "https://news.example/x",
        tokens: " SOL ",
        score: -0.8,
      },
      // No token: kept as market-wide news.
      { title: "Regulators’ new rules for exchanges", link: "https://other.example/rules", tokens: " ", score: 0 },
    ]);
    expect(rows[0]?.source).toBe(new URL(simUrl()).host);
    expect(rows[0]?.published_at).toBe(at - 30 * MINUTE);
  });

  it("tags any token the venues list, read from the catalogs of the verified keys' sites and cached for a day", async () => {
    const at = Date.UTC(2026, 11, 3, 12, 30);
    await env.DB.prepare("DELETE FROM news_token_catalog").run();
    // A verified key on the simulator, whose USDT perpetuals include TESTUSDT (not a major anyone names).
    await scriptedTrader("bybit", { spot: { USDT: "10" }, futuresWallet: "0" });
    const url = await feed("t-catalog", "rss", [
      { title: "TEST perpetual gets a new listing", link: "https://news.example/test-perp", publishedAt: at - MINUTE },
    ]);
    await tick(at, [url]);
    expect((await newsRows()).map((r) => r.tokens)).toEqual([" TEST "]);
    const catalog = await env.DB.prepare("SELECT tokens, refreshed_at FROM news_token_catalog").first<{
      tokens: string;
      refreshed_at: number;
    }>();
    expect(catalog?.tokens.split(" ")).toEqual(expect.arrayContaining(["BTC", "ETH", "TEST"]));
    expect(catalog?.refreshed_at).toBe(at);
  });

  it("stores a story once: by link (the same item on two feeds, read again) and by normalized title", async () => {
    const at = Date.UTC(2026, 11, 3, 13, 0);
    const story = { title: "Ethereum upgrade ships", link: "https://news.example/upgrade", publishedAt: at - HOUR };
    const a = await feed("t-dup-a", "rss", [story]);
    const b = await feed("t-dup-b", "atom", [
      story,
      { title: "ETHEREUM — upgrade ships!", link: "https://elsewhere.example/eth-upgrade", publishedAt: at - HOUR },
      { title: "Dogecoin slips", link: "https://elsewhere.example/doge", publishedAt: at - HOUR },
    ]);
    await tick(at, [a, b]);
    await tick(at + 10 * MINUTE, [a, b]);
    const rows = await newsRows();
    expect(rows.map((r) => r.title).sort()).toEqual(["Dogecoin slips", expect.stringMatching(/upgrade ships/i)]);
  });

  it("skips a broken feed, a slow one, a redirect, a document that is not a feed and a malformed item; the rest is stored", async () => {
    const at = Date.UTC(2026, 11, 3, 14, 0);
    const good = await feed("t-good", "rss", [
      { title: "", link: "https://news.example/untitled", publishedAt: at - HOUR },
      { title: "Script", link: "javascript:alert(1)", publishedAt: at - HOUR },
      { title: "XRP listing on a major exchange", link: "https://news.example/xrp", publishedAt: at - HOUR },
    ]);
    const faults = [
      ["t-broken", { type: "broken", status: 503 }],
      ["t-slow", { type: "slow", delayMs: 3_000 }],
      ["t-redirect", { type: "redirect" }],
      ["t-html", { type: "malformed" }],
    ] as const;
    const urls: string[] = [];
    for (const [name, fault] of faults) {
      urls.push(
        await feed(name, "rss", [{ title: `From ${name}`, link: `https://n.example/${name}`, publishedAt: at }]),
      );
      await simControl("POST", "/news/faults", { feed: name, fault });
    }
    // A host outside the policy (plain http on a public host) is refused before any request.
    await tick(at, [...urls, "http://news.example/feed.xml", good]);

    const rows = await newsRows();
    expect(rows.map((r) => r.title)).toEqual(["XRP listing on a major exchange"]);
    // The tick itself completed.
    const cron = await env.DB.prepare("SELECT last_run_at FROM heartbeats WHERE name = 'cron'").first<{
      last_run_at: number;
    }>();
    expect(cron?.last_run_at).toBeGreaterThanOrEqual(at);
  });

  it("reads news every 10 minutes of the cron's scheduled time, not every tick", async () => {
    const at = Date.UTC(2026, 11, 3, 15, 0);
    const url = await feed("t-cadence", "rss");
    await tick(at, [url]);
    await simControl("POST", "/news/items", {
      feed: "t-cadence",
      items: [{ title: "Solana outage halts blocks", link: "https://news.example/sol-outage", publishedAt: at }],
    });
    await tick(at + 5 * MINUTE, [url]);
    expect(await newsRows()).toEqual([]);
    await tick(at + 10 * MINUTE, [url]);
    expect((await newsRows()).map((r) => r.title)).toEqual(["Solana outage halts blocks"]);
  });

  it("keeps 7 days and at most the row cap, pruning the oldest; items older than that are not stored", async () => {
    const at = Date.UTC(2026, 11, 3, 16, 0);
    // Stored earlier: NEWS_MAX_ROWS + 5 recent rows and one 8 days old.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO news_items (id, link, title_key, title, source, tokens, score, published_at, fetched_at)
       SELECT 'old-' || i, 'https://old.example/' || i, 'old ' || i, 'Old ' || i, 'old.example', ' ', 0,
              ? - i * 60000, ? FROM n`,
    )
      .bind(NEWS_MAX_ROWS + 5, at - HOUR, at - HOUR)
      .run();
    await env.DB.prepare(
      "INSERT INTO news_items VALUES ('ancient', 'https://old.example/a', 'ancient', 'Ancient', 'old.example', ' ', 0, ?, ?)",
    )
      .bind(at - 8 * 24 * HOUR, at - 8 * 24 * HOUR)
      .run();
    const url = await feed("t-retention", "rss", [
      { title: "Fresh BTC story", link: "https://news.example/fresh", publishedAt: at - MINUTE },
      { title: "Stale BTC story", link: "https://news.example/stale", publishedAt: at - 9 * 24 * HOUR },
    ]);
    await tick(at, [url]);

    const rows = await newsRows();
    expect(rows).toHaveLength(NEWS_MAX_ROWS);
    expect(rows[0]?.title).toBe("Fresh BTC story");
    expect(rows.some((r) => r.title === "Ancient" || r.title === "Stale BTC story")).toBe(false);
    // The oldest of the recent rows went over the cap.
    expect(rows.at(-1)?.title).toBe(`Old ${NEWS_MAX_ROWS - 1}`);
  });
});

describe("fear and greed", () => {
  it("is cached in D1 and not asked again within the hour", async () => {
    const at = Date.UTC(2026, 11, 3, 17, 0);
    await simControl("POST", "/fng", { value: 40, timestamp: at });
    await tick(at, [], simUrl());
    const read = () =>
      env.DB.prepare("SELECT value, classification, fetched_at FROM fear_greed_readings ORDER BY at DESC").all<{
        value: number;
        classification: string;
        fetched_at: number;
      }>();
    expect((await read()).results).toEqual([{ value: 40, classification: "Fear", fetched_at: at }]);

    await simControl("POST", "/fng", { value: 72, timestamp: at });
    await tick(at + 30 * MINUTE, [], simUrl());
    // Not asked: the simulator's new value is not stored.
    expect((await read()).results).toEqual([{ value: 40, classification: "Fear", fetched_at: at }]);

    await tick(at + HOUR, [], simUrl());
    expect((await read()).results).toEqual([{ value: 72, classification: "Greed", fetched_at: at + HOUR }]);
  });

  it("a broken answer is skipped and the tick completes", async () => {
    const at = Date.UTC(2026, 11, 3, 18, 0);
    await simControl("POST", "/fng", { fault: { type: "malformed" } });
    await tick(at, [], simUrl());
    const { results } = await env.DB.prepare("SELECT * FROM fear_greed_readings").all();
    expect(results).toEqual([]);
    const cron = await env.DB.prepare("SELECT last_run_at FROM heartbeats WHERE name = 'cron'").first<{
      last_run_at: number;
    }>();
    expect(cron?.last_run_at).toBeGreaterThanOrEqual(at);
  });
});

describe("signals in a review", () => {
  it("the decision input and the AI prompt carry the portfolio's news, market-wide news and Fear & Greed", async () => {
    const now = Date.now();
    const url = await feed("t-review", "rss", [
      { title: "Bitcoin ETF inflows surge", link: "https://news.example/r-btc", publishedAt: now - 20 * MINUTE },
      { title: "Ethereum client bug fixed", link: "https://news.example/r-eth", publishedAt: now - 2 * HOUR },
      { title: "Regulators publish stablecoin rules", link: "https://news.example/r-all", publishedAt: now - HOUR },
      { title: "Dogecoin lawsuit dismissed", link: "https://news.example/r-doge", publishedAt: now - 10 * MINUTE },
      { title: "Old Bitcoin story", link: "https://news.example/r-old", publishedAt: now - 3 * 24 * HOUR },
    ]);
    await simControl("POST", "/fng", { value: 40, timestamp: now - HOUR });
    await tick(now, [url], simUrl());

    const t = await scriptedTrader("binance", { spot: { USDT: "1000" }, futuresWallet: "0" });
    await t.decide(spotPlan([], "Hold."));
    const id = await createPortfolioFor(t.user, t.keyId);
    const { run } = await startSettled(t.user, id);
    expect(run.status).toBe("completed");
    const detail = (await t.user.get(`/api/portfolios/${id}/runs/${run.id}`)).body as {
      input: { signals: Signal[] };
    };
    const signals = detail.input.signals;
    expect(signals.map(({ kind, asset, summary, source }) => ({ kind, asset, summary, source }))).toEqual([
      { kind: "news", asset: "BTC", summary: "Bitcoin ETF inflows surge", source: new URL(simUrl()).host },
      { kind: "news", asset: null, summary: "Regulators publish stablecoin rules", source: new URL(simUrl()).host },
      { kind: "news", asset: "ETH", summary: "Ethereum client bug fixed", source: new URL(simUrl()).host },
      { kind: "sentiment", asset: null, summary: "Fear & Greed 40 (Fear)", source: "alternative.me" },
    ]);
    // ETF inflows (+0.7) and "surge" (+0.4), clamped.
    expect(signals[0]).toMatchObject({ score: 1, url: "https://news.example/r-btc" });
    expect(signals[0]?.ageMinutes).toBeGreaterThanOrEqual(20);
    expect(signals[3]?.score).toBe(-0.2);

    const [request] = await simRequests(t.aiKey);
    const prompt = JSON.stringify(request?.body);
    expect(prompt).toContain("Bitcoin ETF inflows surge");
    expect(prompt).toContain("Fear & Greed 40 (Fear)");
    expect(prompt).not.toContain("Dogecoin lawsuit");
  });

  it("a review with empty news and sentiment tables completes with no signals", async () => {
    const t = await scriptedTrader("bybit", { spot: { USDT: "1000" }, futuresWallet: "0" });
    await t.decide(spotPlan([], "Hold."));
    const id = await createPortfolioFor(t.user, t.keyId);
    const { run } = await startSettled(t.user, id);
    expect(run.status).toBe("completed");
    const detail = (await t.user.get(`/api/portfolios/${id}/runs/${run.id}`)).body as {
      input: { signals: Signal[] };
    };
    expect(detail.input.signals).toEqual([]);
  });
});

async function createPortfolioFor(user: Parameters<typeof startSettled>[0], keyId: string): Promise<string> {
  const reply = await user.post(
    "/api/portfolios",
    spotPortfolio(keyId, {
      tokens: [
        { token: "BTC", minAllocation: 0 },
        { token: "ETH", minAllocation: 0 },
      ],
      decisionSource: OPENAI,
    }),
  );
  if (reply.status !== 200) throw new Error(`portfolio not created: ${reply.status} ${reply.text}`);
  return reply.body.id as string;
}
