import { expect, test } from "@playwright/test";
import {
  createPortfolio,
  OPENAI,
  reviewCompleted,
  scriptDecisions,
  setUpTrader,
  spotPlan,
  startPortfolio,
} from "./support/portfolios.ts";
import { DESKTOP, PHONE } from "./support/screens.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// The run view's "Signals": the app started like `npm start` reads the simulator's demo news feeds and its Fear &
// Greed reading on a cron tick; a paper review of BTC and SOL then sees the headlines about its tokens and the
// market-wide ones (not those about ETH or XRP) and the sentiment reading, and its page lists exactly those.

test("a review's page lists the news and sentiment signals its decision saw, on desktop and phone", async ({
  browser,
  request,
}) => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("signals"));
  const trader = await setUpTrader(page, request, `Sim signals ${Date.now()}`);

  // The cron tick production would fire (the server's own ticks come every minute): it reads the feeds into D1.
  const query = new URLSearchParams({ cron: "* * * * *", time: String(Date.now()), format: "json" });
  const tick = await page.request.get(`/cdn-cgi/handler/scheduled?${query}`);
  expect(tick.ok(), await tick.text()).toBe(true);

  await scriptDecisions(request, trader.aiKey, { result: spotPlan([], "Hold: the news is mixed.") });
  const id = await createPortfolio(page, {
    name: "News-aware majors",
    exchangeKeyId: trader.keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [
      { token: "BTC", minAllocation: 0 },
      { token: "SOL", minAllocation: 0 },
    ],
    reviewInterval: "1h",
    decisionSource: OPENAI,
    paper: true,
  });
  await startPortfolio(page, id);
  await reviewCompleted(page, id);

  await page.goto(`/portfolios/${id}`);
  const first = page
    .getByRole("region", { name: "Review history", exact: true })
    .getByTestId("run")
    .filter({ hasText: "Review #1" });
  await first.getByRole("button", { name: "Review #1" }).click();
  const details = first.getByTestId("run-details");
  await expect(details.getByRole("heading", { name: "Signals" })).toBeVisible();
  const signals = details.getByRole("list", { name: "Signals review #1 saw" });
  const items = signals.getByRole("listitem");

  const btc = items.filter({ hasText: "Bitcoin ETF inflows surge" });
  await expect(btc).toContainText("news");
  await expect(btc).toContainText("BTC");
  await expect(btc).toContainText("score +1");
  await expect(btc.getByRole("link")).toHaveAttribute(
    "href",
    "https://coindesk.example/news/bitcoin-etf-inflows-surge-as-btc-holds-above-key-level",
  );
  await expect(items.filter({ hasText: "Solana network upgrade goes live" })).toContainText("SOL");
  const marketWide = items.filter({ hasText: "Exchange halts withdrawals after exploit drains hot wallet" });
  await expect(marketWide).toContainText("whole market");
  await expect(marketWide).toContainText("score -1");
  const sentiment = items.filter({ hasText: "Fear & Greed 40 (Fear)" });
  await expect(sentiment).toContainText("sentiment");
  await expect(sentiment).toContainText("score -0.2");
  await expect(sentiment).toContainText("alternative.me");
  // Only the portfolio's tokens and market-wide news: the ETH and XRP headlines were not in its input.
  await expect(signals).not.toContainText("Ethereum developers");
  await expect(signals).not.toContainText("XRP rallies");
  await expect(items).toHaveCount(5);
  await signals.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "artifacts/screenshots/run-signals-desktop.png", fullPage: true });

  await page.setViewportSize(PHONE);
  await signals.scrollIntoViewIfNeeded();
  await expect(sentiment).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.screenshot({ path: "artifacts/screenshots/run-signals-phone.png", fullPage: true });
  await page.close();
});
