import { expect, type Page } from "@playwright/test";

/**
 * Development sign-in through the API (the e2e server runs with DEV_LOGIN=true). Sign-in is rate limited to 5 a
 * minute per IP, so tests about something else sign in this way, once.
 */
export async function signInThroughApi(page: Page, email: string): Promise<void> {
  const response = await page.request.post("/api/auth/dev", { data: { email } });
  expect(response.status(), await response.text()).toBe(200);
}

/** A fresh account per run: the e2e state directory outlives runs, and each user has its own limits. */
export const uniqueEmail = (name: string) => `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

export const ADMIN_EMAIL = "admin@ballast.local";
