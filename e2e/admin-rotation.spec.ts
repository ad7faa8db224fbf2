import { expect, type Page, test } from "@playwright/test";
import { DESKTOP, PHONE, screenshot } from "./support/screens.ts";
import { ADMIN_EMAIL, signInThroughApi } from "./support/sign-in.ts";

// The Admin page: the user count in each language's plural, and the master-key rotation run from the page (the API
// was the only way before) with the totals, unreadable count and cursor it reports. One sign-in, the administrator.
test.describe.configure({ mode: "serial" });

let page: Page;

const shot = (name: string) => screenshot(page, name);
const rotation = () => page.getByTestId("secret-rotation");

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, ADMIN_EMAIL);
});

test.afterAll(async () => {
  await page.close();
});

test("the user count reads as a sentence in English and Russian", async () => {
  await page.goto("/admin");
  const pager = page.getByRole("navigation", { name: "Pages of users" });
  await expect(pager).toContainText(/\(\d+ users?\)/);
  const total = Number((await pager.textContent())?.match(/\((\d+) user/)?.[1]);
  await expect(pager).toContainText(total === 1 ? "(1 user)" : `(${total} users)`);

  await page.getByLabel("Language").selectOption("ru");
  const ru = page.getByRole("navigation", { name: "Страницы пользователей" });
  const word = { one: "пользователь", few: "пользователя", many: "пользователей", other: "пользователя" };
  await expect(ru).toContainText(`(${total} ${word[new Intl.PluralRules("ru").select(total) as keyof typeof word]})`);
  await page.getByLabel("Язык").selectOption("en");
});

test("master-key rotation runs from the page and shows what the API reported", async ({ request }) => {
  await expect(rotation()).toContainText("Not run since this page was opened.");
  await rotation().getByRole("button", { name: "Re-encrypt stored secrets" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("with the current master key now?");
  await dialog.getByRole("button", { name: "Re-encrypt stored secrets" }).click();

  // Every record of the e2e server is sealed with its only master key (version 1): a pass re-encrypts none and ends.
  await expect(rotation().getByRole("status")).toHaveText(
    "Done: every stored secret is sealed with master key version 1.",
  );
  const status = rotation().getByTestId("rotation-status");
  await expect(status.getByTestId("rotation-exchange-keys")).toHaveText("0");
  await expect(status.getByTestId("rotation-ai-keys")).toHaveText("0");
  await expect(status.getByTestId("rotation-totp")).toHaveText("0");
  await expect(status.getByTestId("rotation-unreadable")).toHaveText("0");
  await expect(status.getByTestId("rotation-cursor")).toHaveText("none (pass complete)");
  await expect(rotation().getByTestId("rotation-skipped")).toHaveCount(0);
  await shot("admin-rotation-desktop");

  // The same call from the API answers what the page showed.
  const direct = await page.request.post("/api/admin/secrets/rotate", {
    headers: { Origin: new URL(page.url()).origin },
  });
  expect(direct.status(), await direct.text()).toBe(200);
  expect(await direct.json()).toMatchObject({
    keyVersion: 1,
    exchangeKeys: 0,
    aiKeys: 0,
    totpSecrets: 0,
    unreadable: 0,
    skipped: [],
    cursor: null,
    done: true,
  });
  // Only an administrator's session may rotate.
  expect((await request.post("/api/admin/secrets/rotate")).status()).toBe(401);

  await page.setViewportSize(PHONE);
  await shot("admin-rotation-phone");
  await page.getByLabel("Language").selectOption("ru");
  await expect(rotation().getByRole("status")).toContainText("зашифрованы мастер-ключом версии 1");
  await shot("admin-rotation-phone-ru");
  await page.getByLabel("Язык").selectOption("en");
});
