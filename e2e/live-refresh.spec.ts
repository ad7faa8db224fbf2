import { expect, type Page, test } from "@playwright/test";
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
import { DESKTOP, PHONE, screenshot } from "./support/screens.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// The portfolio page keeps itself fresh: no Refresh buttons, "Updated … ago" on the live sections, a review started
// through the API (not from the page) appears without a reload, and a section whose reads fail says how old its
// data is, then recovers. English and Russian at 1280 and 390 px. One sign-in for the file.
test.describe.configure({ mode: "serial" });

let page: Page;
let trader: Trader;
let id: string;

const shot = (name: string) => screenshot(page, name);
const region = (name: string) => page.getByRole("region", { name, exact: true });
const originOf = () => ({ Origin: new URL(page.url()).origin });
/** What the browser sends when the window gets the focus back: the page reads its live sections at once. */
/** The open-orders section's reads, which the failure test makes fail in the browser's network. */
const liveOrders = (url: URL) =>
  url.pathname === `/api/portfolios/${id}/orders` && url.searchParams.get("status") === "live";
const focusWindow = () => page.evaluate(() => window.dispatchEvent(new Event("focus")));

test.beforeAll(async ({ browser, request }) => {
  await holdPrice(request, "spot", "ETHUSDT", "2500");
  await holdPrice(request, "spot", "BTCUSDT", "60000");
  page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("live-refresh"));
  trader = await setUpTrader(page, request, `Sim live ${Date.now()}`);
});

test.afterAll(async () => {
  await page.close();
});

test("no Refresh buttons; a review run through the API shows up by itself, with its order and fill", async ({
  request,
}) => {
  await scriptDecisions(
    request,
    trader.aiKey,
    { result: spotPlan([spotBuy("ETHUSDT", "1", "2500")], "Buy ETH.") },
    { result: spotPlan([spotBuy("BTCUSDT", "0.01", "60000")], "Buy BTC from elsewhere.") },
  );
  id = await createPortfolio(page, {
    name: "Live majors",
    exchangeKeyId: trader.keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [
      { token: "ETH", minAllocation: 0 },
      { token: "BTC", minAllocation: 0 },
    ],
    reviewInterval: "1h",
    decisionSource: OPENAI,
    paper: true,
  });
  await startPortfolio(page, id);
  await page.goto(`/portfolios/${id}`);
  await expect(page.getByRole("heading", { name: "Live majors", level: 1 })).toBeVisible();
  const runs = region("Review history");
  await expect(runs.getByTestId("run").filter({ hasText: "Review #1" }).getByTestId("run-status")).toHaveText(
    "Completed",
    { timeout: 30_000 },
  );
  await expect(page.getByRole("button", { name: "Refresh" })).toHaveCount(0);
  for (const name of ["Review history", "Open orders", "Holdings", "Fills", "Order history", "Equity and PnL"])
    await expect(region(name).getByTestId("live-status"), name).toContainText("Updated");
  await expect(page.getByTestId("live-status").first()).toBeVisible();

  // Another client (a script, another tab) runs a review: the page shows it and its fill without being reloaded.
  const queued = await page.request.post(`/api/portfolios/${id}/runs`, { headers: originOf() });
  expect(queued.status(), await queued.text()).toBe(202);
  const second = runs.getByTestId("run").filter({ hasText: "Review #2" });
  await expect(second.getByTestId("run-status")).toHaveText("Completed", { timeout: 30_000 });
  await expect(region("Fills").getByTestId("fill").filter({ hasText: "BTCUSDT" })).toBeVisible({ timeout: 30_000 });
  await shot("live-refresh-desktop-en");
});

test("a section whose reads fail says how old its data is, and recovers", async () => {
  const open = region("Open orders");
  await expect(open.getByTestId("live-status")).toContainText("Updated");
  await page.route(liveOrders, (route) => route.abort("failed"));
  await expect(async () => {
    await focusWindow();
    await expect(open.getByTestId("live-status")).toHaveAttribute("data-failing", "true", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(open.getByTestId("live-status")).toContainText(/Could not update; the data is from/);
  await expect(open.getByRole("alert")).toBeVisible();

  await page.unroute(liveOrders);
  await expect(async () => {
    await focusWindow();
    await expect(open.getByTestId("live-status")).not.toHaveAttribute("data-failing", "true", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(open.getByTestId("live-status")).toContainText("Updated");
  await expect(open.getByRole("alert")).toHaveCount(0);
});

test("in Russian and on a phone", async () => {
  await page.evaluate(() => localStorage.setItem("ballast.locale", "ru"));
  await page.reload();
  await expect(page.getByRole("heading", { name: "Live majors", level: 1 })).toBeVisible();
  await expect(region("История обзоров").getByTestId("live-status")).toContainText("Обновлено");
  await expect(page.getByRole("button", { name: "Обновить" })).toHaveCount(0);
  expect(await findOverflow(page)).toBeNull();
  await shot("live-refresh-desktop-ru");

  await page.setViewportSize(PHONE);
  await expect(region("История обзоров").getByTestId("live-status")).toBeVisible();
  expect(await findOverflow(page)).toBeNull();
  await shot("live-refresh-phone-ru");
  await page.evaluate(() => localStorage.setItem("ballast.locale", "en"));
  await page.reload();
  await expect(region("Review history").getByTestId("live-status")).toContainText("Updated");
  expect(await findOverflow(page)).toBeNull();
  await shot("live-refresh-phone-en");
});
