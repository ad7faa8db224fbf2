import { type APIRequestContext, expect, type Locator, type Page, test } from "@playwright/test";
import { findOverflow } from "./support/overflow.ts";
import {
  createPortfolio,
  holdPrice,
  OPENAI,
  scriptDecisions,
  setUpTrader,
  spotBuy,
  spotPlan,
  startPortfolio,
  type Trader,
} from "./support/portfolios.ts";
import { PHONE } from "./support/screens.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// The dashboard a trader reads at a glance: nine portfolios (one that traded, one waiting for approval, seven drafts)
// whose totals and rows all fit a 1280 × 800 window without scrolling, the figures the list endpoint adds to each
// row, and compact cards on a 390 px phone, in English and Russian. One sign-in for the file.
test.describe.configure({ mode: "serial" });

const DESKTOP = { width: 1280, height: 800 };
let page: Page;
let trader: Trader;

const shot = (name: string) => page.screenshot({ path: `artifacts/screenshots/${name}.png` });

/** Waits for the portfolio's latest review to stop moving (reviews run in the portfolio's engine, after the start). */
async function settled(id: string): Promise<string> {
  let status = "";
  await expect
    .poll(
      async () => {
        const reply = await page.request.get(`/api/portfolios/${id}/runs?limit=1`);
        status = ((await reply.json()) as { runs: { status: string }[] }).runs[0]?.status ?? "";
        return ["completed", "failed", "aborted", "awaiting_approval"].includes(status);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return status;
}

async function startedPortfolio(
  request: APIRequestContext,
  body: Record<string, unknown>,
  decision: Record<string, unknown>,
) {
  await scriptDecisions(request, trader.aiKey, { result: decision });
  const id = await createPortfolio(page, body);
  await startPortfolio(page, id);
  return { id, status: await settled(id) };
}

/** The table needs no sideways scroll: every column is in view. */
async function expectNoSidewaysScroll(table: Locator) {
  const hidden = await table.evaluate((element) => {
    const box = element.parentElement as HTMLElement;
    return box.scrollWidth - box.clientWidth;
  });
  expect(hidden, "pixels of the table behind a sideways scroll").toBeLessThanOrEqual(0);
}

/** The element's box lies inside the window as it is now (nothing to scroll to see it). */
async function expectAboveTheFold(element: Locator, what: string) {
  const box = await element.boundingBox();
  expect(box, what).not.toBeNull();
  if (!box) return;
  expect(box.y, `${what} starts in the window`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${what} ends above the fold`).toBeLessThanOrEqual(DESKTOP.height);
  expect(box.x + box.width, `${what} ends inside the width`).toBeLessThanOrEqual(DESKTOP.width);
}

test.beforeAll(async ({ browser, request }) => {
  await holdPrice(request, "spot", "ETHUSDT", "2500");
  await holdPrice(request, "spot", "BTCUSDT", "60000");
  page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("dashboard"));
  trader = await setUpTrader(page, request, `Sim dashboard ${Date.now()}`);
});

test.afterAll(async () => {
  await page.close();
});

test("nine portfolios: totals and every row fit 1280 × 800 with PnL today, exposure and approvals", async ({
  request,
}) => {
  const paper = { exchangeKeyId: trader.keyId, market: "spot", cashToken: "USDT", reviewInterval: "1h", paper: true };
  const traded = await startedPortfolio(
    request,
    { ...paper, name: "Alpha ETH", tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: OPENAI },
    spotPlan([spotBuy("ETHUSDT", "1", "2500")], "Buy ETH."),
  );
  expect(traded.status).toBe("completed");
  const waiting = await startedPortfolio(
    request,
    {
      ...paper,
      name: "Beta BTC approval",
      tokens: [{ token: "BTC", minAllocation: 0 }],
      decisionSource: OPENAI,
      executionMode: "manual_approval",
    },
    spotPlan([spotBuy("BTCUSDT", "0.01", "60000")], "Buy BTC."),
  );
  expect(waiting.status).toBe("awaiting_approval");
  for (let n = 1; n <= 7; n += 1) {
    await createPortfolio(page, { ...paper, name: `Draft ${n}`, tokens: [{ token: "SOL", minAllocation: 0 }] });
  }

  await page.goto("/");
  const table = page.getByRole("table", { name: "Portfolios" });
  const rows = table.getByTestId("portfolio-row");
  await expect(rows).toHaveCount(9);

  // The row that traded: exposure from its last review (1 ETH at 2500 of a 10 000 paper account, about 25 %).
  const alpha = rows.filter({ hasText: "Alpha ETH" });
  await expect(alpha.getByTestId("portfolio-status")).toHaveText("Running");
  await expect(alpha.getByTestId("portfolio-row-exposure")).toHaveText(/^2[45](\.\d{1,2})?%$/);
  await expect(alpha.getByTestId("portfolio-row-pnl-today")).not.toHaveText("—");
  // The one waiting: its order is counted on its row and in the totals, a link to the page that approves it.
  const beta = rows.filter({ hasText: "Beta BTC approval" });
  await expect(beta.getByTestId("portfolio-row-approval").getByRole("link", { name: "1 order waits" })).toHaveText("1");
  await expect(page.getByTestId("portfolio-count-approval")).toContainText("1");
  await expect(page.getByTestId("portfolio-count-running")).toContainText("2 of 9");
  await expect(page.getByTestId("portfolio-count-positions")).toContainText("1");
  await expect(page.getByTestId("portfolio-total")).toContainText("Equity, USDT");
  // The list refreshes itself and says when.
  await expect(page.getByRole("region", { name: "Portfolios" }).getByTestId("live-status")).toContainText("Updated");
  await expect(page.getByRole("button", { name: "Refresh" })).toHaveCount(0);

  // Above the fold: the totals, and each of the nine rows, whole.
  for (const id of ["portfolio-total", "portfolio-total-pnl-today", "portfolio-total-pnl", "portfolio-count-approval"])
    await expectAboveTheFold(page.getByTestId(id), id);
  for (let i = 0; i < 9; i += 1) await expectAboveTheFold(rows.nth(i), `row ${i + 1}`);
  await expectNoSidewaysScroll(table);
  expect(await findOverflow(page)).toBeNull();
  await shot("dashboard-desktop-en");

  await page.setViewportSize(PHONE);
  await expect(table).toBeHidden();
  await expect(page.getByTestId("portfolio-card")).toHaveCount(9);
  await expect(page.getByTestId("portfolio-card").filter({ hasText: "Beta BTC approval" })).toContainText(
    "1 order waits",
  );
  expect(await findOverflow(page)).toBeNull();
  await shot("dashboard-phone-en");
});

test("the same in Russian, at 1280 and 390 px", async () => {
  await page.evaluate(() => localStorage.setItem("ballast.locale", "ru"));
  await page.setViewportSize(DESKTOP);
  await page.reload();
  const table = page.getByRole("table", { name: "Портфели" });
  const rows = table.getByTestId("portfolio-row");
  await expect(rows).toHaveCount(9);
  await expect(
    rows.filter({ hasText: "Beta BTC approval" }).getByTestId("portfolio-row-approval").getByRole("link"),
  ).toHaveAccessibleName("1 ордер ждёт");
  await expect(page.getByRole("region", { name: "Портфели" }).getByTestId("live-status")).toContainText("Обновлено");
  for (let i = 0; i < 9; i += 1) await expectAboveTheFold(rows.nth(i), `row ${i + 1} (ru)`);
  await expectNoSidewaysScroll(table);
  await expectAboveTheFold(page.getByTestId("portfolio-count-approval"), "approvals (ru)");
  expect(await findOverflow(page)).toBeNull();
  await shot("dashboard-desktop-ru");

  await page.setViewportSize(PHONE);
  await expect(page.getByTestId("portfolio-card")).toHaveCount(9);
  expect(await findOverflow(page)).toBeNull();
  await shot("dashboard-phone-ru");
  await page.evaluate(() => localStorage.setItem("ballast.locale", "en"));
});
