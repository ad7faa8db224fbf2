import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { screenshot } from "./support/screens.ts";
import { ADMIN_EMAIL, sendSignIn, signInThroughApi, signInThroughForm, uniqueEmail } from "./support/sign-in.ts";
import { totp } from "./support/totp.ts";

// One person's journey through the account pages, in order, in one browser context: sign-in is rate limited
// (5 a minute per IP), so the suite signs in as few times as it can.
test.describe.configure({ mode: "serial" });

const email = uniqueEmail("e2e");
let page: Page;
let admin: BrowserContext;

const nav = () => page.getByRole("navigation", { name: "Main navigation" });
const shot = (name: string) => screenshot(page, name);

test.beforeAll(async ({ browser }) => {
  // The administrator (ADMIN_EMAILS, set by npm start) for the admin test; the person under test is an ordinary user.
  admin = await browser.newContext();
  await signInThroughApi(await admin.newPage(), ADMIN_EMAIL);
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page.close();
  await admin.close();
});

test("a signed-out visitor is sent to sign in, and development sign-in brings them back", async () => {
  await page.goto("/keys");
  await expect(page).toHaveURL(/\/signin\?next=%2Fkeys$/);
  await expect(page.getByRole("heading", { name: "Sign in to Ballast" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in with Google" })).toBeDisabled();
  await expect(page.getByText("it is not configured on this server")).toBeVisible();
  await shot("signin");

  await signInThroughForm(page, email);
  await expect(page).toHaveURL(/\/keys$/);
  await expect(page.getByTestId("current-user")).toContainText(email);
});

test("the dashboard greets the user; ordinary users have no Admin link", async () => {
  await nav().getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("welcome")).toHaveText(`Signed in as ${email}.`);
  await expect(page.getByTestId("health-status")).toHaveText("All systems operational");
  await expect(nav().getByRole("link", { name: "Keys" })).toBeVisible();
  await expect(nav().getByRole("link", { name: "Admin" })).toHaveCount(0);
  await shot("dashboard");
});

test("keys: API validation messages sit by their fields; a key saved offline is marked unverified", async () => {
  await nav().getByRole("link", { name: "Keys" }).click();
  await expect(page.getByRole("heading", { name: "Exchange keys" })).toBeVisible();
  await expect(page.getByTestId("us-ip-note")).toContainText("US IP addresses");
  await expect(page.getByText("No exchange keys yet.")).toBeVisible();

  await page.getByRole("region", { name: "Exchange keys" }).getByRole("button", { name: "Add", exact: true }).click();
  const form = page.getByRole("form", { name: "Add an exchange key" });
  await form.getByLabel("Environment").selectOption("custom");
  await expect(form.getByLabel("Spot base URL")).toBeVisible();
  await expect(form.getByLabel("Futures base URL")).toBeVisible();
  await form.getByLabel("Environment").selectOption("testnet");
  await expect(form.getByLabel("Spot base URL")).toHaveCount(0);
  await form.getByLabel("API key").fill("short");
  await form.getByRole("button", { name: "Verify and save" }).click();
  await expect(form.getByLabel("API key")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText("API key: at least 8 characters").first()).toBeVisible();
  await expect(form.getByLabel("Label")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Label")).toBeFocused();

  // An unreachable venue without leaving this machine: a closed loopback port the e2e server allows
  // (playwright.config.ts passes --extra-hosts 127.0.0.1:9).
  await form.getByLabel("Environment").selectOption("custom");
  await form.getByLabel("Spot base URL").fill("http://127.0.0.1:9");
  await form.getByLabel("Label").fill("Offline venue");
  await form.getByLabel("API key").fill("e2e-api-key-0000000001");
  await form.getByLabel("API secret").fill("e2e-api-secret-00000002");
  await form.getByRole("button", { name: "Verify and save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Key “Offline venue” saved." })).toBeVisible();
  const key = page.getByTestId("exchange-key").filter({ hasText: "Offline venue" });
  await expect(key).toContainText("Binance");
  await expect(key).toContainText("Custom");
  await expect(key).toContainText("••••0001");
  await expect(key.getByRole("note")).toContainText("Not verified");
  await shot("keys");
});

test("security: an API token is shown once, with a copy button, and listed afterwards", async () => {
  await nav().getByRole("link", { name: "Security" }).click();
  await expect(page.getByRole("heading", { name: "Security", level: 1 })).toBeVisible();
  await expect(page.getByTestId("session-row").filter({ hasText: "this browser" })).toHaveCount(1);

  await page.getByLabel("Name").fill("CI client");
  await page.getByLabel("Trade").check();
  await page.getByLabel("Expires after").selectOption("30");
  await page.getByRole("button", { name: "Create token" }).click();
  const created = page.getByTestId("created-token");
  await expect(created).toContainText("shown only once");
  await expect(page.getByTestId("token-value")).toHaveText(/^blt_\S{20,}$/);
  await expect(created.getByRole("button", { name: "Copy" })).toBeVisible();
  const row = page.getByTestId("token-row").filter({ hasText: "CI client" });
  await expect(row).toContainText("Read, Trade");
  await expect(row).toContainText("never used");
  await shot("security-token-created");

  await page.reload();
  await expect(page.getByTestId("token-row").filter({ hasText: "CI client" })).toBeVisible();
  await expect(page.getByTestId("created-token")).toHaveCount(0);
});

test("security: 2FA setup shows a locally drawn QR code, turns on with a code, and shows recovery codes once", async () => {
  await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await shot("security-2fa-setup");
  const twoFactor = page.getByRole("region", { name: "Two-factor authentication" });
  await twoFactor.getByLabel("Authentication code").fill(totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  const codes = page.getByTestId("recovery-codes");
  await expect(codes).toContainText("shown only now");
  await expect(codes.getByRole("listitem")).toHaveCount(10);
  // The API token made before 2FA was on is revoked, and the page says so.
  await expect(page.getByRole("status").filter({ hasText: "your API tokens revoked (1)" })).toBeVisible();
  await expect(page.getByTestId("token-row").filter({ hasText: "CI client" })).toHaveCount(0);
  await shot("security-2fa-on");
  const recovery = (await codes.getByRole("listitem").first().textContent())?.trim() ?? "";

  // Signing in again now asks for a code; a recovery code works once.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await signInThroughForm(page, email);
  await expect(page.getByText("Two-factor authentication is on for this account")).toBeVisible();
  await page.getByRole("region", { name: "Sign in to Ballast" }).getByLabel("Authentication code").fill(recovery);
  await sendSignIn(page, page.getByRole("button", { name: "Verify and sign in" }));
  await expect(page.getByTestId("current-user")).toContainText(email);
});

test("the language switch translates the pages and is remembered", async () => {
  await page.goto("/security");
  await page.getByLabel("Language").selectOption("ru");
  await expect(page.getByRole("heading", { name: "Безопасность", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "API-токены" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await shot("security-ru");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "artifacts/screenshots/security-ru-mobile.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.reload();
  await expect(page.getByRole("button", { name: "Выйти" })).toBeVisible();
  await page.getByLabel("Язык").selectOption("en");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("admin: users are listed, and disabling one needs a confirmation", async () => {
  const adminPage = await admin.newPage();
  await adminPage.goto("/admin");
  await expect(adminPage.getByRole("heading", { name: "Users" })).toBeVisible();
  const row = adminPage.getByTestId("admin-user-row").filter({ hasText: email });
  // The newest user may be on a later page of a long-lived local state.
  const pager = adminPage.getByRole("navigation", { name: "Pages of users" });
  for (let shown = 1; (await row.count()) === 0 && (await pager.getByRole("button", { name: "Next" }).isEnabled()); ) {
    await pager.getByRole("button", { name: "Next" }).click();
    shown += 1;
    await expect(pager).toContainText(`Page ${shown} of`);
  }
  await expect(row).toContainText("active");
  await row.getByRole("button", { name: "Disable" }).click();
  const dialog = adminPage.getByRole("dialog");
  await expect(dialog).toContainText(`Disable ${email}?`);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toContainText("active");

  await row.getByRole("button", { name: "Disable" }).click();
  await adminPage.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
  await expect(adminPage.getByRole("status").filter({ hasText: `${email} disabled.` })).toBeVisible();
  await expect(row).toContainText("disabled");
  await adminPage.screenshot({ path: "artifacts/screenshots/admin-users.png", fullPage: true });

  // The disabled user's session ended: their next page load goes to sign-in.
  await page.goto("/security");
  await expect(page).toHaveURL(/\/signin/);
  await adminPage.close();
});
