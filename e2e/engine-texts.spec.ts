import { expect, type Page, test } from "@playwright/test";
import { createPortfolio, holdPrice, SIM, setUpTrader, startPortfolio } from "./support/portfolios.ts";
import { DESKTOP, PHONE } from "./support/screens.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// Engine texts in the reader's language: a built-in-strategy portfolio reviewed against the simulator buys BTC and
// ETH; the prices then fall past its drawdown limit, so the next review pauses it. In Russian, its page (status
// notice, reviews, their decision, notes and orders) shows none of the English the engine stored next to the codes.

type Message = { code: string } | null;
type Run = {
  id: string;
  seq: number;
  status: string;
  summary: string | null;
  summaryMessage: Message;
  error: { message: string } | null;
  decision: { rationale: string } | null;
  notes: { message: string; engineMessage: Message }[];
  orders: { id: string; symbol: string; reason: string | null; reasonMessage: Message }[];
};

async function runs(page: Page, id: string): Promise<Run[]> {
  const list = await page.request.get(`/api/portfolios/${id}/runs?limit=10`);
  return ((await list.json()) as { runs: Run[] }).runs;
}

async function settled(page: Page, id: string, count: number): Promise<Run[]> {
  await expect
    .poll(
      async () => {
        const all = await runs(page, id);
        return all.length === count && all.every((r) => !["queued", "running"].includes(r.status));
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return runs(page, id);
}

/** Every English text Ballast stored with a code: none of it may show on the Russian page. */
function englishTexts(all: Run[], statusReason: string | null): string[] {
  const texts = all.flatMap((run) => [
    run.summaryMessage ? run.summary : null,
    run.decision?.rationale ?? null,
    run.error?.message ?? null,
    ...run.notes.map((n) => n.message),
    ...run.orders.map((o) => o.reason),
  ]);
  return [statusReason, ...texts].filter((t): t is string => Boolean(t));
}

test("a built-in strategy's reviews, orders and pause read in Russian, with no English engine text", async ({
  browser,
  request,
}) => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("texts"));
  const trader = await setUpTrader(page, request, `Sim texts ${Date.now()}`);
  await holdPrice(request, "spot", "BTCUSDT", "60000");
  await holdPrice(request, "spot", "ETHUSDT", "2500");
  try {
    const id = await createPortfolio(page, {
      name: "Built-in majors",
      exchangeKeyId: trader.keyId,
      market: "spot",
      cashToken: "USDT",
      tokens: [
        { token: "BTC", minAllocation: 20 },
        { token: "ETH", minAllocation: 20 },
      ],
      reviewInterval: "1h",
      risk: { maxOrderPct: null, maxExposurePct: null, maxDailyLossPct: null, maxDrawdownPct: "1" },
      executionMode: "manual_approval",
    });
    const origin = { Origin: new URL(page.url()).origin };
    await startPortfolio(page, id);
    const [waiting] = await settled(page, id, 1);
    expect(waiting).toMatchObject({ status: "awaiting_approval", summaryMessage: { code: "builtin_spot_rebalance" } });
    // The owner approves the BTC buy and rejects the ETH one: both orders then carry a reason Ballast wrote.
    const decisions = (waiting as Run).orders.map((o) => ({
      orderId: o.id,
      action: o.symbol === "BTCUSDT" ? "approve" : "reject",
    }));
    const approved = await page.request.post(`/api/portfolios/${id}/runs/${waiting?.id}/approval`, {
      headers: origin,
      data: { decisions },
    });
    expect(approved.ok(), await approved.text()).toBe(true);
    await expect.poll(async () => (await runs(page, id))[0]?.status, { timeout: 30_000 }).toBe("completed");

    // The approved buy is a limit at the ask it saw: should it rest, a dip through it fills it on the venue.
    await holdPrice(request, "spot", "BTCUSDT", "59000");
    const settle = await request.post(`${SIM}/control/settle`, { data: { venue: "binance" } });
    expect(settle.ok(), await settle.text()).toBe(true);
    // A tenth off BTC and ETH: the drawdown passes its 1 % limit, and the next review pauses the portfolio before deciding.
    await holdPrice(request, "spot", "BTCUSDT", "54000");
    await holdPrice(request, "spot", "ETHUSDT", "2250");
    const ran = await page.request.post(`/api/portfolios/${id}/runs`, { headers: origin });
    expect(ran.status(), await ran.text()).toBe(202);
    const all = await settled(page, id, 2);
    type Paused = { status: string; statusReason: string | null; statusReasonMessage: Message };
    const read = async () => (await (await page.request.get(`/api/portfolios/${id}`)).json()) as Paused;
    await expect.poll(async () => (await read()).status, { timeout: 30_000 }).toBe("paused");
    const portfolio = await read();
    expect(all[0]).toMatchObject({ seq: 2, status: "aborted", summaryMessage: { code: "loss_drawdown" } });
    expect(portfolio).toMatchObject({ statusReasonMessage: { code: "loss_drawdown" } });
    const english = englishTexts(all, portfolio.statusReason);
    expect(english.length).toBeGreaterThan(2);

    for (const locale of ["en", "ru"] as const) {
      await page.setViewportSize(DESKTOP);
      await page.evaluate((value) => localStorage.setItem("ballast.locale", value), locale);
      await page.goto(`/portfolios/${id}`);
      const notice = page.getByTestId("status-notice-reason");
      const history = page.getByTestId("run");
      await expect(history).toHaveCount(2);
      for (const seq of [1, 2]) {
        const title = locale === "ru" ? `Обзор №${seq}` : `Review #${seq}`;
        const run = history.filter({ hasText: title });
        await run.getByRole("button", { name: title }).click();
        await expect(run.getByTestId("run-details")).toBeVisible();
      }
      if (locale === "ru") {
        await expect(notice).toContainText("Просадка");
        await expect(page.getByTestId("run-summary").first()).toContainText("Просадка");
        await expect(page.getByTestId("run-summary").last()).toContainText("Ребалансировка к целям");
        await expect(page.getByTestId("run-rationale")).toContainText("при цели");
        // The decision's own enums too: "buy"/"sell" read as words of the page's language.
        await expect(page.getByTestId("run-decision").first()).toContainText(/Покупка|Продажа/);
        await expect(page.getByTestId("order-reason").filter({ hasText: "Отклонён вами." }).first()).toBeVisible();
        await expect(page.getByTestId("order-reason").filter({ hasText: "Одобрен вами." }).first()).toBeVisible();
        // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees; collapsed raw JSON is not shown.
        const text = await page.locator("main").innerText();
        for (const sentence of english) expect(text, "English engine text on the Russian page").not.toContain(sentence);
      } else {
        await expect(notice).toContainText("Drawdown of");
        await expect(page.getByTestId("run-summary").last()).toContainText("Rebalance toward targets");
        await expect(page.getByTestId("run-decision").first()).toContainText(/Buy|Sell/);
      }
      await page.screenshot({ path: `artifacts/screenshots/engine-texts-${locale}-desktop.png`, fullPage: true });
      await page.setViewportSize(PHONE);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: `artifacts/screenshots/engine-texts-${locale}-phone.png`, fullPage: true });
      await history.last().screenshot({ path: `artifacts/screenshots/engine-texts-${locale}-phone-review.png` });
    }
  } finally {
    // Other tests read these markets: back to moving prices.
    for (const [symbol, price] of [
      ["BTCUSDT", "60000"],
      ["ETHUSDT", "2500"],
    ] as const) {
      await request.post(`${SIM}/control/prices`, {
        data: { venue: "binance", market: "spot", symbol, price, hold: false },
      });
    }
    await page.close();
  }
});
