import { expect, type Locator, type Page, test } from "@playwright/test";
import { DESKTOP, PHONE, screenshot } from "./support/screens.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// Portfolios in the UI against the simulator the e2e server starts (port 8798, no demo data): the dashboard's empty
// state, the setup form (validation messages by their fields, spot and futures modes), the dashboard list, editing,
// start and stop with their confirmations, and the form in Russian. One sign-in for the whole file (development
// sign-in is rate limited per IP).
test.describe.configure({ mode: "serial" });

const SIM = process.env.E2E_SIM_URL ?? "http://127.0.0.1:8798";
const email = uniqueEmail("portfolios");
const label = `Sim portfolios ${Date.now()}`;
let page: Page;

const nav = () => page.getByRole("navigation", { name: "Main navigation" });
const shot = (name: string) => screenshot(page, name);
const status = (text: string | RegExp) => page.getByRole("status").filter({ hasText: text });
const newForm = () => page.getByRole("form", { name: "New portfolio" });
const row = (form: Locator, number: number) => form.getByRole("group", { name: `Token ${number}` });

async function fillRow(form: Locator, number: number, values: { token?: string; min?: string; target?: string }) {
  const fields = row(form, number);
  if (values.token !== undefined) await fields.getByLabel(/^(Token|Contract token)$/).fill(values.token);
  if (values.min !== undefined) await fields.getByLabel("Minimum %").fill(values.min);
  if (values.target !== undefined) await fields.getByLabel("Target %").fill(values.target);
}

test.beforeAll(async ({ browser, request }) => {
  const account = await request.post(`${SIM}/control/accounts`, {
    data: { venue: "binance", spot: { USDT: "10000", BTC: "0.05", ETH: "1" }, futuresWallet: "10000" },
  });
  expect(account.status(), await account.text()).toBe(201);
  const credentials = (await account.json()) as { apiKey: string; apiSecret: string };

  page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, email);

  // Before there is a key, the empty dashboard points to the Keys page.
  await page.goto("/");
  await expect(page.getByTestId("portfolios-empty")).toContainText("You have no portfolios yet.");
  await expect(page.getByTestId("portfolios-empty").getByRole("link", { name: "Go to Keys" })).toBeVisible();

  const origin = new URL(page.url()).origin;
  const key = await page.request.post("/api/keys/exchange", {
    headers: { Origin: origin },
    data: { venue: "binance", environment: "custom", baseUrl: SIM, label, ...credentials },
  });
  expect(key.status(), await key.text()).toBe(200);

  // An OpenAI key (the server's OpenAI base URL is the simulator), so the form can list its models; no Groq key.
  const ai = await request.post(`${SIM}/control/ai/keys`, { data: { provider: "openai" } });
  expect(ai.status(), await ai.text()).toBe(201);
  const { apiKey } = (await ai.json()) as { apiKey: string };
  const stored = await page.request.put("/api/keys/ai/openai", { headers: { Origin: origin }, data: { apiKey } });
  expect(stored.status(), await stored.text()).toBe(200);
});

test.afterAll(async () => {
  await page.close();
});

test("the empty dashboard offers to create the first portfolio", async () => {
  await page.reload();
  const empty = page.getByTestId("portfolios-empty");
  await expect(empty).toContainText("You have no portfolios yet.");
  await empty.getByRole("link", { name: "Create your first portfolio" }).click();
  await expect(page.getByRole("heading", { name: "New portfolio", level: 1 })).toBeVisible();
});

