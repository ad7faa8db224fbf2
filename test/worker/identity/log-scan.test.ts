import { afterEach, describe, expect, it, vi } from "vitest";
import { totpAt } from "../../../worker/auth/totp.ts";
import { Caller, type Reply, sessionCookie, testApp, testClock, uniqueEmail } from "./support.ts";

describe("secrets never reach logs or responses", () => {
  afterEach(() => vi.restoreAllMocks());

  it("runs sign-in, tokens, 2FA and key flows at debug level and finds no secret in any log line or response", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
      });

    const clock = testClock();
    const app = testApp(
      {
        now: clock.now,
        verifyExchangeKey: async (check) =>
          check.venue === "bybit"
            ? { outcome: "verified", permissions: { canTrade: true, canWithdraw: true, spot: true, futures: true } }
            : { outcome: "verified", permissions: { canTrade: true, canWithdraw: false, spot: true, futures: false } },
        outboundFetch: async () => new Response("{}", { status: 200 }),
      },
      { LOG_LEVEL: "debug" },
    );
    const replies: Reply[] = [];
    const record = async (reply: Promise<Reply>) => {
      const r = await reply;
      replies.push(r);
      return r;
    };

    const signedIn = await record(new Caller(app).post("/api/auth/dev", { email: uniqueEmail("logscan") }));
    const sessionToken = sessionCookie(signedIn);
    const user = new Caller(app, { cookie: sessionToken });

    const apiKey = `binance-key-${crypto.randomUUID()}`;
    const apiSecret = `binance-secret-${crypto.randomUUID()}`;
    const bybitSecret = `bybit-secret-${crypto.randomUUID()}`;
    const aiKey = `sk-${crypto.randomUUID()}`;
    const keyBody = { environment: "testnet", label: "scan", apiKey, apiSecret };
    const saved = await record(user.post("/api/keys/exchange", { venue: "binance", ...keyBody }));
    await record(user.post("/api/keys/exchange", { ...keyBody, venue: "bybit", apiSecret: bybitSecret }));
    await record(user.get("/api/keys/exchange"));
    await record(user.put(`/api/keys/exchange/${saved.body.id}`, { ...keyBody, label: "scan-2" }));
    await record(user.put("/api/keys/ai/openai", { apiKey: aiKey }));
    await record(user.get("/api/keys/ai"));

    const created = await user.post("/api/tokens", { name: "scan", scopes: ["read"] });
    const apiToken = created.body.token as string;
    const client = new Caller(app, { bearer: apiToken });
    await record(client.get("/api/auth/me"));
    await record(client.get("/api/keys/exchange"));
    await record(user.get("/api/tokens"));

    const setup = await user.post("/api/auth/2fa/setup");
    const totpSecret = setup.body.secret as string;
    const enabled = await user.post("/api/auth/2fa/enable", { code: await totpAt(totpSecret, clock.now()) });
    const recoveryCodes = enabled.body.recoveryCodes as string[];
    await record(user.get("/api/auth/2fa"));
    clock.advance(11 * 60_000);
    await record(user.post("/api/auth/2fa/verify", { code: await totpAt(totpSecret, clock.now()) }));
    await record(user.post("/api/auth/2fa/verify", { code: recoveryCodes[0] }));
    await record(user.delete(`/api/keys/exchange/${saved.body.id}`));
    await record(user.get("/api/sessions"));
    await record(user.post("/api/auth/logout"));

    const secrets = { apiKey, apiSecret, bybitSecret, aiKey, sessionToken, apiToken, totpSecret, ...recoveryCodes };
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((line) => line.includes('"path":"/api/keys/exchange"'))).toBe(true);
    for (const [name, value] of Object.entries(secrets)) {
      for (const line of lines) expect(line, `${name} in a log line`).not.toContain(value);
      for (const reply of replies) expect(reply.text, `${name} in a response`).not.toContain(value);
    }
  });
});
