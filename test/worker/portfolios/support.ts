import type { Caller } from "../identity/support.ts";

/** A valid spot portfolio body on `keyId`; tests override what they check. */
export function spotPortfolio(keyId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Majors",
    exchangeKeyId: keyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [
      { token: "BTC", minAllocation: 20 },
      { token: "ETH", minAllocation: 20 },
    ],
    reviewInterval: "1h",
    ...overrides,
  };
}

export function futuresPortfolio(keyId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return spotPortfolio(keyId, {
    market: "futures",
    tokens: [{ token: "SOL", minAllocation: 10 }],
    futures: { positionMode: "one_way", marginMode: "cross", maxLeverage: 5 },
    ...overrides,
  });
}

export async function createPortfolio(user: Caller, body: Record<string, unknown>): Promise<string> {
  const reply = await user.post("/api/portfolios", body);
  if (reply.status !== 200) throw new Error(`portfolio not created: ${reply.status} ${reply.text}`);
  return reply.body.id as string;
}

export type RunBody = Record<string, unknown> & {
  id: string;
  status: string;
  step: string;
  orders: Record<string, unknown>[];
};

const FINISHED = ["completed", "failed", "aborted", "awaiting_approval"];

/**
 * Reviews run asynchronously in the portfolio's Durable Object (run-now answers 202, start queues one): this polls a
 * run (the latest when none is named) until it has finished, and answers it in full.
 */
export async function settledRun(user: Caller, portfolioId: string, runId?: string): Promise<RunBody> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    let id = runId;
    if (!id) {
      const list = await user.get(`/api/portfolios/${portfolioId}/runs?limit=1`);
      id = (list.body.runs as { id: string }[] | undefined)?.[0]?.id;
    }
    if (id) {
      const run = await user.get(`/api/portfolios/${portfolioId}/runs/${id}`);
      if (run.status !== 200) throw new Error(`run ${id}: ${run.status} ${run.text}`);
      if (FINISHED.includes(run.body.status as string)) return run.body as RunBody;
    }
    if (Date.now() > deadline) throw new Error(`run of ${portfolioId} did not finish within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts a portfolio and waits for the review that starting it queues. */
export async function startSettled(user: Caller, portfolioId: string) {
  const started = await user.post(`/api/portfolios/${portfolioId}/start`);
  if (started.status !== 200) throw new Error(`not started: ${started.status} ${started.text}`);
  return { portfolio: started.body, run: await settledRun(user, portfolioId) };
}
