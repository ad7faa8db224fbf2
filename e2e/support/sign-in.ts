import { expect, type Locator, type Page } from "@playwright/test";

/**
 * Development sign-in through the API (the e2e server runs with DEV_LOGIN=true). Sign-in is rate limited to 5 a
 * minute per IP, so tests about something else sign in this way, once; when the whole suite's files together go over
 * the limit, this waits as long as the 429 says and tries again.
 */
export async function signInThroughApi(page: Page, email: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await whenServerUp(() => page.request.post("/api/auth/dev", { data: { email } }));
    if (response.status() !== 429 || attempt === 4) {
      expect(response.status(), await response.text()).toBe(200);
      return;
    }
    const seconds = Number(response.headers()["retry-after"] ?? "12");
    await page.waitForTimeout((Number.isFinite(seconds) ? seconds + 1 : 13) * 1000);
  }
}

/**
 * Development sign-in through the sign-in page's form, as a person does it. Like signInThroughApi, a 429 from the
 * suite's shared budget (5 a minute per IP) is waited out as long as it says, then the form is sent again; the caller
 * checks where it leads (the page asked for, or the 2FA step).
 */
export async function signInThroughForm(page: Page, email: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await sendSignIn(page, page.getByRole("button", { name: "Sign in", exact: true }));
}

/** Clicks a button that sends a development sign-in (the email, or the 2FA step's code), waiting out 429s as above. */
export async function sendSignIn(page: Page, button: Locator): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const answered = page.waitForResponse(
      (response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/api/auth/dev",
    );
    await button.click();
    const response = await answered;
    if (response.status() !== 429 || attempt === 4) return;
    const seconds = Number(response.headers()["retry-after"] ?? "12");
    await page.waitForTimeout((Number.isFinite(seconds) ? seconds + 1 : 13) * 1000);
  }
}

/**
 * A retried test file signs in first; if `wrangler dev` exited and scripts/start.ts is starting it again, the port
 * refuses connections for a few seconds: wait for it (up to a minute) rather than fail the retry too.
 */
async function whenServerUp<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!String(error).includes("ECONNREFUSED") || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** A fresh account per run: the e2e state directory outlives runs, and each user has its own limits. */
export const uniqueEmail = (name: string) => `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

export const ADMIN_EMAIL = "admin@ballast.local";