test("spot paper portfolio: the API's messages appear by their fields, then it saves as a draft", async () => {
  const form = newForm();
  await expect(form.getByLabel("Exchange key")).toContainText(label);
  await expect(form.getByRole("button", { name: "Spot" })).toHaveAttribute("aria-pressed", "true");
  await expect(form.getByLabel("Paper trading")).toBeChecked();
  await expect(form.getByTestId("system-instructions")).toContainText("spot portfolio");

  await form.getByLabel("Name", { exact: true }).fill("Spot core");
  await fillRow(form, 1, { token: "BTC", min: "30", target: "20" });
  await form.getByRole("button", { name: "Add a token" }).click();
  await fillRow(form, 2, { token: "ETH", min: "80" });
  await expect(form.getByTestId("allocation-totals")).toContainText("Minimums: 110%");
  await expect(form.getByText("Over 100%: lower the minimums or targets.")).toBeVisible();

  // A token's own rule (target below its minimum) is marked on its row and gets the focus.
  await form.getByRole("button", { name: "Save draft" }).click();
  const target = row(form, 1).getByLabel("Target %");
  await expect(target).toHaveAttribute("aria-invalid", "true");
  await expect(row(form, 1).getByText("Target %: must be at least the minimum (30%)")).toBeVisible();
  await expect(target).toBeFocused();
  await expect(form.getByTestId("form-summary")).toContainText("Some settings need attention");

  // The minimums over 100% are a message about the whole token list, shown under its legend.
  await fillRow(form, 1, { target: "40" });
  await form.getByRole("button", { name: "Save draft" }).click();
  await expect(form.getByTestId("tokens-error")).toHaveText(
    "Tokens: the minimums add up to 110%; together they may be at most 100%",
  );
  await expect(target).not.toHaveAttribute("aria-invalid", "true");
  await expect(form.getByTestId("tokens-error")).toBeFocused();
  await shot("portfolio-form-errors");

  await fillRow(form, 2, { min: "20", target: "30" });
  await expect(form.getByTestId("allocation-totals")).toContainText("Targets: 70%");
  await expect(form.getByTestId("allocation-preview")).toContainText("30% left for cash");
  await shot("portfolio-form-desktop");
  await page.setViewportSize(PHONE);
  await shot("portfolio-form-phone");
  await page.setViewportSize(DESKTOP);

  await form.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("heading", { name: "Spot core", level: 1 })).toBeVisible();
  await expect(status("Portfolio “Spot core” saved as a draft.")).toBeVisible();
  await expect(page.getByTestId("portfolio-overview").getByTestId("portfolio-status")).toHaveText("Draft");
  const settings = page.getByTestId("portfolio-settings");
  await expect(settings.getByRole("row", { name: /BTC\/USDT/ })).toContainText("40%");
  await expect(settings).toContainText("Paper trading (simulated) with 10,000.00 USDT");
});

test("futures portfolio: the mode toggle shows the futures fields", async () => {
  await nav().getByRole("link", { name: "New portfolio" }).click();
  const form = newForm();
  await expect(form.getByTestId("futures-settings")).toHaveCount(0);
  await form.getByRole("button", { name: "Futures (USDT perpetuals)" }).click();
  await expect(form.getByRole("button", { name: "Futures (USDT perpetuals)" })).toHaveAttribute("aria-pressed", "true");
  await expect(form.getByRole("group", { name: "Futures settings" })).toBeVisible();
  await expect(form.getByRole("group", { name: "Contracts" })).toBeVisible();
  await expect(form.getByTestId("allocation-preview")).toHaveCount(0);
  await expect(form.getByLabel("Cash token")).toBeDisabled();
  await expect(form.getByTestId("system-instructions")).toContainText("futures");

  await form.getByLabel("Name", { exact: true }).fill("Perp trend");
  await fillRow(form, 1, { token: "SOL", min: "0" });
  await expect(row(form, 1)).toContainText("Trades SOLUSDT");
  await form.getByLabel("Margin mode").selectOption("isolated");
  await form.getByLabel("Maximum leverage").fill("500");
  await form.getByLabel("Largest exposure (% of equity)").fill("150");
  await form.getByLabel("Your instructions").fill("Trade only with the trend.");

  // A provider without a key says so and links to Keys; one with a key offers the models it can use.
  await form.getByLabel("Groq").check();
  await expect(form.getByTestId("ai-key-missing")).toContainText("Groq needs your own API key");
  await expect(
    form.getByTestId("ai-key-missing").getByRole("link", { name: "Add it on the Keys page" }),
  ).toHaveAttribute("href", "/keys");
  await form.getByLabel("OpenAI").check();
  await expect(form.getByLabel("Model")).toContainText("gpt-5-mini");
  await form.getByLabel("Model").selectOption("gpt-5-mini");
  await form.getByRole("button", { name: "Save draft" }).click();
  await expect(form.getByLabel("Maximum leverage")).toHaveAttribute("aria-invalid", "true");
  await shot("portfolio-form-futures");

  await form.getByLabel("Maximum leverage").fill("5");
  await form.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("heading", { name: "Perp trend", level: 1 })).toBeVisible();
  const settings = page.getByTestId("portfolio-settings");
  await expect(settings).toContainText("Isolated");
  await expect(settings).toContainText("up to 5×");
  await expect(settings.getByRole("row", { name: /SOLUSDT/ })).toBeVisible();
  await expect(settings).toContainText("Trade only with the trend.");
  await expect(settings).toContainText("OpenAI: gpt-5-mini");
});

