import { expect, test } from "@playwright/test";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

test("the dashboard shows the service health and switches language", async ({ page }, testInfo) => {
  await signInThroughApi(page, uniqueEmail("health"));
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("health-status")).toHaveText("All systems operational");
  await expect(page.getByText("0.1.0")).toBeVisible();

  await page.getByLabel("Language").selectOption("ru");
  await expect(page.getByRole("heading", { name: "Обзор" })).toBeVisible();
  await expect(page.getByTestId("health-status")).toHaveText("Все системы работают");
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");

  await page.screenshot({ path: testInfo.outputPath("dashboard-ru.png"), fullPage: true });
  await page.screenshot({ path: "artifacts/screenshots/dashboard-ru.png", fullPage: true });

  await page.reload();
  await expect(page.getByRole("heading", { name: "Обзор" })).toBeVisible();
});

test("the static UI carries its security headers", async ({ request }) => {
  const res = await request.get("/");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
});

test("the API reference page renders from the locally served bundle", async ({ page }) => {
  await page.goto("/api/docs");
  await expect(page.getByText("Ballast API").first()).toBeVisible({ timeout: 20_000 });
});
