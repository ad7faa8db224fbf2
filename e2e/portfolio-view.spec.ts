import { expect, type Page, test } from "@playwright/test";
import {
  createPortfolio,
  futuresOpen,
  futuresPlan,
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

// The portfolio page against the simulator (port 8798): a paper spot portfolio started from the page, a review run
// from it with its progress, the refused order with its reason, the equity chart, a resting limit order canceled
// after its confirmation; a paper futures review that opens a position with its SL/TP; and the page in Russian.
// Decisions come from the simulator's OpenAI-compatible API, scripted per review. One sign-in for the file.
test.describe.configure({ mode: "serial" });

let page: Page;
let trader: Trader;
let spotId: string;

const shot = (name: string) => screenshot(page, name);
const region = (name: string) => page.getByRole("region", { name, exact: true });
const progress = () => page.getByTestId("run-progress");

test.beforeAll(async ({ browser, request }) => {
  await holdPrice(request, "spot", "ETHUSDT", "2500");
  await holdPrice(request, "spot", "BTCUSDT", "60000");
  await holdPrice(request, "spot", "SOLUSDT", "100");
  await holdPrice(request, "linear", "SOLUSDT", "100");
  page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("portfolio-view"));
  trader = await setUpTrader(page, request, `Sim view ${Date.now()}`);
});

test.afterAll(async () => {
  await page.close();
});

