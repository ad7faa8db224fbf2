import { expect, type Page, test } from "@playwright/test";
import {
  createPortfolio,
  holdPrice,
  OPENAI,
  reviewCompleted,
  SIM,
  scriptDecisions,
  setUpTrader,
  spotBuy,
  spotPlan,
  startPortfolio,
} from "./support/portfolios.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// The run view's "What if…" panel: a review that bought ETH at market and BTC with a limit is replayed, first as it
// was (the same orders: no difference), then with a 10 % order cap (the ETH buy is refused and shows as removed),
// in English and Russian, on desktop and phone.

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

async function expectNoSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    page.viewportSize()?.width ?? 0,
  );
}

test("a review replayed with a tighter order cap shows what would have changed, on desktop and phone, in en and ru", async ({
  browser,
  request,
}) => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("replay"));
  const trader = await setUpTrader(page, request, `Sim replay ${Date.now()}`);
  await holdPrice(request, "spot", "ETHUSDT", "2500");
  await holdPrice(request, "spot", "BTCUSDT", "60000");
  await scriptDecisions(request, trader.aiKey, {
    result: spotPlan([spotBuy("ETHUSDT", "1", "2500"), spotBuy("BTCUSDT", "0.01", "60000", "59000")], "Buy majors."),
  });
  const id = await createPortfolio(page, {
    name: "What-if majors",
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
  await reviewCompleted(page, id);

  await page.goto(`/portfolios/${id}`);
  // Found by its id, so the same locator holds once the page is in Russian.
  const first = page
    .getByRole("region", { name: "Review history", exact: true })
    .getByTestId("run")
    .filter({ hasText: "Review #1" });
  const runId = await first.getAttribute("data-run-id");
  const panel = page.locator(`[data-run-id="${runId}"]`).getByTestId("run-replay");
  await first.getByRole("button", { name: "Review #1" }).click();
  await panel.getByText("What if…").click();

  // As it was: the same two orders on both sides, and no difference.
  await panel.getByRole("button", { name: "Replay" }).click();
  await expect(panel.getByTestId("replay-same")).toHaveText("The replay plans exactly what the review did.");
  await expect(panel.getByTestId("replay-orders").getByRole("row")).toHaveCount(3);
  await expect(panel.getByTestId("replay-recorded").getByRole("row")).toHaveCount(3);

  // A 10 % cap on 10 000 USDT: the 2 500 USD ETH buy is refused, the BTC limit buy stays.
  await panel.getByLabel("Largest order, % of equity").fill("10");
  await panel.getByRole("button", { name: "Replay" }).click();
  const diff = panel.getByTestId("replay-diff");
  await expect(diff.getByRole("row").filter({ hasText: "ETHUSDT" })).toContainText("removed");
  await expect(panel.getByTestId("replay-orders")).not.toContainText("ETHUSDT");
  await expect(panel.getByTestId("replay-orders")).toContainText("BTCUSDT");
  await expect(panel.getByTestId("replay-refusals")).toContainText("Above the per-order cap");
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: "artifacts/screenshots/replay-desktop-en.png", fullPage: true });
  await panel.screenshot({ path: "artifacts/screenshots/replay-panel-desktop-en.png" });

  // A bound the worker refuses is worded next to its field, with the field's label.
  await panel.getByLabel("Largest order, % of equity").fill("250");
  await panel.getByRole("button", { name: "Replay" }).click();
  await expect(panel.getByText(/^Largest order, % of equity: must be more than 0 and at most 100%/)).toBeVisible();
  await panel.getByLabel("Largest order, % of equity").fill("10");
  await panel.getByRole("button", { name: "Replay" }).click();
  await expect(diff).toBeVisible();

  await page.setViewportSize(PHONE);
  await panel.scrollIntoViewIfNeeded();
  await expect(diff).toBeVisible();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: "artifacts/screenshots/replay-phone-en.png", fullPage: true });
  await panel.screenshot({ path: "artifacts/screenshots/replay-panel-phone-en.png" });

  await page.getByLabel("Language").selectOption("ru");
  await expect(panel.getByRole("button", { name: "Переиграть" })).toBeVisible();
  await expect(diff.getByRole("row").filter({ hasText: "ETHUSDT" })).toContainText("убран");
  await expect(panel.getByTestId("replay-refusals")).toContainText("Больше лимита на ордер");
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: "artifacts/screenshots/replay-phone-ru.png", fullPage: true });
  await panel.screenshot({ path: "artifacts/screenshots/replay-panel-phone-ru.png" });

  await page.setViewportSize(DESKTOP);
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: "artifacts/screenshots/replay-desktop-ru.png", fullPage: true });
  await panel.screenshot({ path: "artifacts/screenshots/replay-panel-desktop-ru.png" });
  await page.close();
});

