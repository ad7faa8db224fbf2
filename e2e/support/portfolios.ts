import { type APIRequestContext, expect, type Page } from "@playwright/test";
import { futuresAction } from "../../test/support/scripted-decisions.ts";

/**
 * Setup for the portfolio-page tests, through the API and the simulator's control API (the UI for keys and the
 * portfolio form has its own tests): a simulator account as a verified key, an OpenAI key whose decisions the test
 * scripts, and portfolios created as drafts.
 */

export const SIM = process.env.E2E_SIM_URL ?? "http://127.0.0.1:8798";

export type Trader = { keyId: string; aiKey: string };

const originOf = (page: Page) => ({ Origin: new URL(page.url()).origin });

export async function holdPrice(request: APIRequestContext, market: "spot" | "linear", symbol: string, price: string) {
  const held = await request.post(`${SIM}/control/prices`, {
    data: { venue: "binance", market, symbol, price, hold: true },
  });
  expect(held.ok(), await held.text()).toBe(true);
}

/** A Binance simulator account as a verified key, and a simulator OpenAI key saved as the user's. */
export async function setUpTrader(page: Page, request: APIRequestContext, label: string): Promise<Trader> {
  await page.goto("/");
  const account = await request.post(`${SIM}/control/accounts`, {
    data: { venue: "binance", spot: { USDT: "10000" }, futuresWallet: "10000" },
  });
  expect(account.status(), await account.text()).toBe(201);
  const credentials = (await account.json()) as { apiKey: string; apiSecret: string };
  const key = await page.request.post("/api/keys/exchange", {
    headers: originOf(page),
    data: { venue: "binance", environment: "custom", baseUrl: SIM, label, ...credentials },
  });
  expect(key.status(), await key.text()).toBe(200);
  const { id: keyId } = (await key.json()) as { id: string };

  const ai = await request.post(`${SIM}/control/ai/keys`, { data: { provider: "openai" } });
  expect(ai.status(), await ai.text()).toBe(201);
  const { apiKey: aiKey } = (await ai.json()) as { apiKey: string };
  const stored = await page.request.put("/api/keys/ai/openai", { headers: originOf(page), data: { apiKey: aiKey } });
  expect(stored.status(), await stored.text()).toBe(200);
  return { keyId, aiKey };
}

/** Queues the next decisions of this AI key, one per review; `delayMs` holds a review at its decide step. */
export async function scriptDecisions(
  request: APIRequestContext,
  aiKey: string,
  ...steps: { result: Record<string, unknown>; delayMs?: number }[]
) {
  const scripted = await request.post(`${SIM}/control/ai/script`, {
    data: {
      apiKey: aiKey,
      steps: steps.map(({ result, delayMs }) => ({ decision: { result }, ...(delayMs ? { delayMs } : {}) })),
    },
  });
  expect(scripted.ok(), await scripted.text()).toBe(true);
}

export async function createPortfolio(page: Page, body: Record<string, unknown>): Promise<string> {
  const created = await page.request.post("/api/portfolios", { headers: originOf(page), data: body });
  expect(created.status(), await created.text()).toBe(200);
  return ((await created.json()) as { id: string }).id;
}

export async function startPortfolio(page: Page, id: string): Promise<void> {
  const started = await page.request.post(`/api/portfolios/${id}/start`, { headers: originOf(page) });
  expect(started.status(), await started.text()).toBe(200);
}

/** The status of the portfolio's latest review ("none" before its first). */
export async function lastRunStatus(page: Page, id: string): Promise<string> {
  const list = await page.request.get(`/api/portfolios/${id}/runs?limit=1`);
  return ((await list.json()) as { runs?: { status: string }[] }).runs?.[0]?.status ?? "none";
}

/** Waits for the portfolio's latest review (the first one, after startPortfolio) to complete. */
export async function reviewCompleted(page: Page, id: string, timeout = 30_000): Promise<void> {
  await expect.poll(() => lastRunStatus(page, id), { timeout }).toBe("completed");
}

export { futuresPlan, OPENAI, spotBuy, spotPlan } from "../../test/support/scripted-decisions.ts";

/** A futures OPEN action (see futuresAction). */
export const futuresOpen = (fields: Record<string, unknown>) => futuresAction({ action: "OPEN", ...fields });
