import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import {
  createPortfolio,
  futuresOpen,
  futuresPlan,
  OPENAI,
  SIM,
  scriptDecisions,
  spotPlan,
  startPortfolio,
} from "./support/portfolios.ts";
import { DESKTOP, PHONE, screenshot } from "./support/screens.ts";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// Market context on the portfolio page, against the simulator: a live futures portfolio whose long paid funding shows
// that funding next to its PnL (desktop and phone), and a spot portfolio holding a stablecoin that slipped off its peg,
// paused with the reason. LINKUSDT and FDUSDUSDT are this file's own symbols.
test.describe.configure({ mode: "serial" });

let page: Page;
let keyId: string;
let aiKey: string;
let simApiKey: string;

const originOf = () => ({ Origin: new URL(page.url()).origin });
const shot = (name: string) => screenshot(page, name);

async function hold(request: APIRequestContext, market: string, symbol: string, price: string) {
  const held = await request.post(`${SIM}/control/prices`, {
    data: { venue: "binance", market, symbol, price, hold: true },
  });
  expect(held.ok(), await held.text()).toBe(true);
}

async function statusOf(id: string): Promise<string> {
  return ((await (await page.request.get(`/api/portfolios/${id}`)).json()) as { status: string }).status;
}

async function lastRunStatus(id: string): Promise<string | undefined> {
  const runs = (await (await page.request.get(`/api/portfolios/${id}/runs?limit=1`)).json()) as {
    runs: { status: string }[];
  };
  return runs.runs[0]?.status;
}

test.beforeAll(async ({ browser, request }) => {
  page = await browser.newPage({ viewport: DESKTOP });
  await signInThroughApi(page, uniqueEmail("market-context"));
  await page.goto("/");
  const account = await request.post(`${SIM}/control/accounts`, {
    data: { venue: "binance", spot: { USDT: "10000", FDUSD: "2000" }, futuresWallet: "10000" },
  });
  expect(account.status(), await account.text()).toBe(201);
  const credentials = (await account.json()) as { apiKey: string; apiSecret: string };
  simApiKey = credentials.apiKey;
  const key = await page.request.post("/api/keys/exchange", {
    headers: originOf(),
    data: { venue: "binance", environment: "custom", baseUrl: SIM, label: `Sim market ${Date.now()}`, ...credentials },
  });
  expect(key.status(), await key.text()).toBe(200);
  keyId = ((await key.json()) as { id: string }).id;
  const ai = await request.post(`${SIM}/control/ai/keys`, { data: { provider: "openai" } });
  aiKey = ((await ai.json()) as { apiKey: string }).apiKey;
  const stored = await page.request.put("/api/keys/ai/openai", { headers: originOf(), data: { apiKey: aiKey } });
  expect(stored.status(), await stored.text()).toBe(200);
});

test.afterAll(async () => {
  await page.close();
});

test("a futures portfolio shows the funding it paid next to its PnL", async ({ request }) => {
  await hold(request, "linear", "LINKUSDT", "20");
  await scriptDecisions(
    request,
    aiKey,
    {
      result: futuresPlan(
        [futuresOpen({ symbol: "LINKUSDT", side: "LONG", quantity: "200", leverage: 2, stopLoss: "19" })],
        "Go long LINK.",
      ),
    },
    { result: futuresPlan([], "Hold.") },
  );
  const id = await createPortfolio(page, {
    name: "LINK perp",
    exchangeKeyId: keyId,
    market: "futures",
    cashToken: "USDT",
    tokens: [{ token: "LINK", minAllocation: 0 }],
    reviewInterval: "4h",
    decisionSource: OPENAI,
    futures: { positionMode: "one_way", marginMode: "cross", maxLeverage: 5 },
  });
  await startPortfolio(page, id);
  await expect.poll(() => lastRunStatus(id), { timeout: 20_000 }).toBe("completed");
  // The venue settles funding (every 8 hours; now, for the test), and the next review books it.
  const funding = await request.post(`${SIM}/control/funding`, { data: { venue: "binance", apiKey: simApiKey } });
  expect(funding.ok(), await funding.text()).toBe(true);
  const { payments } = (await funding.json()) as { payments: { amount: string }[] };
  expect(payments).toHaveLength(1);
  const run = await page.request.post(`/api/portfolios/${id}/runs`, { headers: originOf() });
  expect(run.status(), await run.text()).toBe(202);
  await expect
    .poll(
      async () => {
        const runs = (await (await page.request.get(`/api/portfolios/${id}/runs?limit=1`)).json()) as {
          runs: { seq: number; status: string }[];
        };
        return runs.runs[0]?.seq === 2 ? runs.runs[0].status : "waiting";
      },
      { timeout: 20_000 },
    )
    .toBe("completed");

  await page.goto(`/portfolios/${id}`);
  const funded = page.getByTestId("portfolio-funding");
  await expect(funded).toBeVisible();
  const paid = Number(payments[0]?.amount);
  expect(paid).toBeLessThan(0);
  // Shown signed, to the cent, in the cash token, with what it means.
  await expect(funded).toContainText(`${paid.toFixed(2)} USDT`);
  await expect(funded).toContainText("received minus paid since start, included in the PnL");
  await shot("market-context-funding");
  await page.setViewportSize(PHONE);
  await expect(funded).toBeVisible();
  const box = await funded.boundingBox();
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
  await shot("market-context-funding-phone");
  await page.setViewportSize(DESKTOP);
});

test("a portfolio holding a stablecoin off its peg is paused with the reason", async ({ request }) => {
  await hold(request, "spot", "FDUSDUSDT", "0.95");
  await scriptDecisions(request, aiKey, { result: spotPlan([], "Hold.") });
  const id = await createPortfolio(page, {
    name: "Stable mix",
    exchangeKeyId: keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [{ token: "FDUSD", minAllocation: 0 }],
    reviewInterval: "1h",
    decisionSource: OPENAI,
  });
  await startPortfolio(page, id);
  await expect.poll(() => statusOf(id), { timeout: 20_000 }).toBe("paused");
  await page.goto(`/portfolios/${id}`);
  const notice = page.getByRole("note").filter({ hasText: "This portfolio is paused" });
  await expect(notice).toBeVisible();
  await expect(notice.getByTestId("status-notice-reason")).toContainText(
    "FDUSD trades at 0.9500 USDT on Binance's FDUSDUSDT book, 5% off its 1:1 peg",
  );
  await expect(notice).toContainText("left its 1:1 peg past the threshold: no order was planned.");
  await shot("market-context-depeg");
  await page.getByLabel("Language").selectOption("ru");
  await expect(page.getByRole("note").filter({ hasText: "Портфель приостановлен" })).toContainText(
    "отклонился от курса 1:1 сильнее порога",
  );
  await shot("market-context-depeg-ru");
});
