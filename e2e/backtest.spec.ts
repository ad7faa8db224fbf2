import { expect, type Page, test } from "@playwright/test";
import { createPortfolio, setUpTrader } from "./support/portfolios.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// The portfolio page's Backtest panel: the built-in strategy over the simulator's latest hourly candles, with the
// equity curve in the portfolio's chart, the totals and the trades, in English and Russian, on desktop and phone.

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

async function expectNoSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    page.viewportSize()?.width ?? 0,
  );
}

test("a spot portfolio's backtest shows its equity curve, totals and trades, on desktop and phone, in en and ru", async ({
  browser,
  request,
}) => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("backtest"));
  const trader = await setUpTrader(page, request, `Sim backtest ${Date.now()}`);
  const id = await createPortfolio(page, {
    name: "Backtested majors",
    exchangeKeyId: trader.keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [
      { token: "BTC", minAllocation: 20 },
      { token: "ETH", minAllocation: 20 },
    ],
    reviewInterval: "1h",
    paper: true,
    risk: { maxOrderPct: "20" },
  });

  await page.goto(`/portfolios/${id}`);
  const panel = page.getByTestId("backtest");
  await panel.getByLabel("Candle length").selectOption("1h");
  await panel.getByLabel("Candles", { exact: true }).fill("48");
  await panel.getByRole("button", { name: "Run backtest" }).click();
  const totals = panel.getByTestId("backtest-totals");
  await expect(totals).toContainText("Starting equity");
  await expect(totals).toContainText("10,000.00 USDT");
  await expect(panel.getByTestId("equity-chart")).toBeVisible();
  await expect(panel.getByTestId("equity-summary")).toContainText("48 points");
  await expect(panel.getByTestId("backtest-trades").getByRole("row").nth(1)).toContainText("USDT");
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/backtest-desktop-en.png" });

  // A period the worker refuses (over 90 days) is the request's error.
  await panel.getByLabel("Candle length").selectOption("1d");
  await panel.getByLabel("Candles", { exact: true }).fill("120");
  await panel.getByRole("button", { name: "Run backtest" }).click();
  await expect(panel.getByRole("alert")).toContainText("90 days");
  await panel.getByLabel("Candle length").selectOption("1h");
  await panel.getByLabel("Candles", { exact: true }).fill("48");
  await panel.getByRole("button", { name: "Run backtest" }).click();
  await expect(totals).toBeVisible();

  await page.setViewportSize(PHONE);
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/backtest-phone-en.png" });

  await page.getByLabel("Language").selectOption("ru");
  await expect(panel.getByRole("button", { name: "Запустить бэктест" })).toBeVisible();
  await expect(totals).toContainText("Начальный капитал");
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/backtest-phone-ru.png" });

  await page.setViewportSize(DESKTOP);
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/backtest-desktop-ru.png" });
  await page.close();
});
