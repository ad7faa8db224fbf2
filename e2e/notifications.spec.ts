import { expect, type Page, test } from "@playwright/test";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// The Notifications page against the simulator the e2e server starts (port 8798): a signed webhook receiver and a
// Telegram bot from its stand-ins, each set up from the page with "Send test" answered on the page; a receiver that
// fails shows why; Web Push the browser cannot set up says why. Screenshots at 390 and 1280 px, en and ru.
test.describe.configure({ mode: "serial" });

const SIM = process.env.E2E_SIM_URL ?? "http://127.0.0.1:8798";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SECRET = "whsec-e2e-0123456789abcdef";
let page: Page;

const shot = (name: string) => page.screenshot({ path: `artifacts/screenshots/${name}.png`, fullPage: true });
const box = (channel: string) => page.getByTestId(`channel-${channel}`);

async function sim<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await page.request.post(`${SIM}/control${path}`, { data: body });
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()) as T;
}

async function language(locale: "en" | "ru") {
  await page.evaluate((value) => globalThis.localStorage.setItem("ballast.locale", value), locale);
  await page.reload();
  await expect(box("webhook")).toBeVisible();
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("notifications"));
});

test.afterAll(async () => {
  await page.close();
});

test("sets up a signed webhook and sends a test the receiver verifies", async () => {
  const hook = await sim<{ id: string; url: string }>("/hooks", { secret: SECRET });
  await page.goto("/notifications");
  await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  await expect(box("webhook")).toContainText("Not set up");
  await shot("notifications-empty-desktop");

  await box("webhook").getByRole("button", { name: "Set up" }).click();
  await box("webhook").getByLabel("Webhook URL").fill(hook.url);
  await box("webhook").getByLabel("Signing secret").fill(SECRET);
  await box("webhook").getByLabel("Daily summary").uncheck();
  await box("webhook").getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Webhook saved." })).toBeVisible();
  await expect(box("webhook")).toContainText("On");
  await expect(box("webhook")).not.toContainText(SECRET);
  await expect(box("webhook").getByLabel("Daily summary")).not.toBeChecked();

  await box("webhook").getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("test-result-webhook")).toHaveText("Test sent: Webhook accepted it.");
  const received = await page.request.get(`${SIM}/control/hooks/${hook.id}`);
  expect((await received.json()).received).toEqual([expect.objectContaining({ verified: true, status: 200 })]);
});

test("a receiver that fails is reported, and the channel can be turned off", async () => {
  const failing = await sim<{ url: string }>("/hooks", { secret: SECRET, failures: 5 });
  await box("webhook").getByRole("button", { name: "Change" }).click();
  await box("webhook").getByLabel("Webhook URL").fill(failing.url);
  await box("webhook").getByLabel("Signing secret").fill(SECRET);
  await box("webhook").getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Webhook saved." })).toBeVisible();
  await box("webhook").getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("test-result-webhook")).toContainText("Test not delivered:");
  await expect(page.getByTestId("test-result-webhook")).toContainText("answered 500");

  await box("webhook").getByRole("button", { name: "Turn off" }).click();
  await expect(box("webhook").getByRole("button", { name: "Turn on" })).toBeVisible();
  await expect(box("webhook")).toContainText("Off");
});

test("a refused URL is shown next to its field", async () => {
  await box("webhook").getByRole("button", { name: "Change" }).click();
  await box("webhook").getByLabel("Webhook URL").fill("https://10.1.2.3/hook");
  await box("webhook").getByLabel("Signing secret").fill(SECRET);
  await box("webhook").getByRole("button", { name: "Save" }).click();
  await expect(
    box("webhook").getByText("Webhook URL: 10.1.2.3 is a local or private address; use a public https address"),
  ).toBeVisible();
  await box("webhook").getByRole("button", { name: "Cancel" }).click();
});

