import { expect, type Page, test } from "@playwright/test";
import { trendWarmUp } from "../test/support/scripted-candles.ts";
import { createPortfolio, SIM, setUpTrader } from "./support/portfolios.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// The portfolio page's Backtest panel: the built-in strategy over the simulator's latest candles, with the equity
// curve in the portfolio's chart, the totals and the trades, in English and Russian, on desktop and phone; for a
// futures portfolio over candles scripted into the simulator, with its stop-loss, funding, notes and open position.

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

test("a futures portfolio's backtest shows the stop-loss it hit, its open position and its assumptions, in en and ru", async ({
  browser,
  request,
}) => {
  // The trend rule goes long at the warm-up's last close (20.00, stop 17.00); the next candle falls through the stop,
  // then the market climbs back in a zigzag and the rule goes long again.
  const after = [
    { open: "20.00", high: "20.50", low: "16.80", close: "17.50" },
    { open: "17.50", high: "18.10", low: "17.40", close: "18.00" },
    { open: "18.00", high: "18.20", low: "17.70", close: "17.80" },
    { open: "17.80", high: "18.40", low: "17.75", close: "18.30" },
    { open: "18.30", high: "18.40", low: "18.00", close: "18.10" },
    { open: "18.10", high: "18.80", low: "18.05", close: "18.70" },
  ];
  const scripted = await request.post(`${SIM}/control/candles`, {
    data: {
      venue: "binance",
      market: "linear",
      symbol: "TESTUSDT",
      interval: "4h",
      candles: [...trendWarmUp(), ...after],
      fundingRate: "0.0001",
    },
  });
  expect(scripted.status(), await scripted.text()).toBe(201);

  const page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("backtest-futures"));
  const trader = await setUpTrader(page, request, `Sim futures backtest ${Date.now()}`);
  const id = await createPortfolio(page, {
    name: "Backtested perpetual",
    exchangeKeyId: trader.keyId,
    market: "futures",
    cashToken: "USDT",
    tokens: [{ token: "TEST", minAllocation: 10 }],
    reviewInterval: "1h",
    futures: { positionMode: "one_way", marginMode: "cross", maxLeverage: 5 },
    paper: true,
  });

  await page.goto(`/portfolios/${id}`);
  const panel = page.getByTestId("backtest");
  await panel.getByLabel("Candle length").selectOption("4h");
  await panel.getByLabel("Candles", { exact: true }).fill(String(after.length + 1));
  await panel.getByRole("button", { name: "Run backtest" }).click();
  const totals = panel.getByTestId("backtest-totals");
  await expect(totals).toContainText("Stop-loss hits");
  await expect(totals).toContainText("Funding paid");
  const trades = panel.getByTestId("backtest-trades");
  await expect(trades.getByRole("row").nth(1)).toContainText("Open · Long");
  await expect(trades.locator("tr[data-trigger=stop_loss]")).toContainText("Stop-loss");
  await expect(trades.locator("tr[data-trigger=stop_loss]")).toContainText("17");
  await expect(panel.getByTestId("backtest-notes")).toContainText("counts the stop-loss");
  await expect(panel.getByTestId("equity-chart")).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/backtest-futures-desktop-en.png" });

  await page.setViewportSize(PHONE);
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/backtest-futures-phone-en.png" });

  await page.getByLabel("Language").selectOption("ru");
  await expect(totals).toContainText("Срабатываний стоп-лосса");
  await expect(trades.locator("tr[data-trigger=stop_loss]")).toContainText("Стоп-лосс");
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/backtest-futures-phone-ru.png" });

  await page.setViewportSize(DESKTOP);
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/backtest-futures-desktop-ru.png" });
  await page.close();
});
