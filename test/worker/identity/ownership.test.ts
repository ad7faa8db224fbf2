import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Caller, signIn, testApp, userId } from "./support.ts";

type OpenApiDoc = { paths: Record<string, Record<string, { security?: unknown[] }>> };

/**
 * Routes anyone may call: health, sign-in and its options, and sign-out (which only ends the caller's own session).
 * Every other route in the OpenAPI document, including ones added later, is tried by this test.
 */
const PUBLIC = new Set([
  "get /api/health",
  "get /api/auth/options",
  "post /api/auth/google",
  "post /api/auth/dev",
  "post /api/auth/logout",
  // Telegram's webhook: no session, proved by its secret token instead (test/worker/notifications).
  "post /api/telegram/webhook",
]);

describe("every resource is owned", () => {
  it("answers anonymous callers 401 and other users 403/404 (or their own data), never the owner's", async () => {
    const app = testApp({
      verifyExchangeKey: async () => ({
        outcome: "verified",
        permissions: { canTrade: true, canWithdraw: false, spot: true, futures: false },
      }),
      outboundFetch: async () => new Response("{}", { status: 200 }),
    });
    const owner = await signIn(app);
    const ownerId = await userId(owner);
    const secret = `owner-secret-${crypto.randomUUID()}`;
    const key = await owner.post("/api/keys/exchange", {
      venue: "binance",
      environment: "testnet",
      label: "owned",
      apiKey: `owner-key-${crypto.randomUUID()}`,
      apiSecret: secret,
    });
    await owner.put("/api/keys/ai/openai", { apiKey: `sk-${crypto.randomUUID()}` });
    const token = await owner.post("/api/tokens", { name: "owned", scopes: ["read", "trade"] });
    const session = ((await owner.get("/api/sessions")).body.sessions as { id: string }[])[0];
    const ids: Record<string, string> = {
      "/api/keys/exchange/{id}": key.body.id as string,
      "/api/tokens/{id}": (token.body.apiToken as { id: string }).id,
      "/api/sessions/{id}": session?.id ?? "",
      "/api/admin/users/{id}/enable": ownerId,
      "/api/admin/users/{id}/disable": ownerId,
    };

    const doc = (await (await exports.default.fetch("http://localhost/api/openapi.json")).json()) as OpenApiDoc;
    const attacker = await signIn(app);
    const anonymous = new Caller(app);
    const body = {
      venue: "binance",
      environment: "testnet",
      label: "attack",
      apiKey: "attacker-key-0001",
      apiSecret: "attacker-secret-0001",
      name: "attack",
      scopes: ["read"],
      code: "123456",
    };
    let checked = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        if (PUBLIC.has(`${method} ${template}`)) continue;
        const path = template
          .replace("{id}", ids[template] ?? "missing")
          .replace("{provider}", "openai")
          .replace(/\{\w+\}/g, "missing");
        for (const [who, caller] of [
          ["anonymous", anonymous],
          ["another user", attacker],
        ] as const) {
          const reply = await caller.call(method.toUpperCase(), path, method === "get" ? {} : { body });
          const label = `${who}: ${method.toUpperCase()} ${path}`;
          if (who === "anonymous") expect(reply.status, label).toBe(401);
          // A route naming the owner's resource must refuse; the others act on the attacker's own account.
          else if (template in ids || template.includes("/admin/")) expect([403, 404], label).toContain(reply.status);
          expect(reply.text, label).not.toContain(ownerId);
          expect(reply.text, label).not.toContain(key.body.id as string);
          expect(reply.text, label).not.toContain(secret);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);

    // The owner's things are all still there.
    expect((await owner.get(`/api/keys/exchange/${key.body.id}`)).status).toBe(200);
    expect(((await owner.get("/api/keys/ai")).body.keys as unknown[]).length).toBe(1);
    expect(((await owner.get("/api/tokens")).body.tokens as unknown[]).length).toBe(1);
    expect((await owner.get("/api/auth/me")).status).toBe(200);
  });
});