// The same panel with the portfolio's own AI as the source: the form says the request is billed, the replay shows
// who decided and what it cost; once that cost reached the portfolio's monthly cap, the next AI replay is refused
// with the reason, worded in the reader's language (and again when they switch).
test("a review replayed by the portfolio's AI with other instructions shows who decided, its cost, and the cap's refusal", async ({
  browser,
  request,
}) => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("replay-ai"));
  const trader = await setUpTrader(page, request, `Sim AI replay ${Date.now()}`);
  await holdPrice(request, "spot", "ETHUSDT", "2500");
  await holdPrice(request, "spot", "BTCUSDT", "60000");
  await scriptDecisions(request, trader.aiKey, { result: spotPlan([spotBuy("ETHUSDT", "1", "2500")], "Buy ETH.") });
  const source = { ...OPENAI, monthlySpendCapUsd: "0.01" };
  const id = await createPortfolio(page, {
    name: "What-if by AI",
    exchangeKeyId: trader.keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [
      { token: "ETH", minAllocation: 0 },
      { token: "BTC", minAllocation: 0 },
    ],
    reviewInterval: "1h",
    decisionSource: source,
    paper: true,
  });
  await startPortfolio(page, id);
  await reviewCompleted(page, id);
  // With web search on, the replay's request costs at least the cap (0.01 USD a search), so the next one is refused.
  const patched = await page.request.patch(`/api/portfolios/${id}`, {
    headers: { Origin: new URL(page.url()).origin },
    data: { decisionSource: { ...source, webSearch: true } },
  });
  expect(patched.status(), await patched.text()).toBe(200);
  await scriptDecisions(request, trader.aiKey, {
    result: spotPlan([spotBuy("BTCUSDT", "0.01", "60000")], "BTC only, as instructed."),
  });

  await page.goto(`/portfolios/${id}`);
  const first = page
    .getByRole("region", { name: "Review history", exact: true })
    .getByTestId("run")
    .filter({ hasText: "Review #1" });
  const runId = await first.getAttribute("data-run-id");
  const panel = page.locator(`[data-run-id="${runId}"]`).getByTestId("run-replay");
  await first.getByRole("button", { name: "Review #1" }).click();
  await panel.getByText("What if…").click();

  await panel.getByTestId("replay-source").selectOption({ label: "AI: OpenAI · gpt-5-mini" });
  await expect(panel.getByTestId("replay-ai-note")).toContainText("The request is billed");
  await panel.getByLabel("Instructions").fill("Buy BTC only, never ETH.");
  await panel.getByRole("button", { name: "Replay" }).click();
  await expect(panel.getByTestId("replay-decided-by")).toHaveText("Decided by OpenAI · gpt-5-mini");
  await expect(panel.getByTestId("replay-cost")).toContainText("Estimated cost");
  const diff = panel.getByTestId("replay-diff");
  await expect(diff.getByRole("row").filter({ hasText: "ETHUSDT" })).toContainText("removed");
  await expect(diff.getByRole("row").filter({ hasText: "BTCUSDT" })).toContainText("added");
  // The instructions typed here are what the AI was given.
  const asked = await request.get(`${SIM}/control/ai/requests?apiKey=${encodeURIComponent(trader.aiKey)}`);
  const requests = ((await asked.json()) as { requests: { body: { instructions?: string } }[] }).requests;
  expect(requests.at(-1)?.body.instructions).toContain("Buy BTC only, never ETH.");
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: "artifacts/screenshots/replay-ai-desktop-en.png", fullPage: true });
  await panel.screenshot({ path: "artifacts/screenshots/replay-ai-panel-desktop-en.png" });

  await page.setViewportSize(PHONE);
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/replay-ai-panel-phone-en.png" });

  await page.getByLabel("Language").selectOption("ru");
  await expect(panel.getByTestId("replay-decided-by")).toHaveText("Решение принял: OpenAI · gpt-5-mini");
  await expect(panel.getByText("Сколько стоил этот повтор")).toBeVisible();
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/replay-ai-panel-phone-ru.png" });

  // The replay's cost reached the cap: the next AI replay is refused, and says why.
  await panel.getByRole("button", { name: "Переиграть" }).click();
  const refusal = panel.getByTestId("replay-refusal");
  await expect(refusal).toContainText("Повтор с ИИ не выполнен.");
  await expect(refusal).toContainText("OpenAI");
  await expect(panel.getByTestId("replay-result")).toHaveCount(0);
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: "artifacts/screenshots/replay-ai-refused-phone-ru.png", fullPage: true });
  await panel.screenshot({ path: "artifacts/screenshots/replay-ai-refused-panel-phone-ru.png" });

  await page.setViewportSize(DESKTOP);
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/replay-ai-refused-panel-desktop-ru.png" });

  await page.getByLabel("Язык").selectOption("en");
  await expect(refusal).toHaveText(
    /^The AI replay did not run\. This month's AI spend of 0\.0\d USD reached the portfolio's cap of 0\.01 USD; OpenAI was not asked\.$/,
  );
  await expectNoSidewaysScroll(page);
  await panel.screenshot({ path: "artifacts/screenshots/replay-ai-refused-panel-desktop-en.png" });
  await page.close();
});
