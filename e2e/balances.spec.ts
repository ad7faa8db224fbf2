import { expect, type Page, test } from "@playwright/test";
import { screenshot } from "./support/screens.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// The Balances page against the simulator the e2e server starts (port 8798, no demo data): the test creates its own
// simulator account, adds it as a key, then walks through spot balances and manual futures trading. One sign-in for
// the whole file (development sign-in is rate limited per IP).
test.describe.configure({ mode: "serial" });

// playwright.config.ts starts the simulator on 8798; E2E_SIM_URL lets a second server run beside it.
const SIM = process.env.E2E_SIM_URL ?? "http://127.0.0.1:8798";
const email = uniqueEmail("balances");
const label = `Sim futures ${Date.now()}`;
let page: Page;

const nav = () => page.getByRole("navigation", { name: "Main navigation" });
const shot = (name: string) => screenshot(page, name);
const status = (text: string | RegExp) => page.getByRole("status").filter({ hasText: text });
const positions = () => page.getByRole("region", { name: "Positions" });
const orders = () => page.getByRole("region", { name: "Open orders" });

test.beforeAll(async ({ browser, request }) => {
  const account = await request.post(`${SIM}/control/accounts`, {
    data: { venue: "binance", spot: { USDT: "10000", BTC: "0.1" }, futuresWallet: "10000" },
  });
  expect(account.status(), await account.text()).toBe(201);
  const { apiKey, apiSecret } = (await account.json()) as { apiKey: string; apiSecret: string };
  // A steady mark price, so the stop-loss and the resting limit order below stay where the test puts them.
  const price = await request.post(`${SIM}/control/prices`, {
    data: { venue: "binance", market: "linear", symbol: "BTCUSDT", price: "60000", hold: true },
  });
  expect(price.ok(), await price.text()).toBe(true);

  page = await browser.newPage();
  await signInThroughApi(page, email);

  await page.goto("/keys");
  await page.getByRole("region", { name: "Exchange keys" }).getByRole("button", { name: "Add", exact: true }).click();
  const form = page.getByRole("form", { name: "Add an exchange key" });
  await form.getByLabel("Environment").selectOption("custom");
  // The simulator serves Binance's spot and futures paths alike, so both markets use its one URL.
  await form.getByLabel("Spot base URL").fill(SIM);
  await form.getByLabel("Futures base URL").fill(SIM);
  await form.getByLabel("Label").fill(label);
  await form.getByLabel("API key").fill(apiKey);
  await form.getByLabel("API secret").fill(apiSecret);
  await form.getByRole("button", { name: "Verify and save" }).click();
  await expect(status(`Key “${label}” saved.`)).toBeVisible();
  await expect(page.getByTestId("exchange-key").filter({ hasText: label })).toContainText("Verified");
});

test.afterAll(async () => {
  await page.close();
});

test("keys: each venue's capabilities sit next to the key list", async () => {
  const binance = page.getByTestId("venue-capabilities").filter({ hasText: "Binance" });
  await expect(binance).toBeVisible();
  await expect(binance).toContainText("stop-loss and take-profit");
  await expect(binance).toContainText("Futures only:");
  await expect(page.getByTestId("venue-capabilities")).toHaveCount(2);
});

test("spot balances per asset with a USD total", async () => {
  await nav().getByRole("link", { name: "Balances" }).click();
  await expect(page.getByRole("heading", { name: "Balances", level: 1 })).toBeVisible();
  await expect(page.getByLabel("Key", { exact: true })).toContainText(label);
  const table = page.getByRole("table", { name: "Spot balances" });
  await expect(table.getByRole("row", { name: /USDT/ })).toContainText("10,000.00");
  await expect(table.getByRole("row", { name: /BTC/ })).toContainText("0.1");
  await expect(page.getByTestId("spot-total")).toContainText(/\d{1,3}(,\d{3})+\.\d{2}\sUSD/);
  await shot("balances-spot");
});