test("paper spot: start from the page, follow its first review, see the refused order's reason", async ({
  request,
}) => {
  await scriptDecisions(
    request,
    trader.aiKey,
    // The start's review: one market buy, and one pair the portfolio does not trade (refused by the guards).
    { result: spotPlan([spotBuy("ETHUSDT", "1", "2500"), spotBuy("XRPUSDT", "10", "0.5")], "Buy ETH.") },
    // Run now: a limit buy below the price, which rests; held at "decide" long enough to see the progress.
    {
      result: spotPlan([spotBuy("BTCUSDT", "0.01", "60000", "59000")], "Bid for BTC below the market."),
      delayMs: 2500,
    },
  );
  spotId = await createPortfolio(page, {
    name: "Paper majors",
    exchangeKeyId: trader.keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [
      { token: "ETH", minAllocation: 10, targetAllocation: 30 },
      { token: "BTC", minAllocation: 0, targetAllocation: 20, maxAllocation: 40 },
    ],
    reviewInterval: "1h",
    decisionSource: OPENAI,
    paper: true,
  });
  await page.goto(`/portfolios/${spotId}`);
  await expect(page.getByRole("heading", { name: "Paper majors", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Run a review now" })).toBeDisabled();
  await expect(page.getByText("Start the portfolio to run reviews.")).toBeVisible();
  await expect(region("Review history")).toContainText("No reviews yet.");
  await expect(region("Equity and PnL").getByTestId("equity-empty")).toBeVisible();
  await expect(region("Holdings")).toContainText("Nothing is held yet");
  // A draft has nothing to show yet, and no section treats that as a failure.
  await expect(page.getByRole("alert")).toHaveCount(0);

  await page.getByRole("button", { name: "Start", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Start it" }).click();
  await expect(progress()).toContainText("Review #1 completed: Buy ETH.");

  const runs = region("Review history");
  const first = runs.getByTestId("run").filter({ hasText: "Review #1" });
  await expect(first.getByTestId("run-status")).toHaveText("Completed");
  await expect(first).toContainText("At start");
  await expect(first).toContainText("OpenAI · gpt-5-mini");
  await expect(first).toContainText("refused or failed: 1");
  await first.getByRole("button", { name: "Review #1" }).click();
  await expect(first.getByRole("button", { name: "Review #1" })).toHaveAttribute("aria-expanded", "true");
  const details = first.getByTestId("run-details");
  await expect(details.getByRole("table", { name: "Decision of review #1" })).toContainText("XRPUSDT");
  const orders = details.getByRole("table", { name: "Orders of review #1" });
  const refused = orders.getByRole("row", { name: /XRPUSDT/ });
  await expect(refused.getByTestId("order-status")).toHaveText("Refused");
  await expect(refused.getByTestId("order-reason")).toHaveText(
    "XRPUSDT is not one of this portfolio's trading routes.",
  );
  await expect(orders.getByRole("row", { name: /ETHUSDT/ }).getByTestId("order-status")).toHaveText("Filled");
  await expect(details.getByTestId("run-usage")).toContainText("Estimated cost");
  await expect(details.getByTestId("run-durations")).toContainText("Asking for a decision");
  // What the decision was based on, readable: the holdings it saw (all cash at start) and the market context.
  const holdingsSeen = details.getByRole("table", { name: "Holdings seen by review #1" });
  await expect(holdingsSeen.getByRole("row", { name: /USDT/ })).toContainText("10,000.00");
  await expect(details.getByRole("table", { name: "Market context seen by review #1" })).toContainText("ETHUSDT");

  // The raw JSON comes from the run route, collapsed until asked for.
  const raw = details.getByTestId("run-raw");
  await raw.getByText("Raw JSON").click();
  await expect(raw.getByRole("button", { name: "Copy all" })).toBeVisible();
  await expect(raw.locator("pre").first()).toContainText('"kind": "spot"');

  await expect(region("Holdings").getByRole("row", { name: /ETH/ }).first()).toBeVisible();
  await expect(region("Fills").getByTestId("fill").filter({ hasText: "ETHUSDT" }).first()).toBeVisible();
});

test("run now shows the review's progress, then its resting order, the chart and the allocation", async () => {
  const nextRun = page.getByTestId("portfolio-overview").getByText("Next review");
  await expect(nextRun).toBeVisible();
  await page.getByRole("button", { name: "Run a review now" }).click();
  await expect(progress()).toContainText("Review #2: Asking for a decision…");
  await expect(page.getByRole("list", { name: "Steps of review #2" }).locator("[aria-current=step]")).toHaveText(
    "Asking for a decision",
  );
  await expect(page.getByRole("button", { name: "Review in progress…" })).toBeDisabled();
  await expect(progress()).toContainText("Review #2 completed: Bid for BTC below the market.", { timeout: 20_000 });

  const open = region("Open orders");
  const resting = open.getByRole("row", { name: /BTCUSDT/ });
  await expect(resting.getByTestId("order-status")).toHaveText("Open");
  await expect(resting).toContainText("59");

  const chart = region("Equity and PnL");
  await expect(chart.getByTestId("equity-chart").locator("canvas").first()).toBeVisible();
  await expect(chart.getByTestId("equity-summary")).toContainText(/^\s*3 points from/);
  const allocation = region("Allocation");
  await expect(allocation.getByTestId("allocation-item").filter({ hasText: "BTC" })).toContainText("target 20%");
  await expect(allocation.getByTestId("allocation-item").filter({ hasText: "ETH" })).toContainText("minimum 10%");
  await expect(region("Order history").getByRole("link", { name: "Export CSV" })).toHaveAttribute(
    "href",
    `/api/portfolios/${spotId}/orders/export`,
  );
  await shot("portfolio-view-desktop");
  await page.setViewportSize(PHONE);
  await expect(open.getByRole("button", { name: "Cancel" })).toBeVisible();
  await shot("portfolio-view-phone");
  await page.setViewportSize(DESKTOP);
});

test("cancel an open order after its confirmation", async () => {
  const open = region("Open orders");
  await open
    .getByRole("row", { name: /BTCUSDT/ })
    .getByRole("button", { name: "Cancel" })
    .click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Cancel the Buy order for 0.01");
  await dialog.getByRole("button", { name: "Cancel the order" }).click();
  await expect(open.getByRole("status").filter({ hasText: "Order on BTCUSDT: Canceled." })).toBeVisible();
  await expect(open.getByText("No open orders.")).toBeVisible();

  const history = region("Order history");
  await history.getByLabel("Status").selectOption("canceled");
  await expect(history.getByRole("row", { name: /BTCUSDT/ }).getByTestId("order-status")).toHaveText("Canceled");
  // The export follows the filter; a plain same-origin link, so the session cookie authorizes it.
  const exportLink = history.getByRole("link", { name: "Export CSV" });
  await expect(exportLink).toHaveAttribute("href", `/api/portfolios/${spotId}/orders/export?status=canceled`);
  const csv = await page.request.get((await exportLink.getAttribute("href")) ?? "");
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toContain("BTCUSDT");
  await history.getByLabel("Status").selectOption("");
  await expect(history.getByTestId("portfolio-order")).toHaveCount(3);
});

test("paper futures: a review opens a position, shown with its stop-loss and take-profit", async ({ request }) => {
  await scriptDecisions(
    request,
    trader.aiKey,
    { result: futuresPlan([], "Wait for a trend.") },
    {
      result: futuresPlan(
        [
          futuresOpen({
            symbol: "SOLUSDT",
            side: "LONG",
            quantity: "10",
            leverage: 3,
            stopLoss: "95",
            takeProfit: "110",
          }),
        ],
        "Open a SOL long.",
      ),
    },
  );
  const id = await createPortfolio(page, {
    name: "Paper perps",
    exchangeKeyId: trader.keyId,
    market: "futures",
    cashToken: "USDT",
    tokens: [{ token: "SOL", minAllocation: 0 }],
    reviewInterval: "4h",
    decisionSource: OPENAI,
    paper: true,
    futures: { positionMode: "one_way", marginMode: "cross", maxLeverage: 5 },
  });
  await startPortfolio(page, id);
  await page.goto(`/portfolios/${id}`);
  const runs = region("Review history");
  await expect(runs.getByTestId("run").filter({ hasText: "Review #1" })).toContainText("Wait for a trend.");
  await expect(region("Positions").getByText("No open positions.")).toBeVisible();

  await page.getByRole("button", { name: "Run a review now" }).click();
  await expect(progress()).toContainText("Review #2 completed: Open a SOL long.", { timeout: 20_000 });
  const position = region("Positions").getByRole("row", { name: /SOLUSDT/ });
  await expect(position).toContainText("Long");
  await expect(position).toContainText("10");
  await expect(position.getByTestId("position-stop-loss")).toHaveText("95.00");
  await expect(position.getByTestId("position-take-profit")).toHaveText("110.00");

  const second = runs.getByTestId("run").filter({ hasText: "Review #2" });
  await second.getByRole("button", { name: "Review #2" }).click();
  const opened = second.getByRole("table", { name: "Orders of review #2" }).getByRole("row", { name: /SOLUSDT/ });
  await expect(opened).toContainText("Open");
  await expect(opened).toContainText("SL 95");
  await expect(opened).toContainText("placed");
  await expect(opened.getByTestId("order-status")).toHaveText("Filled");
  await expect(second.getByRole("table", { name: "Decision of review #2" })).toContainText("OpenLong");
  await shot("portfolio-view-futures");
});

test("a portfolio Ballast paused says why, at the top of its page", async ({ request }) => {
  // A drawdown limit the first buy's fee already reaches: the review completes, then Ballast pauses the portfolio.
  await scriptDecisions(request, trader.aiKey, { result: spotPlan([spotBuy("SOLUSDT", "10", "100")], "Buy SOL.") });
  const id = await createPortfolio(page, {
    name: "Tight limits",
    exchangeKeyId: trader.keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [{ token: "SOL", minAllocation: 0 }],
    reviewInterval: "1h",
    decisionSource: OPENAI,
    paper: true,
    risk: { maxOrderPct: null, maxExposurePct: null, maxDailyLossPct: null, maxDrawdownPct: "0.01" },
  });
  await startPortfolio(page, id);
  await expect
    .poll(async () => ((await (await page.request.get(`/api/portfolios/${id}`)).json()) as { status: string }).status, {
      timeout: 20_000,
    })
    .toBe("paused");
  await page.goto(`/portfolios/${id}`);
  const notice = page.getByRole("note").filter({ hasText: "This portfolio is paused" });
  await expect(notice).toBeVisible();
  await expect(notice.getByTestId("status-notice-reason")).toContainText(/Drawdown of [\d.]+% from the peak/);
  await expect(notice).toContainText("A loss limit was reached");
  await expect(page.getByRole("button", { name: "Run a review now" })).toBeDisabled();
});

test("the portfolio page speaks Russian", async () => {
  await page.goto(`/portfolios/${spotId}`);
  await page.getByLabel("Language").selectOption("ru");
  await expect(page.getByRole("button", { name: "Провести обзор сейчас" })).toBeVisible();
  await expect(region("История обзоров").getByTestId("run").first()).toContainText("Обзор №2");
  await expect(region("Открытые ордера")).toContainText("Открытых ордеров нет.");
  await expect(region("История ордеров").getByTestId("order-status").first()).toBeVisible();
  await expect(region("Стоимость и PnL").getByTestId("equity-summary")).toContainText("Точек: 3");
  await expect(region("Распределение")).toBeVisible();
  await expect(region("Сделки")).toBeVisible();
  await expect(region("Активы")).toBeVisible();
  await shot("portfolio-view-ru");
  await page.getByLabel("Язык").selectOption("en");
  await expect(page.getByRole("button", { name: "Run a review now" })).toBeVisible();
});
