import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Venue } from "../../../shared/api/exchanges.ts";
import { gatewayVerifier } from "../../../worker/keys/exchange-key-verifier.ts";
import { createSimAccount } from "../../support/simulator.ts";
import { signIn, testApp } from "./support.ts";

// The production verifier, against the simulator over real HTTP: a signed permissions read per venue.
const simHost = new URL(env.SIM_URL).host;

const simAccount = (venue: Venue, permissions: { withdrawals?: boolean } = {}) =>
  createSimAccount(venue, { permissions });

const check = (venue: Venue, account: { apiKey: string; apiSecret: string }) => ({
  venue,
  environment: "custom" as const,
  baseUrls: { spot: env.SIM_URL, linear: env.SIM_URL },
  apiKey: account.apiKey,
  apiSecret: account.apiSecret,
  extraHosts: [simHost],
});

describe.each(["binance", "bybit"] as const)("gatewayVerifier on %s", (venue) => {
  it("verifies a trade-only key and reports its permissions", async () => {
    const result = await gatewayVerifier(check(venue, await simAccount(venue)));
    expect(result).toEqual({
      outcome: "verified",
      permissions: { canTrade: true, canWithdraw: false, spot: true, futures: true },
      note: null,
    });
  });

  it("reports withdrawal permission so the key can be refused", async () => {
    const result = await gatewayVerifier(check(venue, await simAccount(venue, { withdrawals: true })));
    expect(result.outcome === "verified" && result.permissions.canWithdraw).toBe(true);
  });

  it("rejects a key the venue does not know", async () => {
    const result = await gatewayVerifier(check(venue, { apiKey: "unknown-key-123456", apiSecret: "nope-nope-nope" }));
    expect(result.outcome).toBe("rejected");
  });

  it("is what saving a key through the API uses: verified, or refused when it can withdraw", async () => {
    const app = testApp({}, { EXCHANGE_EXTRA_HOSTS: simHost });
    const user = await signIn(app);
    const body = (account: { apiKey: string; apiSecret: string }) => ({
      venue,
      environment: "custom",
      baseUrl: env.SIM_URL,
      label: `sim-${crypto.randomUUID().slice(0, 6)}`,
      ...account,
    });
    const saved = await user.post("/api/keys/exchange", body(await simAccount(venue)));
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ status: "verified", permissions: { canWithdraw: false, canTrade: true } });
    const refused = await user.post("/api/keys/exchange", body(await simAccount(venue, { withdrawals: true })));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: "key_can_withdraw" } });
  });
});
