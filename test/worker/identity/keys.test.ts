import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../worker/db/client.ts";
import { openExchangeCredentials } from "../../../worker/keys/exchange-credentials.ts";
import type { ExchangeKeyPermissions, ExchangeKeyVerifier } from "../../../worker/keys/exchange-key-verifier.ts";
import { createKeyring } from "../../../worker/keys/keyring.ts";
import { signIn, testApp, userId } from "./support.ts";

const TRADE_ONLY: ExchangeKeyPermissions = { canTrade: true, canWithdraw: false, spot: true, futures: true };
const verifiedAs =
  (permissions: ExchangeKeyPermissions): ExchangeKeyVerifier =>
  async () => ({ outcome: "verified", permissions });

const newKey = (overrides: Record<string, unknown> = {}) => ({
  venue: "binance",
  environment: "testnet",
  label: `main-${crypto.randomUUID().slice(0, 6)}`,
  apiKey: `api-key-${crypto.randomUUID()}`,
  apiSecret: `api-secret-${crypto.randomUUID()}`,
  ...overrides,
});

describe("exchange keys", () => {
  it("verifies on save, stores encrypted, and only ever answers masked values", async () => {
    const user = await signIn(testApp({ verifyExchangeKey: verifiedAs(TRADE_ONLY) }));
    const input = newKey();
    const saved = await user.post("/api/keys/exchange", input);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      venue: "binance",
      environment: "testnet",
      label: input.label,
      status: "verified",
      permissions: TRADE_ONLY,
      apiKey: `••••${input.apiKey.slice(-4)}`,
      apiSecret: `••••${input.apiSecret.slice(-4)}`,
    });
    for (const reply of [
      saved,
      await user.get("/api/keys/exchange"),
      await user.get(`/api/keys/exchange/${saved.body.id}`),
    ]) {
      expect(reply.text).not.toContain(input.apiKey);
      expect(reply.text).not.toContain(input.apiSecret);
    }
    const row = await env.DB.prepare("SELECT * FROM exchange_keys WHERE id = ?").bind(saved.body.id).first();
    expect(JSON.stringify(row)).not.toContain(input.apiSecret);
    expect(row?.key_version).toBe(1);
  });

  it("refuses keys that allow withdrawals, and keys the venue rejects, with clear messages", async () => {
    const withdrawing = await signIn(testApp({ verifyExchangeKey: verifiedAs({ ...TRADE_ONLY, canWithdraw: true }) }));
    const refused = await withdrawing.post("/api/keys/exchange", newKey());
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "key_can_withdraw", message: expect.stringMatching(/withdraw/) });
    expect((await withdrawing.get("/api/keys/exchange")).body.keys).toEqual([]);

    const rejecting = await signIn(
      testApp({
        verifyExchangeKey: async () => ({ outcome: "rejected", reason: "Invalid API-key, IP, or permissions." }),
      }),
    );
    const rejected = await rejecting.post("/api/keys/exchange", newKey({ venue: "bybit" }));
    expect(rejected.status).toBe(400);
    expect(rejected.body.error).toMatchObject({ code: "key_rejected" });
  });

  it("saves the key as unverified when the venue cannot be asked, and the engine cannot open it", async () => {
    const user = await signIn(testApp());
    // Tests never reach a live venue host (vitest.config.ts), so asking it fails like an unreachable network.
    const saved = await user.post("/api/keys/exchange", newKey({ environment: "live" }));
    expect(saved.body).toMatchObject({ status: "unverified", permissions: null });
    expect(saved.body.verificationNote).toMatch(/unverified/);
    const keyring = createKeyring(1, String(Reflect.get(env, "MASTER_KEY")));
    await expect(
      openExchangeCredentials(openDatabase(env.DB), keyring, await userId(user), saved.body.id as string),
    ).rejects.toThrow(/not verified/);
  });

  it("accepts custom base URLs only on the venue's hosts or the operator's extra hosts", async () => {
    const app = testApp({ verifyExchangeKey: verifiedAs(TRADE_ONLY) }, { EXCHANGE_EXTRA_HOSTS: "127.0.0.1:8790" });
    const user = await signIn(app);
    const custom = (baseUrl: string, venue = "binance") =>
      user.post("/api/keys/exchange", newKey({ environment: "custom", baseUrl, venue }));
    expect((await custom("https://api1.binance.com/")).body).toMatchObject({
      baseUrls: { spot: "https://api1.binance.com", linear: "https://api1.binance.com" },
    });
    expect((await custom("http://127.0.0.1:8790", "bybit")).status).toBe(200);
    expect((await custom("https://169.254.169.254/latest")).status).toBe(400);
    expect((await custom("http://api.binance.com")).status).toBe(400);
    expect((await custom("https://api.bybit.com", "binance")).status).toBe(400);
    expect((await user.post("/api/keys/exchange", newKey({ environment: "custom" }))).status).toBe(400);
  });

  it("takes a custom Binance key's spot and futures base URLs separately, and one base URL for Bybit", async () => {
    const app = testApp({ verifyExchangeKey: verifiedAs(TRADE_ONLY) }, { EXCHANGE_EXTRA_HOSTS: "127.0.0.1:8790" });
    const user = await signIn(app);
    const custom = (fields: Record<string, unknown>, venue = "binance") =>
      user.post("/api/keys/exchange", newKey({ environment: "custom", venue, ...fields }));

    const split = await custom({
      baseUrls: { spot: "https://api-gcp.binance.com/", linear: "https://fapi.binance.com" },
    });
    expect(split.status).toBe(200);
    expect(split.body.baseUrls).toEqual({ spot: "https://api-gcp.binance.com", linear: "https://fapi.binance.com" });
    const listed = await user.get(`/api/keys/exchange/${split.body.id}`);
    expect(listed.body.baseUrls).toEqual(split.body.baseUrls);
    expect((await custom({ baseUrls: { linear: "https://fapi.binance.com" } })).body.baseUrls).toEqual({
      spot: null,
      linear: "https://fapi.binance.com",
    });
    expect((await user.post("/api/keys/exchange", newKey())).body.baseUrls).toBeNull();

    const refusedHost = await custom({ baseUrls: { spot: "https://api.binance.com", linear: "https://evil.example" } });
    expect(refusedHost.status).toBe(400);
    expect(refusedHost.body.error).toMatchObject({
      code: "validation_failed",
      details: { issues: [{ path: "json.baseUrls.linear", message: expect.stringMatching(/not allowed/) }] },
    });
    const bybitSplit = await custom(
      { baseUrls: { spot: "http://127.0.0.1:8790", linear: "http://127.0.0.1:8790" } },
      "bybit",
    );
    const refusals = [
      await custom({ baseUrls: {} }),
      await custom({ baseUrl: "https://api.binance.com", baseUrls: { linear: "https://fapi.binance.com" } }),
      bybitSplit,
      await user.post("/api/keys/exchange", newKey({ baseUrls: { spot: "https://api.binance.com" } })),
    ];
    expect(refusals.map((r) => [r.status, (r.body.error as { code: string }).code])).toEqual(
      refusals.map(() => [400, "validation_failed"]),
    );
    expect((bybitSplit.body.error as { message: string }).message).toMatch(/one host/);
  });

  it("replaces and deletes keys, stopping the portfolios that use them first", async () => {
    const stopped: string[] = [];
    const app = testApp({
      verifyExchangeKey: verifiedAs(TRADE_ONLY),
      portfolios: {
        stopPortfoliosOfUser: async () => {},
        stopPortfoliosUsingKey: async (_user, keyId, change) => {
          stopped.push(`${keyId}:${change}`);
        },
      },
    });
    const user = await signIn(app);
    const saved = await user.post("/api/keys/exchange", newKey());
    const id = saved.body.id as string;
    const replacement = newKey({ environment: "live" });
    const replaced = await user.put(`/api/keys/exchange/${id}`, {
      environment: "live",
      label: replacement.label,
      apiKey: replacement.apiKey,
      apiSecret: replacement.apiSecret,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id, environment: "live", apiKey: `••••${replacement.apiKey.slice(-4)}` });
    expect((await user.delete(`/api/keys/exchange/${id}`)).status).toBe(200);
    expect(stopped).toEqual([`${id}:replaced`, `${id}:deleted`]);
    expect((await user.get(`/api/keys/exchange/${id}`)).status).toBe(404);
  });

  it("refuses a second key with the same venue and label", async () => {
    const user = await signIn(testApp({ verifyExchangeKey: verifiedAs(TRADE_ONLY) }));
    const input = newKey();
    expect((await user.post("/api/keys/exchange", input)).status).toBe(200);
    expect((await user.post("/api/keys/exchange", newKey({ label: input.label }))).status).toBe(409);
  });
});