test("futures: open a BTCUSDT long with a stop-loss", async () => {
  await page.getByRole("button", { name: "Futures (USDT perpetuals)" }).click();
  await expect(page.getByRole("button", { name: "Futures (USDT perpetuals)" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("futures-wallet")).toContainText("10,000.00 USDT");
  await expect(positions().getByText("No open positions.")).toBeVisible();

  await positions().getByRole("button", { name: "New position" }).click();
  const form = page.getByRole("form", { name: "Open a position" });
  await form.getByLabel("Find a contract").fill("BTC");
  await expect(form.getByLabel("Contract", { exact: true })).toContainText("BTCUSDT");
  await form.getByLabel("Contract", { exact: true }).selectOption("BTCUSDT");
  await expect(form.getByTestId("contract-filters")).toContainText("Tick size");
  await expect(form.getByTestId("contract-filters")).toContainText("Min order value");

  await form.getByLabel("Leverage", { exact: true }).fill("5");
  await form.getByRole("button", { name: "Set leverage" }).click();
  await expect(status("Leverage of BTCUSDT set to 5×.")).toBeVisible();

  // The API's validation message appears next to its field.
  await form.getByLabel("Quantity", { exact: true }).fill("0.01");
  await form.getByLabel("Order type").selectOption("limit");
  await form.getByRole("button", { name: "Open position" }).click();
  await expect(form.getByLabel("Limit price")).toHaveAttribute("aria-invalid", "true");
  await expect(
    form.getByText("Limit price: a limit order needs a price; a market order takes none", { exact: true }),
  ).toBeVisible();

  await form.getByLabel("Order type").selectOption("market");
  await form.getByLabel("Stop-loss (optional)").fill("55000");
  await form.getByRole("button", { name: "Open position" }).click();
  await expect(status(/Long 0\.01\d* BTCUSDT opened\./)).toBeVisible();
  const row = positions().getByTestId("position").filter({ hasText: "BTCUSDT" });
  await expect(row).toContainText("Long");
  await expect(row).toContainText("5×");
  // The stop-loss placed with the entry shows on the position, read back from the venue.
  await expect(row.getByTestId("position-sl")).toHaveText("55,000.00");
  await expect(row.getByTestId("position-tp")).toHaveText("—");
  await shot("balances-futures-position");
});

test("futures: set SL/TP on the position, then close it after confirming", async () => {
  const row = positions().getByTestId("position").filter({ hasText: "BTCUSDT" });
  await row.getByRole("button", { name: "SL/TP" }).click();
  const stops = page.getByRole("form", { name: /Stop-loss and take-profit for BTCUSDT/ });
  // The form starts from the triggers the position has now.
  await expect(stops.getByLabel("Stop-loss", { exact: true })).toHaveValue(/^55000(\.0+)?$/);
  await stops.getByLabel("Stop-loss", { exact: true }).fill("-1");
  await stops.getByRole("button", { name: "Save SL/TP" }).click();
  await expect(stops.getByLabel("Stop-loss", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(stops.getByText("Stop-loss: must be more than 0", { exact: true })).toBeVisible();
  await stops.getByLabel("Stop-loss", { exact: true }).fill("54000");
  await stops.getByLabel("Take-profit", { exact: true }).fill("70000");
  await stops.getByRole("button", { name: "Save SL/TP" }).click();
  await expect(status("Stop-loss and take-profit of BTCUSDT saved.")).toBeVisible();
  await expect(row.getByTestId("position-sl")).toHaveText("54,000.00");
  await expect(row.getByTestId("position-tp")).toHaveText("70,000.00");

  await row.getByRole("button", { name: "Close" }).click();
  const close = page.getByRole("form", { name: /Close BTCUSDT/ });
  await close.getByRole("button", { name: "Close position" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Close the whole position");
  await shot("balances-close-confirm");
  await dialog.getByRole("button", { name: "Close at market" }).click();
  await expect(status(/Closing order for 0\.01\d* BTCUSDT placed\./)).toBeVisible();
  await expect(positions().getByText("No open positions.")).toBeVisible();
});

test("futures: a resting limit order is listed and cancelled after confirming", async () => {
  await positions().getByRole("button", { name: "New position" }).click();
  const form = page.getByRole("form", { name: "Open a position" });
  await expect(form.getByLabel("Contract", { exact: true })).toContainText("BTCUSDT");
  await form.getByLabel("Contract", { exact: true }).selectOption("BTCUSDT");
  await form.getByLabel("Quantity", { exact: true }).fill("0.01");
  await form.getByLabel("Order type").selectOption("limit");
  await form.getByLabel("Limit price").fill("40000");
  await form.getByRole("button", { name: "Open position" }).click();
  await expect(status(/Limit order to open Long 0\.01\d* BTCUSDT placed\./)).toBeVisible();

  const order = orders().getByTestId("open-order").filter({ hasText: "BTCUSDT" });
  await expect(order).toContainText("40,000.00");
  await order.getByRole("button", { name: "Cancel order" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Cancel the Buy order");
  await dialog.getByRole("button", { name: "Cancel the order" }).click();
  await expect(status("Order on BTCUSDT canceled.")).toBeVisible();
  await expect(orders().getByText("No open orders.")).toBeVisible();
});

test("the page speaks Russian too", async () => {
  await page.getByLabel("Language").selectOption("ru");
  await expect(page.getByRole("heading", { name: "Балансы", level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: "Позиции" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Фьючерсы (бессрочные USDT)" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await shot("balances-futures-ru");
  await page.getByLabel("Язык").selectOption("en");
  await expect(page.getByRole("heading", { name: "Balances", level: 1 })).toBeVisible();
});
