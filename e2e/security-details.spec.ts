import { expect, type Page, test } from "@playwright/test";
import { DESKTOP, PHONE, screenshot } from "./support/screens.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";
import { totp } from "./support/totp.ts";

// The sign-in page's demo account, and the Security page's details: sessions named by device (the browser, and a
// script that signed in from Node as `npm start`'s demo seeding does), recovery codes counted in each language's
// plural, and "2FA for trading" turned on and off from the page. One browser sign-in and one from Node.
test.describe.configure({ mode: "serial" });

const email = uniqueEmail("security-details");
let page: Page;

const shot = (name: string) => screenshot(page, name);
const twoFactor = () => page.getByRole("region", { name: "Two-factor authentication" });
const trading = () => page.getByTestId("two-factor-trading");
const origin = () => new URL(page.url()).origin;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: PHONE });
});

test.afterAll(async () => {
  await page.close();
});

test("sign-in names the demo account while development sign-in is on", async () => {
  await page.goto("/signin");
  const demo = page.getByTestId("demo-account");
  await expect(demo).toContainText("belongs to admin@ballast.local");
  await demo.getByRole("button", { name: "Use admin@ballast.local" }).click();
  await expect(page.getByLabel("Email")).toHaveValue("admin@ballast.local");
  await shot("signin-demo-account-phone");
});

test("sessions are named by device; a script's session says what it is", async () => {
  await signInThroughApi(page, email);
  // The demo seeding's way in: Node's own fetch, which sends `User-Agent: node`.
  // The suite shares one sign-in budget (5 a minute per IP): wait out a 429 as the other sign-ins do.
  let fromNode = await nodeSignIn();
  for (let attempt = 1; fromNode.status === 429 && attempt < 4; attempt += 1) {
    await new Promise((resolve) =>
      setTimeout(resolve, (Number(fromNode.headers.get("retry-after") ?? "12") + 1) * 1000),
    );
    fromNode = await nodeSignIn();
  }
  expect(fromNode.status, await fromNode.text()).toBe(200);

  await page.setViewportSize(DESKTOP);
  await page.goto("/security");
  const rows = page.getByTestId("session-row");
  await expect(rows).toHaveCount(2);
  const browserRow = rows.filter({ hasText: "this browser" });
  await expect(browserRow.getByTestId("session-device")).toHaveText("Headless Chrome on Linux");
  const script = rows.filter({ hasNotText: "this browser" });
  await expect(script.getByTestId("session-device")).toHaveText("Script or API client (node)");
  await expect(script).toContainText("The demo of npm start seeds its keys and portfolios by signing in from Node");
  // The raw User-Agent stays at hand, as the name's tooltip.
  await expect(browserRow.getByTestId("session-device")).toHaveAttribute("title", /HeadlessChrome\//);
  await shot("security-sessions-desktop");
  await page.setViewportSize(PHONE);
  // On a phone each session is a card: every value under its column's name.
  await expect(browserRow.locator("td").nth(1)).toHaveAttribute("data-label", "Started");
  await shot("security-sessions-phone");
});

test("2FA for trading: explained, off until 2FA is on, then turned on and off from the page", async ({ request }) => {
  await expect(trading()).toContainText("API tokens cannot confirm a code");
  const box = trading().getByRole("checkbox", { name: "Require a code for trading" });
  await expect(box).toBeDisabled();
  await expect(trading()).toContainText("Turn on two-factor authentication first");

  await twoFactor().getByRole("button", { name: "Set up two-factor authentication" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())?.trim() ?? "";
  await twoFactor().getByLabel("Authentication code").fill(totp(secret));
  await twoFactor().getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  await page.getByRole("button", { name: "I have stored them" }).click();
  await expect(twoFactor()).toContainText("10 recovery codes left.");

  await expect(box).toBeEnabled();
  await box.check();
  await expect(trading().getByRole("status")).toHaveText("Trading now needs a fresh 2FA code.");
  await expect(box).toBeChecked();
  const settings = await page.request.get("/api/me/settings");
  expect(await settings.json()).toEqual({ twoFactorForTrading: true });
  await shot("security-2fa-trading-on-phone");

  // What the setting means: an API token, which cannot confirm a code, can no longer start anything that trades.
  const created = await page.request.post("/api/tokens", {
    headers: { Origin: origin() },
    data: { name: "bot", scopes: ["read", "trade"] },
  });
  expect(created.status(), await created.text()).toBe(200);
  const { token } = (await created.json()) as { token: string };
  const refused = await request.post("/api/portfolios/any-portfolio/runs", {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(refused.status(), await refused.text()).toBe(403);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("two_factor_required");

  // Russian: the recovery codes in its plural, the device in its words.
  await page.getByLabel("Language").selectOption("ru");
  await expect(page.getByRole("region", { name: "Двухфакторная аутентификация" })).toContainText(
    "Осталось 10 резервных кодов.",
  );
  await expect(page.getByTestId("session-device").first()).toHaveText("Headless Chrome, Linux");
  await shot("security-2fa-trading-on-phone-ru");
  await page.getByLabel("Язык").selectOption("en");

  await box.uncheck();
  await expect(trading().getByRole("status")).toHaveText("Trading no longer needs a 2FA code.");
  const after = await page.request.get("/api/me/settings");
  expect(await after.json()).toEqual({ twoFactorForTrading: false });
});

function nodeSignIn(): Promise<Response> {
  return fetch(`${origin()}/api/auth/dev`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email }),
  });
}
