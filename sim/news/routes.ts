import { type Context, Hono } from "hono";
import * as z from "zod";
import type { SimState } from "../state.ts";
import { createSimNews, type FeedFault, fearGreedOf, renderFeed, type SimNews } from "./feeds.ts";

/**
 * News feeds at /news/<name>.xml (RSS 2.0 or Atom) and alternative.me's Fear & Greed API at /fng/, controlled under
 * /control/news and /control/fng: add items, create feeds, set a value, inject a fault, reset to the demo content.
 */

const news = new WeakMap<SimState, SimNews>();

export function simNewsOf(state: SimState): SimNews {
  let found = news.get(state);
  if (!found) {
    found = createSimNews(state.exchanges.binance.now());
    news.set(state, found);
  }
  return found;
}

const feedName = z.string().regex(/^[a-z0-9-]{1,40}$/);
const ItemBody = z.object({
  title: z.string().max(2_000).default(""),
  link: z.string().max(2_000).default(""),
  guid: z.string().max(2_000).optional(),
  publishedAt: z.number().int().optional(),
  description: z.string().max(10_000).optional(),
  rawTitle: z.string().max(10_000).optional(),
  rawDescription: z.string().max(10_000).optional(),
});
const ItemsBody = z.object({ feed: feedName, items: z.array(ItemBody).max(500) });
const FeedBody = z.object({ name: feedName, format: z.enum(["rss", "atom"]), empty: z.boolean().optional() });
const FaultBody = z.discriminatedUnion("type", [
  z.object({ type: z.literal("broken"), status: z.number().int().min(400).max(599).default(500) }),
  z.object({ type: z.literal("slow"), delayMs: z.number().int().min(0).max(120_000) }),
  z.object({ type: z.literal("malformed") }),
  z.object({ type: z.literal("truncated") }),
  z.object({ type: z.literal("redirect") }),
  z.object({ type: z.literal("none") }),
]);
const FeedFaultBody = z.object({ feed: feedName, fault: FaultBody });
const FearGreedBody = z.object({
  value: z.number().int().min(0).max(100).optional(),
  timestamp: z.number().int().optional(),
  fault: FaultBody.optional(),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function bodyOf<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T> | Response> {
  const parsed = schema.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) return c.json({ error: "bad_request", message: z.prettifyError(parsed.error) }, 400);
  return parsed.data;
}

/** Answers `ok` unless a fault says otherwise. */
async function withFault(c: Context, fault: FeedFault | null, ok: () => Response): Promise<Response> {
  if (!fault) return ok();
  switch (fault.type) {
    case "broken":
      return c.text("Internal error", fault.status as 500);
    case "slow":
      await sleep(fault.delayMs);
      return ok();
    case "malformed":
      return c.body("<html><body>This is not a feed {{{ <item>", 200, { "Content-Type": "text/html" });
    case "truncated": {
      const text = await ok().text();
      return c.body(text.slice(0, Math.floor(text.length * 0.6)), 200, { "Content-Type": "application/xml" });
    }
    case "redirect":
      return c.redirect("https://elsewhere.example/feed.xml", 302);
  }
}

export function newsRoutes(state: SimState): Hono {
  const app = new Hono();
  const now = () => state.exchanges.binance.now();

  app.get("/news/:file", async (c) => {
    const name = c.req.param("file").replace(/\.xml$/, "");
    const feed = simNewsOf(state).feeds.get(name);
    if (!feed) return c.text("Not found", 404);
    const type = feed.format === "atom" ? "application/atom+xml" : "application/rss+xml";
    return withFault(c, feed.fault, () => c.body(renderFeed(feed, c.req.url), 200, { "Content-Type": type }));
  });

  app.get("/fng/", async (c) => {
    const { fearGreed, fearGreedFault } = simNewsOf(state);
    const limit = Math.max(1, Math.min(Number(c.req.query("limit") ?? "1") || 1, 10));
    return withFault(c, fearGreedFault, () =>
      c.json({
        name: "Fear and Greed Index",
        data: Array.from({ length: limit }, (_, i) => ({
          value: String(fearGreed.value),
          value_classification: fearGreed.classification,
          timestamp: String(fearGreed.timestamp - i * 86_400),
          ...(i === 0 ? { time_until_update: "3600" } : {}),
        })),
        metadata: { error: null },
      }),
    );
  });

  app.post("/control/news/feeds", async (c) => {
    const body = await bodyOf(c, FeedBody);
    if (body instanceof Response) return body;
    const feeds = simNewsOf(state).feeds;
    const existing = feeds.get(body.name);
    feeds.set(body.name, {
      name: body.name,
      format: body.format,
      items: body.empty ? [] : (existing?.items ?? []),
      fault: null,
    });
    return c.json({ feed: body.name, format: body.format }, 201);
  });

  app.post("/control/news/items", async (c) => {
    const body = await bodyOf(c, ItemsBody);
    if (body instanceof Response) return body;
    const feed = simNewsOf(state).feeds.get(body.feed);
    if (!feed) return c.json({ error: "not_found", message: `no feed ${body.feed}` }, 404);
    feed.items.push(...body.items.map((i) => ({ ...i, publishedAt: i.publishedAt ?? now() })));
    return c.json({ feed: feed.name, items: feed.items.length }, 201);
  });

  app.post("/control/news/faults", async (c) => {
    const body = await bodyOf(c, FeedFaultBody);
    if (body instanceof Response) return body;
    const feed = simNewsOf(state).feeds.get(body.feed);
    if (!feed) return c.json({ error: "not_found", message: `no feed ${body.feed}` }, 404);
    feed.fault = body.fault.type === "none" ? null : body.fault;
    return c.json({ feed: feed.name, fault: feed.fault });
  });

  app.post("/control/fng", async (c) => {
    const body = await bodyOf(c, FearGreedBody);
    if (body instanceof Response) return body;
    const current = simNewsOf(state);
    if (body.value !== undefined) current.fearGreed = fearGreedOf(body.value, body.timestamp ?? now());
    if (body.fault) current.fearGreedFault = body.fault.type === "none" ? null : body.fault;
    return c.json({ fearGreed: current.fearGreed, fault: current.fearGreedFault });
  });

  /** Back to the demo's feeds and reading. */
  app.post("/control/news/reset", (c) => {
    news.set(state, createSimNews(now()));
    return c.json({ reset: true });
  });

  return app;
}
