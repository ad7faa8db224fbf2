import { type Browser, expect, type Page, test } from "@playwright/test";
import {
  createPortfolio,
  holdPrice,
  OPENAI,
  scriptDecisions,
  setUpTrader,
  spotPlan,
  type Trader,
} from "./support/portfolios.ts";
import { PHONE } from "./support/screens.ts";
import { ADMIN_EMAIL, signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// AI options and keys in the UI, against the simulator (port 8798): an OpenAI key with its own base URL (the
// simulator reached as localhost, an operator-listed host), the administrator sharing it with a user and a monthly
// budget, the user choosing it for a portfolio with a reasoning effort, web search and a spend cap, and the run view
// showing what was sent and, once the budget is spent, the built-in strategy's fallback with its reason.
test.describe.configure({ mode: "serial" });

const CUSTOM_BASE = "http://localhost:8798";
let admin: Page;
let borrower: Page;
let adminTrader: Trader;
let borrowerTrader: Trader;
let borrowerEmail: string;
let portfolioId: string;

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `artifacts/screenshots/${name}.png`, fullPage: true });

async function signedInPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInThroughApi(page, email);
  return page;
}

test.beforeAll(async ({ browser, request }) => {
  await holdPrice(request, "spot", "ETHUSDT", "2500");
  admin = await signedInPage(browser, ADMIN_EMAIL);
  adminTrader = await setUpTrader(admin, request, `Sim admin ${Date.now()}`);
  borrowerEmail = uniqueEmail("borrower");
  borrower = await signedInPage(browser, borrowerEmail);
  borrowerTrader = await setUpTrader(borrower, request, `Sim borrower ${Date.now()}`);
});

test.afterAll(async () => {
  await admin.context().close();
  await borrower.context().close();
});

test("an AI key with its own base URL: refused when local and not listed, shown when saved", async () => {
  await admin.goto("/keys");
  const row = admin.getByTestId("ai-key-openai");
  await row.getByRole("button", { name: "Replace" }).click();
  await row.getByLabel("API key").fill(adminTrader.aiKey);
  await row.getByLabel("Base URL (optional)").fill("https://10.0.0.5");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByLabel("Base URL (optional)")).toHaveAttribute("aria-invalid", "true");
  await expect(row).toContainText("10.0.0.5 is a local or private address; use a public https address");

  await row.getByLabel("Base URL (optional)").fill(CUSTOM_BASE);
  await row.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByText("OpenAI key saved.")).toBeVisible();
  await expect(row).toContainText(`at ${CUSTOM_BASE}`);
  await expect(row).not.toContainText(adminTrader.aiKey);
});

test("the administrator shares the key with a user and a budget, and sees the spend", async () => {
  await admin.goto("/admin");
  const form = admin.getByTestId("share-ai-key-form");
  await form.getByLabel("Your key").selectOption("openai");
  await form.getByLabel("User's email").fill(borrowerEmail);
  await form.getByLabel("Monthly budget (USD)").fill("0,01");
  await form.getByRole("button", { name: "Share" }).click();
  await expect(admin.getByText(`Shared with ${borrowerEmail}.`)).toBeVisible();
  const share = admin.getByTestId("ai-share-row").filter({ hasText: borrowerEmail });
  await expect(share).toContainText("0.00 of 0.01 USD spent this month; 0.01 USD left");
  await expect(share).toContainText(CUSTOM_BASE);
  await admin.setViewportSize(PHONE);
  await shot(admin, "ai-admin-shares-phone");
});

