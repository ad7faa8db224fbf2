import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_TOKENS_PER_USER } from "../../../worker/auth/api-tokens.ts";
import { Caller, signIn, testApp, testClock, userId } from "./support.ts";

describe("personal API tokens", () => {
  it("is shown once, stored as a hash, authenticates as Bearer, records last use, and can be revoked", async () => {
    const app = testApp();
    const user = await signIn(app);
    const created = await user.post("/api/tokens", { name: "notebook", scopes: ["read"] });
    expect(created.status).toBe(200);
    const token = created.body.token as string;
    const id = (created.body.apiToken as { id: string }).id;
    expect(token).toMatch(/^blt_/);
    const stored = await env.DB.prepare("SELECT token_hash FROM api_tokens WHERE id = ?").bind(id).first();
    expect(stored?.token_hash).not.toBe(token);

    const client = new Caller(app, { bearer: token });
    const me = await client.get("/api/auth/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ authenticatedBy: "token", scopes: ["read"] });

    const listed = await user.get("/api/tokens");
    expect(listed.text).not.toContain(token);
    const entry = (listed.body.tokens as { id: string; lastUsedAt: string | null }[]).find((t) => t.id === id);
    expect(entry?.lastUsedAt).not.toBeNull();

    expect((await user.delete(`/api/tokens/${id}`)).status).toBe(200);
    expect((await client.get("/api/auth/me")).status).toBe(401);
  });

  it("cannot manage the account (tokens, keys, 2FA) and is limited to its scopes", async () => {
    const app = testApp();
    const user = await signIn(app);
    const created = await user.post("/api/tokens", { name: "bot", scopes: ["trade"] });
    const client = new Caller(app, { bearer: created.body.token as string });
    expect((await client.post("/api/tokens", { name: "again", scopes: ["read"] })).status).toBe(403);
    expect((await client.post("/api/auth/2fa/setup")).status).toBe(403);
    // A trade-only token has no read scope.
    expect((await client.get("/api/keys/exchange")).status).toBe(403);
  });

  it("stops working after its expiry", async () => {
    const clock = testClock();
    const app = testApp({ now: clock.now });
    const user = await signIn(app);
    const created = await user.post("/api/tokens", { name: "short", scopes: ["read"], expiresInDays: 1 });
    const client = new Caller(app, { bearer: created.body.token as string });
    expect((await client.get("/api/auth/me")).status).toBe(200);
    clock.advance(86_400_000 + 1000);
    expect((await client.get("/api/auth/me")).status).toBe(401);
  });

  it("answers an unknown or malformed Bearer token with 401", async () => {
    const app = testApp();
    expect((await new Caller(app, { bearer: "blt_nope" }).get("/api/auth/me")).status).toBe(401);
    const malformed = await new Caller(app).get("/api/auth/me", { headers: { authorization: "Token abc" } });
    expect(malformed.status).toBe(401);
  });

  it("keeps at most the cap, even when creates race for the last place", async () => {
    const user = await signIn(testApp());
    const id = await userId(user);
    // Fill up to one below the cap directly in D1 (creating them through the API would meet its rate limit).
    const fill = Array.from({ length: MAX_TOKENS_PER_USER - 1 }, (_, i) =>
      env.DB.prepare(
        "INSERT INTO api_tokens (id, token_hash, user_id, name, scopes, created_at) VALUES (?, ?, ?, ?, 'read', ?)",
      ).bind(crypto.randomUUID(), `hash-${crypto.randomUUID()}`, id, `filler ${i}`, Date.now()),
    );
    await env.DB.batch(fill);
    const racing = await Promise.all(
      [0, 1, 2].map(() => user.post("/api/tokens", { name: "one more", scopes: ["read"] })),
    );
    expect(racing.map((reply) => reply.status).sort()).toEqual([200, 409, 409]);
    expect(racing.find((reply) => reply.status === 409)?.body.error).toMatchObject({
      code: "limit_reached",
      details: { limit: MAX_TOKENS_PER_USER },
    });
    const count = await env.DB.prepare("SELECT count(*) AS n FROM api_tokens WHERE user_id = ?").bind(id).first();
    expect(count?.n).toBe(MAX_TOKENS_PER_USER);
  });
});
