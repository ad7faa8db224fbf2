import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

// The simulator runs in the test runner's Node process; workerd reaches it over real loopback HTTP.
async function control(path: string, init?: { method: string; body: unknown }) {
  const res = await fetch(`${env.SIM_URL}/control${path}`, {
    method: init?.method ?? "GET",
    headers: init ? { "content-type": "application/json" } : {},
    body: init ? JSON.stringify(init.body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("exchange simulator from workerd", () => {
  it("creates an account and shows its state", async () => {
    const created = await control("/accounts", {
      method: "POST",
      body: { venue: "binance", spot: { USDT: "1000" }, futuresWallet: "500" },
    });
    expect(created.status).toBe(201);
    expect(String(created.body.apiKey)).toHaveLength(64);
    const dump = await control(`/accounts/${created.body.apiKey}`);
    expect(dump.body).toMatchObject({ futuresWallet: "500", balances: [{ asset: "USDT", free: "1000" }] });
  });

  it("reads prices", async () => {
    const { status, body } = await control("/prices?venue=bybit&market=linear&symbol=BTCUSDT");
    expect(status).toBe(200);
    expect(Number(body.price)).toBeGreaterThan(10_000);
    expect(body.book).toMatchObject({ bidQty: expect.any(String), askQty: expect.any(String) });
  });

  it("serves the Google JWKS", async () => {
    const res = await fetch(`${env.SIM_URL}/google/oauth2/v3/certs`);
    const { keys } = (await res.json()) as { keys: { kty: string; alg: string; kid: string }[] };
    expect(keys).toEqual([expect.objectContaining({ kty: "RSA", alg: "RS256", kid: expect.any(String) })]);
  });
});