test("sets up Telegram with a bot and a chat; the bot sends the test message", async () => {
  const { token } = await sim<{ token: string }>("/telegram/bots");
  await box("telegram").getByRole("button", { name: "Set up" }).click();
  await box("telegram").getByLabel("Bot token").fill(token);
  await box("telegram").getByLabel("Chat id").fill("123456");
  await box("telegram").getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Telegram saved." })).toBeVisible();
  await expect(box("telegram")).toContainText("Sends to 123456");
  await expect(box("telegram")).not.toContainText(token);
  await box("telegram").getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("test-result-telegram")).toHaveText("Test sent: Telegram accepted it.");
  const bot = await page.request.get(`${SIM}/control/telegram/bots/${encodeURIComponent(token)}`);
  const record = await bot.json();
  expect(record.messages).toEqual([expect.objectContaining({ chat_id: "123456" })]);
  expect(record.webhook.url).toMatch(/\/api\/telegram\/webhook$/);
});

// Headless Chromium offline has no push service (and no notification permission): the page says why it cannot subscribe.
test("Web Push the browser cannot set up says why", async () => {
  await box("push").getByRole("button", { name: "Set up" }).click();
  await box("push").getByRole("button", { name: "Allow notifications in this browser" }).click();
  await expect(box("push").getByRole("alert")).toBeVisible();
  await shot("notifications-desktop-en");
  await box("push").getByRole("button", { name: "Cancel" }).click();
});

test("reads well on a phone and in Russian", async () => {
  await page.setViewportSize(PHONE);
  await page.reload();
  await expect(box("telegram")).toContainText("On");
  await shot("notifications-phone-en");
  await language("ru");
  await expect(page.getByRole("heading", { name: "Уведомления", level: 1 })).toBeVisible();
  await expect(box("webhook")).toContainText("Выкл.");
  await shot("notifications-phone-ru");
  await page.setViewportSize(DESKTOP);
  await page.reload();
  await shot("notifications-desktop-ru");
  await language("en");
});

test("a channel set up while the app is in Russian writes in Russian; each channel's language can be changed", async () => {
  await language("ru");
  await box("telegram").getByRole("button", { name: "Удалить" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Удалить" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Telegram: удалено." })).toBeVisible();

  const { token } = await sim<{ token: string }>("/telegram/bots");
  await box("telegram").getByRole("button", { name: "Настроить" }).click();
  // A new channel writes in the language the app is shown in.
  await expect(box("telegram").getByLabel("Язык сообщений")).toHaveValue("ru");
  await box("telegram").getByLabel("Токен бота").fill(token);
  await box("telegram").getByLabel("ID чата").fill("654321");
  await page.setViewportSize(PHONE);
  await shot("notifications-language-form-phone-ru");
  await box("telegram").getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Telegram: сохранено." })).toBeVisible();
  await box("telegram").getByRole("button", { name: "Отправить тест" }).click();
  await expect(page.getByTestId("test-result-telegram")).toHaveText("Тест отправлен: Telegram его принял.");
  const bot = await page.request.get(`${SIM}/control/telegram/bots/${encodeURIComponent(token)}`);
  expect((await bot.json()).messages).toEqual([
    expect.objectContaining({
      chat_id: "654321",
      text: "Тестовое уведомление Ballast\nКанал работает: Ballast может присылать вам сообщения сюда.",
    }),
  ]);
  await expect(box("telegram").getByLabel("Язык сообщений")).toHaveValue("ru");
  await expect(box("webhook").getByLabel("Язык сообщений")).toHaveValue("en");
  await shot("notifications-language-phone-ru");

  // Changed on a channel already set up, without entering its secret again.
  await box("webhook").getByLabel("Язык сообщений").selectOption("ru");
  await page.reload();
  await expect(box("webhook").getByLabel("Язык сообщений")).toHaveValue("ru");
  await page.setViewportSize(DESKTOP);
  await shot("notifications-language-desktop-ru");
  await language("en");
  await expect(box("telegram").getByLabel("Message language")).toHaveValue("ru");
  await shot("notifications-language-desktop-en");
  await page.setViewportSize(PHONE);
  await page.reload();
  await expect(box("webhook").getByLabel("Message language")).toHaveValue("ru");
  await shot("notifications-language-phone-en");
  await page.setViewportSize(DESKTOP);
});
