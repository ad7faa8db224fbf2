import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../sim/server.ts";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 42 });
});

afterAll(async () => {
  await sim.close();
});

const control = (path: string, body: unknown) =>
  fetch(`${sim.url}/control${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("simulated news feeds and Fear & Greed", () => {
  it("serves the demo feeds as RSS 2.0 and Atom with recent headlines", async () => {
    const rss = await fetch(`${sim.url}/news/coindesk.xml`);
    expect(rss.headers.get("content-type")).toContain("application/rss+xml");
    const text = await rss.text();
    expect(text).toContain('<rss version="2.0"');
    expect(text).toContain("<title>Bitcoin ETF inflows surge as BTC holds above key level</title>");
    const atom = await (await fetch(`${sim.url}/news/decrypt.xml`)).text();
    expect(atom).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(atom).toContain('<link rel="alternate" type="text/html" href="https://decrypt.example/news/');
    expect((await fetch(`${sim.url}/news/nope.xml`)).status).toBe(404);
  });

  it("adds items (escaped, or raw XML as a feed might send it) and injects faults", async () => {
    expect((await control("/news/feeds", { name: "t1", format: "rss", empty: true })).status).toBe(201);
    const added = await control("/news/items", {
      feed: "t1",
      items: [
        { title: "A & B", link: "https://n.example/a", publishedAt: 1_800_000_000_000 },
        { rawTitle: "<![CDATA[C <i>D</i>]]>", link: "https://n.example/c" },
      ],
    });
    expect(added.status).toBe(201);
    const text = await (await fetch(`${sim.url}/news/t1.xml`)).text();
    expect(text).toContain("<title>A &amp; B</title>");
    expect(text).toContain("<title><![CDATA[C <i>D</i>]]></title>");

    await control("/news/faults", { feed: "t1", fault: { type: "broken", status: 503 } });
    expect((await fetch(`${sim.url}/news/t1.xml`)).status).toBe(503);
    await control("/news/faults", { feed: "t1", fault: { type: "redirect" } });
    expect((await fetch(`${sim.url}/news/t1.xml`, { redirect: "manual" })).status).toBe(302);
    await control("/news/faults", { feed: "t1", fault: { type: "malformed" } });
    expect(await (await fetch(`${sim.url}/news/t1.xml`)).text()).not.toContain("<rss");
    await control("/news/faults", { feed: "t1", fault: { type: "none" } });
    expect((await fetch(`${sim.url}/news/t1.xml`)).status).toBe(200);
    expect((await control("/news/items", { feed: "missing", items: [] })).status).toBe(404);
    expect((await control("/news/items", { feed: "t1", items: "no" })).status).toBe(400);
  });

  it("answers the Fear & Greed API like alternative.me, with a settable value", async () => {
    const first = (await (await fetch(`${sim.url}/fng/?limit=1`)).json()) as {
      data: { value: string; value_classification: string; timestamp: string }[];
    };
    expect(first.data).toHaveLength(1);
    expect(first.data[0]).toMatchObject({ value: "40", value_classification: "Fear" });
    expect(first.data[0]?.timestamp).toMatch(/^\d{10}$/);
    await control("/fng", { value: 80, timestamp: Date.UTC(2026, 11, 3) });
    const second = (await (await fetch(`${sim.url}/fng/?limit=1`)).json()) as typeof first;
    expect(second.data[0]).toMatchObject({
      value: "80",
      value_classification: "Extreme Greed",
      timestamp: String(Date.UTC(2026, 11, 3) / 1000),
    });
  });
});
