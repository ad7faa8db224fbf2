import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import Big from "big.js";
import { expect } from "vitest";
import worker from "../../../worker/index.ts";
import { accountsApp, control, dumpAccount, type SimAccount, trader, type Venue } from "../accounts/support.ts";
import { script, simAiKey } from "../ai/support.ts";
import type { Caller, TestApp } from "../identity/support.ts";
import { createPortfolio, type RunBody, settledRun } from "../portfolios/support.ts";

/**
 * Engine tests drive real portfolios through the API, their Durable Objects and the simulator over HTTP. Decisions
 * come from the simulator's OpenAI-compatible API, scripted per test key, so each review does exactly what a test
 * needs (the built-in strategy is covered by its own tests and by the paper runs).
 */

export type ScriptedTrader = {
  app: TestApp;
  user: Caller;
  keyId: string;
  account: SimAccount;
  aiKey: string;
  /** Queues the next decisions (one per review) for this trader's AI key. */
  decide(...results: unknown[]): Promise<void>;
  /** Queues raw script steps (delays, faults, non-JSON answers). */
  script(...steps: unknown[]): Promise<void>;
};

export async function scriptedTrader(
  venue: Venue,
  balances: Parameters<typeof trader>[2] = {},
  /** Another name for the simulator gives the key its own transport (pacing and clock state). */
  baseUrl?: string,
): Promise<ScriptedTrader> {
  const app = accountsApp();
  const { user, keyId, account } = await trader(app, venue, balances, baseUrl);
  const aiKey = await simAiKey("openai");
  const saved = await user.put("/api/keys/ai/openai", { apiKey: aiKey });
  if (saved.status !== 200) throw new Error(`AI key not saved: ${saved.status} ${saved.text}`);
  return {
    app,
    user,
    keyId,
    account,
    aiKey,
    decide: (...results) =>
      script(
        aiKey,
        results.map((result) => ({ decision: { result } })),
      ),
    script: (...steps) => script(aiKey, steps),
  };
}

export { futuresAction, futuresPlan, OPENAI, spotBuy, spotPlan, spotSell } from "../../support/scripted-decisions.ts";

export async function runNow(user: Caller, portfolioId: string): Promise<RunBody> {
  const reply = await user.post(`/api/portfolios/${portfolioId}/runs`);
  if (reply.status !== 202) throw new Error(`run-now: ${reply.status} ${reply.text}`);
  return settledRun(user, portfolioId, reply.body.runId as string);
}

export async function newPortfolio(user: Caller, body: Record<string, unknown>): Promise<string> {
  return createPortfolio(user, body);
}

/** One tick of the production cron handler at `scheduledTime`. */
export async function cronTick(scheduledTime: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

export function engineStub(portfolioId: string) {
  return env.PORTFOLIO.getByName(portfolioId);
}

export async function venueOrders(account: SimAccount) {
  return (await dumpAccount(account.apiKey)).orders;
}

export async function rows<T>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}

/** One matching step on the venue now (resting orders that the price crossed fill), like a second passing. */
export async function settleVenue(venue: Venue): Promise<void> {
  await control("POST", "/settle", { venue });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` answers a value (not undefined), for state another object changes asynchronously. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

type Holding = { asset: string; quantity: string; onExchange: string };

/** The portfolio claimed the whole account and is the only one trading it, so its ledger must equal the venue. */
export async function expectLedgerMatchesVenue(user: Caller, id: string, apiKey: string) {
  const holdings = (await user.get(`/api/portfolios/${id}/positions`)).body.holdings as Holding[];
  const venue = await dumpAccount(apiKey);
  const balances = (venue as unknown as { balances: { asset: string; free: string; locked: string }[] }).balances;
  for (const holding of holdings) {
    const onVenue = balances.find((b) => b.asset === holding.asset);
    const total = onVenue ? Big(onVenue.free).plus(onVenue.locked) : Big(0);
    expect(Big(holding.quantity).eq(total), `${holding.asset}: ledger ${holding.quantity}, venue ${total}`).toBe(true);
  }
  return holdings;
}
