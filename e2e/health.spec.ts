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

test("the static UI carries its security headers and runs under a CSP without 'unsafe-inline' scripts", async ({
  page,
  request,
}) => {
  const res = await request.get("/");
  expect(res.status()).toBe(200);
  const headers = res.headers();
  const csp = headers["content-security-policy"] ?? "";
  const scriptSrc = csp.split(";").find((directive) => directive.trim().startsWith("script-src")) ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).toMatch(/'sha256-[A-Za-z0-9+/]+=*'/);
  expect(headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
  expect(headers["permissions-policy"]).toContain("camera=()");
  expect(headers["x-content-type-options"]).toBe("nosniff");

  // The hashed bootstrap script runs: the app starts, and the browser reports no policy violation.
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  // The sign-in page is enough to prove the SPA booted (and spends none of the suite's sign-ins, 5 a minute per IP).
  await page.goto("/signin");
  await expect(page.getByRole("heading", { name: "Sign in to Ballast" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("the API reference page renders from the locally served bundle and needs nothing from the internet", async ({
  page,
}, testInfo) => {
  const origin = new URL(testInfo.project.use.baseURL ?? "http://127.0.0.1").origin;
  const elsewhere: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol.startsWith("http") && url.origin !== origin) elsewhere.push(request.url());
  });
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
  });
  await page.goto("/api/docs");
  await expect(page.getByText("Ballast API").first()).toBeVisible({ timeout: 20_000 });
  // Rendered from the document (fonts, if any, are asked for by then).
  await expect(page.getByText("/api/health").first()).toBeVisible();
  // No buttons that lead to Scalar's services.
  for (const label of ["Ask AI", "Generate MCP", "Deploy"]) await expect(page.getByText(label)).toHaveCount(0);
  await page.screenshot({ path: "artifacts/screenshots/api-docs.png" });
  expect(elsewhere).toEqual([]);
  expect(problems).toEqual([]);
});
