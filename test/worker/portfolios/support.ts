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