test("the dashboard lists both with their badges and totals", async () => {
  await nav().getByRole("link", { name: "Dashboard" }).click();
  const table = page.getByRole("table", { name: "Portfolios" });
  const spot = table.getByTestId("portfolio-row").filter({ hasText: "Spot core" });
  await expect(spot.getByTestId("venue-badge")).toHaveText("Binance");
  await expect(spot.getByTestId("market-badge")).toHaveText("Spot");
  await expect(spot.getByTestId("paper-badge")).toHaveText("paper");
  await expect(spot.getByTestId("portfolio-status")).toHaveText("Draft");
  // The dense table says "not scheduled" as the dash's title, to keep the row on one line.
  await expect(spot.getByTitle("not scheduled")).toBeVisible();
  const futures = table.getByTestId("portfolio-row").filter({ hasText: "Perp trend" });
  await expect(futures.getByTestId("market-badge")).toHaveText("Futures");
  await expect(page.getByTestId("portfolio-total")).toContainText("Equity, USDT");
  await shot("portfolio-dashboard-desktop");

  await page.setViewportSize(PHONE);
  await expect(table).toBeHidden();
  const card = page.getByTestId("portfolio-card").filter({ hasText: "Spot core" });
  await expect(card).toBeVisible();
  await expect(card.getByTestId("paper-badge")).toBeVisible();
  await shot("portfolio-dashboard-phone");
  await page.setViewportSize(DESKTOP);

  await table.getByRole("link", { name: "Spot core" }).click();
  await expect(page.getByRole("heading", { name: "Spot core", level: 1 })).toBeVisible();
});

test("edit sends only the changed settings; the key and market stay fixed", async () => {
  await page.getByRole("link", { name: "Edit settings" }).click();
  const form = page.getByRole("form", { name: "Edit portfolio" });
  await expect(form.getByTestId("fixed-key")).toContainText(label);
  await expect(form.getByTestId("fixed-market")).toHaveText("Spot");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("Spot core");
  await expect(row(form, 2).getByLabel("Target %")).toHaveValue("30");

  await form.getByLabel("Name", { exact: true }).fill("Spot core 2");
  await form.getByLabel("Review interval").selectOption("4h");
  const patch = page.waitForRequest((r) => r.method() === "PATCH" && r.url().includes("/api/portfolios/"));
  await form.getByRole("button", { name: "Save changes" }).click();
  expect((await patch).postDataJSON()).toEqual({ name: "Spot core 2", reviewInterval: "4h" });
  await expect(status("Settings of “Spot core 2” saved.")).toBeVisible();
  await expect(page.getByTestId("portfolio-settings")).toContainText("Every 4 hours");
});

test("start and stop, each after its confirmation", async () => {
  const overview = page.getByTestId("portfolio-overview");
  await page.getByRole("button", { name: "Start", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("records its starting equity");
  await expect(dialog).toContainText("simulated orders");
  await dialog.getByRole("button", { name: "Start it" }).click();
  await expect(status("“Spot core 2” is running.")).toBeVisible();
  await expect(overview.getByTestId("portfolio-status")).toHaveText("Running");
  await shot("portfolio-page-running");

  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(dialog).toContainText("Its open orders are canceled");
  await dialog.getByRole("button", { name: "Stop it" }).click();
  await expect(status(/“Spot core 2” stopped; (1 open order|\d+ open orders) canceled\./)).toBeVisible();
  await expect(overview.getByTestId("portfolio-status")).toHaveText("Stopped");

  // The kill switch says what it does and can still be called off.
  await page.getByRole("button", { name: "Kill switch" }).click();
  await expect(dialog).toContainText("cancel its open orders");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});

test("the form speaks Russian", async () => {
  await nav().getByRole("link", { name: "New portfolio" }).click();
  await page.getByLabel("Language").selectOption("ru");
  const form = page.getByRole("form", { name: "Новый портфель" });
  await expect(page.getByRole("heading", { name: "Новый портфель", level: 1 })).toBeVisible();
  await expect(form.getByLabel("Название", { exact: true })).toBeVisible();
  await expect(form.getByRole("group", { name: "Токены" })).toBeVisible();
  await expect(form.getByRole("group", { name: "Токен 1" }).getByLabel("Минимум, %")).toBeVisible();
  await expect(form.getByRole("group", { name: "Лимиты риска" })).toBeVisible();
  await expect(form.getByRole("button", { name: "Сохранить черновик" })).toBeVisible();
  await shot("portfolio-form-ru");
  await page.getByLabel("Язык").selectOption("en");
  await expect(page.getByRole("heading", { name: "New portfolio", level: 1 })).toBeVisible();
});
