import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { findOverflow } from "./support/overflow.ts";
import {
  createPortfolio,
  holdPrice,
  OPENAI,
  scriptDecisions,
  setUpTrader,
  spotBuy,
  spotPlan,
  startPortfolio,
} from "./support/portfolios.ts";
import { ADMIN_EMAIL, signInThroughApi } from "./support/sign-in.ts";

// Every page at phone (390 px) and desktop (1280 px) width, in English and Russian: none may be wider than the
// window, and nothing may stick out past its right edge except inside its own scrolling container. One sign-in (the
// administrator, so /admin is a page like the others); every other context reuses its stored state.
test.describe.configure({ mode: "serial" });

const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;
const LANGUAGES = ["en", "ru"] as const;

let storageState: Awaited<ReturnType<BrowserContext["storageState"]>>;
let portfolioId: string;
/** This run's key: a retry of this file adds another with the same long label. */
let keyId: string;

test.beforeAll(async ({ browser, request }) => {
  test.setTimeout(120_000);
  await holdPrice(request, "spot", "ETHUSDT", "2500");
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
  const page = await context.newPage();
  await signInThroughApi(page, ADMIN_EMAIL);
  // A long key label, as people name keys: the key dropdown and the key's card must still fit a phone.
  const trader = await setUpTrader(page, request, `Simulator main account for widths ${Date.now()}`);
  await scriptDecisions(request, trader.aiKey, {
    result: spotPlan([spotBuy("ETHUSDT", "1", "2500")], "Buy ETH toward its target."),
  });
  keyId = trader.keyId;
  portfolioId = await createPortfolio(page, {
    name: "Долгосрочный портфель криптовалют",
    exchangeKeyId: trader.keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [
      { token: "ETH", minAllocation: 10, targetAllocation: 30 },
      { token: "BTC", minAllocation: 0, targetAllocation: 20 },
    ],
    reviewInterval: "1h",
    decisionSource: OPENAI,
    paper: true,
  });
  await startPortfolio(page, portfolioId);
  // The start's review must be over, so the page has holdings, a run and its market context (the indicators).
  await expect
    .poll(
      async () => {
        const runs = await page.request.get(`/api/portfolios/${portfolioId}/runs`);
        const body = (await runs.json()) as { runs?: { status: string }[] };
        return body.runs?.[0]?.status ?? "none";
      },
      { timeout: 60_000 },
    )
    .toBe("completed");
  storageState = await context.storageState();
  await context.close();
});

type Visit = { name: string; path: () => string; open?: (page: Page) => Promise<void> };

const PAGES: Visit[] = [
  { name: "signin", path: () => "/signin" },
  { name: "dashboard", path: () => "/" },
  { name: "balances", path: () => "/balances" },
  { name: "keys", path: () => "/keys" },
  { name: "portfolios", path: () => "/portfolios" },
  {
    name: "portfolio",
    path: () => `/portfolios/${portfolioId}`,
    // Open the review: its details hold the holdings it saw and the indicator table.
    open: async (page) => {
      const run = page.getByTestId("run").first();
      await run.getByRole("button").first().click();
      await expect(page.getByTestId("run-input-market")).toBeVisible();
      await expect(page.getByTestId("holding").first()).toBeVisible();
    },
  },
  { name: "portfolio-edit", path: () => `/portfolios/${portfolioId}/edit` },
  { name: "portfolio-new", path: () => "/portfolios/new" },
  { name: "security", path: () => "/security" },
  { name: "notifications", path: () => "/notifications" },
  { name: "admin", path: () => "/admin" },
];

async function contextFor(browser: Browser, language: string, viewport: { width: number; height: number }) {
  // Sign-in is a page for visitors: it gets a context without the session.
  const context = await browser.newContext({ viewport, storageState });
  await context.addInitScript((locale) => globalThis.localStorage.setItem("ballast.locale", locale), language);
  return context;
}

