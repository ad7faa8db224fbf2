import { afterEach, describe, expect, it } from "vitest";
import { signIn } from "../identity/support.ts";
import {
  accountsApp,
  addFault,
  clearFaults,
  connectKey,
  errorOf,
  simAccount,
  simUrlAsLocalhost,
  trader,
  VENUES,
  verifiedEarlier,
} from "./support.ts";

const BALANCES_PATH = { binance: "GET /api/v3/account", bybit: "GET /v5/account/wallet-balance" } as const;

afterEach(clearFaults);

describe.each(VENUES)("%s venue failures, mapped the same way for both venues", (venue) => {
  it("answers 503 exchange_unavailable when the venue keeps failing (the read is retried first)", async () => {
    const app = accountsApp();
    const { user, keyId, account } = await trader(app, venue);
    await addFault(
      venue,
      { type: "error_after_accept", pathPrefix: BALANCES_PATH[venue], status: 503, apiKey: account.apiKey },
      3,
    );
    const reply = await user.get(`/api/keys/${keyId}/balances`);
    expect(reply.status, reply.text).toBe(503);
    expect(errorOf(reply)).toMatchObject({ code: "exchange_unavailable", details: { venue } });
  });

  it("answers 451 exchange_restricted_location with the US-egress explanation", async () => {
    const app = accountsApp({ verifyExchangeKey: verifiedEarlier });
    const user = await signIn(app);
    const restricted = await simAccount(venue, { apiKey: `restricted-location-${crypto.randomUUID()}` });
    const keyId = await connectKey(user, venue, restricted);
    const reply = await user.get(`/api/keys/${keyId}/balances`);
    expect(reply.status, reply.text).toBe(451);
    expect(errorOf(reply).code).toBe("exchange_restricted_location");
    expect(errorOf(reply).message).toContain("US IP addresses");
  });

  it("answers 429 exchange_rate_limited with Retry-After when the venue throttles us", async () => {
    const app = accountsApp();
    // Its own host name, so the block the transport learns does not slow the other tests down.
    const { user, keyId, account } = await trader(app, venue, {}, simUrlAsLocalhost());
    // Longer than the transport waits inline (2 s) before trying a read again.
    await addFault(venue, {
      type: "rate_limit",
      pathPrefix: BALANCES_PATH[venue],
      retryAfterSeconds: 5,
      apiKey: account.apiKey,
    });
    const reply = await user.get(`/api/keys/${keyId}/balances`);
    expect(reply.status, reply.text).toBe(429);
    expect(errorOf(reply)).toMatchObject({ code: "exchange_rate_limited", details: { venue } });
    expect(Number(reply.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});
