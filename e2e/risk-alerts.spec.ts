import { expect, type Page, test } from "@playwright/test";
import {
  createPortfolio,
  futuresOpen,
  futuresPlan,
  holdPrice,
  OPENAI,
  scriptDecisions,
  setUpTrader,
  startPortfolio,
  type Trader,
} from "./support/portfolios.ts";
import { DESKTOP, PHONE, screenshot } from "./support/screens.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// Risk between reviews on the portfolio page: a live futures position (Binance simulator, isolated 5× DOGE long
// from 0.4, liquidated near 0.3216) whose stop-loss the owner moves near, then beyond, its liquidation price. The
// cron's sync (fired here as production's trigger would, at a minute it syncs in) records an alert, then pauses the
// portfolio; the page shows both, at desktop and phone widths, in English and Russian.
test.describe.configure({ mode: "serial" });

let page: Page;
let trader: Trader;
let portfolioId: string;

const shot = (name: string) => screenshot(page, name);
const origin = () => ({ Origin: new URL(page.url()).origin });

/** One tick of the scheduled handler at the start of a minute the sync runs in (every third). */
async function syncTick() {
  const time = Math.floor(Date.now() / 180_000) * 180_000;
  const query = new URLSearchParams({ cron: "* * * * *", time: String(time), format: "json" });
  const tick = await page.request.get(`/cdn-cgi/handler/scheduled?${query}`);
  expect(tick.ok(), await tick.text()).toBe(true);
}

async function moveStop(stopLoss: string) {
  const moved = await page.request.put(`/api/keys/${trader.keyId}/futures/DOGEUSDT/stops`, {
    headers: origin(),
    data: { stopLoss, takeProfit: null },
  });
  expect(moved.status(), await moved.text()).toBe(200);
}

const alerts = () => page.getByTestId("risk-alert");

test.beforeAll(async ({ browser, request }) => {
  await holdPrice(request, "linear", "DOGEUSDT", "0.4");
  page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("risk-alerts"));
  trader = await setUpTrader(page, request, `Sim risk ${Date.now()}`);
  await scriptDecisions(request, trader.aiKey, {
    result: futuresPlan(
      [futuresOpen({ symbol: "DOGEUSDT", side: "LONG", quantity: "10000", leverage: 5, stopLoss: "0.36" })],
      "Open a DOGE long.",
    ),
  });
  portfolioId = await createPortfolio(page, {
    name: "DOGE perps",
    exchangeKeyId: trader.keyId,
    market: "futures",
    cashToken: "USDT",
    tokens: [{ token: "DOGE", minAllocation: 0 }],
    reviewInterval: "4h",
    decisionSource: OPENAI,
    paper: false,
    futures: { positionMode: "one_way", marginMode: "isolated", maxLeverage: 5 },
  });
  await startPortfolio(page, portfolioId);
  await expect
    .poll(
      async () => {
        const runs = await page.request.get(`/api/portfolios/${portfolioId}/runs`);
        return ((await runs.json()) as { runs?: { status: string }[] }).runs?.[0]?.status ?? "none";
      },
      { timeout: 30_000 },
    )
    .toBe("completed");
});

test.afterAll(async () => {
  await page.close();
});

test("a stop-loss near liquidation shows an alert while the portfolio keeps running", async () => {
  await page.goto(`/portfolios/${portfolioId}`);
  await expect(page.getByRole("heading", { name: "DOGE perps", level: 1 })).toBeVisible();
  await expect(page.getByTestId("risk-alerts")).toHaveCount(0);

  await moveStop("0.3235");
  await syncTick();
  await page.reload();
  const section = page.getByRole("region", { name: "Risk alerts" });
  await expect(section).toBeVisible();
  await expect(alerts()).toHaveCount(1);
  await expect(alerts().first()).toHaveAttribute("data-code", "stop_near_liquidation");
  await expect(alerts().first()).toContainText(
    /DOGEUSDT long: the stop-loss at 0\.3235 is only 0\.\d+% from the liquidation price 0\.32\d+/,
  );
  await expect(page.getByTestId("status-notice")).toHaveCount(0);
  await shot("risk-alert-near-desktop");
  await page.setViewportSize(PHONE);
  await shot("risk-alert-near-phone");
  await page.setViewportSize(DESKTOP);
});

test("a stop-loss beyond liquidation pauses the portfolio, with the reason and the alert", async () => {
  await moveStop("0.318");
  await syncTick();
  await page.reload();
  const notice = page.getByRole("note").filter({ hasText: "This portfolio is paused" });
  await expect(notice).toBeVisible();
  await expect(notice.getByTestId("status-notice-reason")).toContainText(
    /The long DOGEUSDT stop-loss at 0\.3180? lies beyond the liquidation price 0\.32\d+/,
  );
  await expect(notice).toContainText("A futures stop-loss lies beyond its liquidation price");
  await expect(alerts()).toHaveCount(1);
  await expect(alerts().first()).toHaveAttribute("data-code", "stop_beyond_liquidation");
  await expect(alerts().first()).toContainText("Ballast paused the portfolio");
  await shot("risk-alert-paused-desktop");
  await page.setViewportSize(PHONE);
  await shot("risk-alert-paused-phone");
  await page.setViewportSize(DESKTOP);
});

test("the alert and the pause speak Russian", async () => {
  await page.getByLabel("Language").selectOption("ru");
  await expect(page.getByRole("region", { name: "Предупреждения о риске" })).toBeVisible();
  // Prices in the reader's number format (ru: decimal comma).
  await expect(alerts().first()).toContainText(/DOGEUSDT лонг: стоп-лосс 0,318\d* стоит за ценой ликвидации 0,32\d+/);
  await expect(page.getByRole("note").filter({ hasText: "Портфель приостановлен" })).toContainText(
    "Стоп-лосс фьючерсной позиции стоит за ценой ликвидации",
  );
  await shot("risk-alert-paused-ru-desktop");
  await page.setViewportSize(PHONE);
  await shot("risk-alert-paused-ru-phone");
  await page.setViewportSize(DESKTOP);
  await page.getByLabel("Язык").selectOption("en");
});