for (const language of LANGUAGES) {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    test(`every page fits ${viewport.width} px in ${language}`, async ({ browser }) => {
      test.setTimeout(180_000);
      const signedIn = await contextFor(browser, language, viewport);
      const visitor = await browser.newContext({ viewport });
      await visitor.addInitScript((locale) => globalThis.localStorage.setItem("ballast.locale", locale), language);
      const problems: string[] = [];
      try {
        for (const visit of PAGES) {
          const page = await (visit.name === "signin" ? visitor : signedIn).newPage();
          await page.goto(visit.path());
          await settle(page);
          await visit.open?.(page);
          await settle(page);
          await page.screenshot({
            path: `artifacts/screenshots/width-${visit.name}-${language}-${size}.png`,
            fullPage: true,
          });
          const overflow = await findOverflow(page);
          if (overflow) problems.push(`${visit.name} (${language}, ${viewport.width} px): ${overflow}`);
          const scrolled = await stackedTablesThatScroll(page);
          if (scrolled) problems.push(`${visit.name} (${language}, ${viewport.width} px): ${scrolled}`);
          await page.close();
        }
      } finally {
        await signedIn.close();
        await visitor.close();
      }
      expect(problems, problems.join("\n")).toEqual([]);
    });
  }
}

/**
 * The tables of numbers a trader reads on a phone (holdings, indicators, positions, balances, sessions) are stacked
 * into cards there: none of them may need sideways scrolling, at any width.
 */
async function stackedTablesThatScroll(page: Page): Promise<string | null> {
  const wide = await page
    .locator(".scroll.stack")
    .evaluateAll((boxes) =>
      boxes
        .filter((box) => box.scrollWidth > box.clientWidth + 1)
        .map(
          (box) =>
            `"${box.querySelector("caption")?.textContent?.trim()}" scrolls (${box.scrollWidth} px in ${box.clientWidth} px)`,
        ),
    );
  return wide.length > 0 ? wide.join("; ") : null;
}

/** Waits until the page has its heading and no request is loading (no busy panel, no loading line). */
async function settle(page: Page) {
  await expect(page.locator("main h1").first()).toBeVisible();
  await expect(page.locator("main [aria-busy='true'], main p[role='status'].muted")).toHaveCount(0, {
    timeout: 20_000,
  });
}

test("the new-portfolio form: the key dropdown fits the screen, the position-mode hint describes the chosen mode", async ({
  browser,
}) => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const context = await contextFor(browser, "en", viewport);
    const page = await context.newPage();
    await page.goto("/portfolios/new");
    const key = page.getByLabel("Exchange key");
    // The admin's other tests add keys of their own: this one's key is chosen by its id.
    await key.selectOption(keyId);
    // Inside the window and inside its form, whatever the label's length.
    // Cut short with an ellipsis on a phone, the chosen key is still named in full under the dropdown.
    await expect(page.locator(`#${await key.getAttribute("aria-describedby")}`)).toContainText(
      /^Simulator main account for widths \d+ · Binance · /,
    );
    const box = await key.boundingBox();
    const form = await page.locator("main form").first().boundingBox();
    expect(box && form && box.x >= form.x && box.x + box.width <= form.x + form.width + 0.5).toBe(true);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(viewport.width);

    await page.getByRole("button", { name: "Futures (USDT perpetuals)" }).click();
    const mode = page.getByLabel("Position mode");
    await expect(mode).toHaveValue("one_way");
    const hint = page.locator(`#${await mode.getAttribute("aria-describedby")}`);
    await expect(hint).toHaveText(/^One-way: one position per contract/);
    await expect(hint).not.toContainText("Hedge");
    await page.screenshot({ path: `artifacts/screenshots/portfolio-form-key-and-mode-${size}.png`, fullPage: true });
    await mode.selectOption("hedge");
    await expect(hint).toHaveText(/^Hedge: a long and a short of one contract at once/);
    await context.close();
  }
});