test("the user sees the shared key's budget and picks it with a reasoning effort, web search and a cap", async () => {
  await borrower.goto("/keys");
  await expect(borrower.getByTestId("shared-ai-keys")).toContainText("0.01 USD left");
  portfolioId = await createPortfolio(borrower, {
    name: "Shared brain",
    exchangeKeyId: borrowerTrader.keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [{ token: "ETH", minAllocation: 0 }],
    reviewInterval: "1h",
    decisionSource: OPENAI,
    paper: true,
  });
  await borrower.setViewportSize(PHONE);
  await borrower.goto(`/portfolios/${portfolioId}/edit`);
  const form = borrower.getByRole("form", { name: "Edit portfolio" });
  await form
    .getByTestId("ai-key-source")
    .selectOption({ label: "Shared by an administrator (0.01 USD left this month)" });
  await expect(form.getByLabel("Model")).toContainText("gpt-5-mini");
  // gpt-4.1-mini neither reasons nor is offered an effort; gpt-5-mini offers minimal..high.
  await form.getByLabel("Model").selectOption("gpt-4.1-mini");
  await expect(form.getByLabel("Reasoning effort")).toBeDisabled();
  await form.getByLabel("Model").selectOption("gpt-5-mini");
  await form.getByLabel("Reasoning effort").selectOption("high");
  await form.getByLabel("Search the web while deciding").check();
  await form.getByLabel("Monthly AI spend cap (USD)").fill("5");
  const patch = borrower.waitForRequest((r) => r.method() === "PATCH" && r.url().includes("/api/portfolios/"));
  await form.getByRole("button", { name: "Save changes" }).click();
  expect((await patch).postDataJSON()).toMatchObject({
    decisionSource: {
      provider: "openai",
      model: "gpt-5-mini",
      reasoningEffort: "high",
      webSearch: true,
      monthlySpendCapUsd: "5",
      sharedKeyId: expect.any(String),
    },
  });
  await expect(borrower.getByText("Settings of “Shared brain” saved.")).toBeVisible();
  await borrower.goto(`/portfolios/${portfolioId}/edit`);
  await expect(form.getByLabel("Reasoning effort")).toHaveValue("high");
  await shot(borrower, "ai-options-form-phone");
});

test("the run view shows the effort and web search sent, then the fallback once the budget is spent", async ({
  request,
}) => {
  // Decisions go to the administrator's key, at its base URL; one web search (0.01 USD) spends the whole budget.
  await scriptDecisions(request, adminTrader.aiKey, { result: spotPlan([], "Hold for now.") });
  await borrower.goto(`/portfolios/${portfolioId}`);
  await borrower.getByRole("button", { name: "Start", exact: true }).click();
  await borrower.getByRole("dialog").getByRole("button", { name: "Start it" }).click();
  await expect(borrower.getByTestId("run-progress")).toContainText("Review #1 completed: Hold for now.");
  const runs = borrower.getByRole("region", { name: "Review history", exact: true });
  const first = runs.getByTestId("run").filter({ hasText: "Review #1" });
  await first.getByRole("button", { name: "Review #1" }).click();
  const source = first.getByTestId("run-source");
  await expect(source).toContainText("OpenAI gpt-5-mini");
  await expect(source).toContainText(/Reasoning effort\s*High/);
  await expect(source).toContainText(/Web search\s*on/);
  await expect(first.getByTestId("run-usage")).toContainText("Web searches");

  await borrower.getByRole("button", { name: "Run a review now" }).click();
  await expect(borrower.getByTestId("run-progress")).toContainText("Review #2 completed");
  const second = runs.getByTestId("run").filter({ hasText: "Review #2" });
  await second.getByRole("button", { name: "Review #2" }).click();
  const fallback = second.getByTestId("run-fallback");
  await expect(fallback).toContainText("The built-in strategy decided instead of OpenAI (gpt-5-mini)");
  await expect(fallback).toContainText("reached its budget of 0.01 USD; OpenAI was not asked.");
  await expect(second.getByTestId("run-source")).toContainText("Built-in strategy builtin-v1");
  await fallback.scrollIntoViewIfNeeded();
  await shot(borrower, "ai-run-fallback-phone");

  // In Russian too.
  await borrower.getByLabel("Language").selectOption("ru");
  // The region's name is translated too: the one fallback note on the page.
  await expect(borrower.getByTestId("run-fallback")).toContainText(
    "Вместо OpenAI (gpt-5-mini) решение приняла встроенная стратегия",
  );
  await borrower.getByLabel("Язык").selectOption("en");
});
