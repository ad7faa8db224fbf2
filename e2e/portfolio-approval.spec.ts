import { expect, type Page, test } from "@playwright/test";
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
import { screenshot } from "./support/screens.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// Manual approval on the portfolio page against the simulator (port 8798): a review of a manual-approval paper
// portfolio waits with its two planned orders; an edit that breaks a guard is refused with the reason next to that
// order; then one order is approved with another quantity and the other rejected, in one request, and the outcome
// shows. One sign-in for the file.
test.describe.configure({ mode: "serial" });

let page: Page;
let trader: Trader;
let id: string;

const shot = (name: string) => screenshot(page, name);
const approval = () => page.getByRole("region", { name: "Waiting for your approval" });
const order = (symbol: string) => approval().getByRole("group", { name: new RegExp(symbol) });

test.beforeAll(async ({ browser, request }) => {
  await holdPrice(request, "spot", "ETHUSDT", "2500");
  await holdPrice(request, "spot", "BTCUSDT", "60000");
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signInThroughApi(page, uniqueEmail("portfolio-approval"));
  trader = await setUpTrader(page, request, `Sim approval ${Date.now()}`);
  await scriptDecisions(request, trader.aiKey, {
    result: spotPlan(
      [spotBuy("ETHUSDT", "1", "2500"), spotBuy("BTCUSDT", "0.01", "60000")],
      "Buy ETH and BTC; both wait for approval.",
    ),
  });
  id = await createPortfolio(page, {
    name: "Approve first",
    exchangeKeyId: trader.keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [
      { token: "ETH", minAllocation: 0 },
      { token: "BTC", minAllocation: 0 },
    ],
    reviewInterval: "1d",
    decisionSource: OPENAI,
    executionMode: "manual_approval",
    paper: true,
  });
  await startPortfolio(page, id);
});

test.afterAll(async () => {
  await page.close();
});

test("the review waits with its planned orders", async () => {
  await page.goto(`/portfolios/${id}`);
  await expect(approval()).toContainText("Review #1");
  await expect(approval()).toContainText("Buy ETH and BTC; both wait for approval.");
  await expect(approval().getByTestId("approval-order")).toHaveCount(2);
  await expect(order("ETHUSDT")).toContainText("Buy 1.00000 ETHUSDT at market");
  await expect(approval().getByRole("button", { name: "Send decisions (0)" })).toBeDisabled();
  const run = page.getByRole("region", { name: "Review history" }).getByTestId("run").first();
  await expect(run.getByTestId("run-status")).toHaveText("Awaiting approval");
});

test("an edit that breaks a guard is refused next to its order", async () => {
  await order("ETHUSDT").getByLabel("Approve").check();
  await order("ETHUSDT").getByLabel("Quantity").fill("100");
  await approval().getByRole("button", { name: "Send decisions (1)" }).click();
  await expect(order("ETHUSDT").getByTestId("approval-order-error")).toContainText("The edited order is refused");
  await expect(order("ETHUSDT").getByTestId("approval-order-error")).toContainText("is free");
  await expect(approval().getByTestId("approval-order")).toHaveCount(2);
  await shot("portfolio-view-approval-refused");
});

test("approve one order with an edited quantity and reject the other", async () => {
  await order("ETHUSDT").getByLabel("Quantity").fill("0.5");
  await order("BTCUSDT").getByLabel("Reject").check();
  const sent = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/approval"));
  await approval().getByRole("button", { name: "Send decisions (2)" }).click();
  const body = (await sent).postDataJSON() as { decisions: unknown[] };
  expect(body.decisions).toEqual([
    { orderId: expect.any(String), action: "approve", quantity: "0.5" },
    { orderId: expect.any(String), action: "reject" },
  ]);

  const outcome = approval().getByTestId("approval-outcome");
  await expect(outcome.getByRole("status")).toHaveText(
    "Your decisions on review #1 were applied: 1 placed, 1 rejected.",
  );
  const eth = outcome.getByRole("row", { name: /ETHUSDT/ });
  await expect(eth.getByTestId("order-status")).toHaveText("Filled");
  await expect(eth).toContainText("0.5");
  await expect(eth.getByTestId("order-reason")).toHaveText("Approved by you with changes.");
  const btc = outcome.getByRole("row", { name: /BTCUSDT/ });
  await expect(btc.getByTestId("order-status")).toHaveText("Refused");
  await expect(btc.getByTestId("order-reason")).toHaveText("Rejected by you.");
  await expect(approval().getByTestId("approval-form")).toHaveCount(0);

  const run = page.getByRole("region", { name: "Review history" }).getByTestId("run").first();
  await expect(run.getByTestId("run-status")).toHaveText("Completed");
  await expect(page.getByRole("region", { name: "Fills" }).getByTestId("fill")).not.toHaveCount(0);
  await shot("portfolio-view-approval-done");
});