describe("AI keys", () => {
  it("verifies with GET /v1/models at the configured base URL and stores the key masked", async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const app = testApp(
      {
        outboundFetch: async (input, init) => {
          seen.push({ url: String(input), auth: new Headers(init?.headers).get("authorization") });
          return new Response(JSON.stringify({ data: [] }), { status: 200 });
        },
      },
      { GROQ_BASE_URL: "http://127.0.0.1:8791/groq" },
    );
    const user = await signIn(app);
    const apiKey = `gsk_${crypto.randomUUID()}`;
    const saved = await user.put("/api/keys/ai/groq", { apiKey });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ provider: "groq", status: "verified", apiKey: `••••${apiKey.slice(-4)}` });
    expect(seen).toEqual([{ url: "http://127.0.0.1:8791/groq/v1/models", auth: `Bearer ${apiKey}` }]);
    const listed = await user.get("/api/keys/ai");
    expect(listed.text).not.toContain(apiKey);
    expect((await user.delete("/api/keys/ai/groq")).status).toBe(200);
    expect((await user.delete("/api/keys/ai/groq")).status).toBe(404);
  });

  it("refuses a key the provider rejects and keeps an unreachable provider's key as unverified", async () => {
    const rejecting = await signIn(testApp({ outboundFetch: async () => new Response("{}", { status: 401 }) }));
    const refused = await rejecting.put("/api/keys/ai/openai", { apiKey: "sk-bad-key-123456" });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "key_rejected" });

    const offline = await signIn(testApp({ outboundFetch: async () => Promise.reject(new Error("offline")) }));
    const saved = await offline.put("/api/keys/ai/openai", { apiKey: "sk-offline-key-123456" });
    expect(saved.body).toMatchObject({ status: "unverified" });
  });
});
