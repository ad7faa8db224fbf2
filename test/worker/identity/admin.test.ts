import { describe, expect, it } from "vitest";
import { Caller, signIn, testApp, uniqueEmail, userId } from "./support.ts";

describe("admin", () => {
  it("says in GET /api/health whether any administrator is configured (ADMIN_EMAILS)", async () => {
    expect((await new Caller(testApp()).get("/api/health")).body).toMatchObject({ adminsConfigured: true });
    const unconfigured = testApp({}, { ADMIN_EMAILS: "" });
    expect((await new Caller(unconfigured).get("/api/health")).body).toMatchObject({ adminsConfigured: false });
  });

  it("is refused to ordinary users", async () => {
    const user = await signIn(testApp());
    expect((await user.get("/api/admin/users")).status).toBe(403);
    expect((await user.post(`/api/admin/users/${await userId(user)}/disable`)).status).toBe(403);
  });

  it("lists users page by page with which keys they have, never the keys", async () => {
    const app = testApp({
      verifyExchangeKey: async () => ({
        outcome: "verified",
        permissions: { canTrade: true, canWithdraw: false, spot: true, futures: false },
      }),
    });
    const admin = await signIn(app, "admin@ballast.test");
    const owner = await signIn(app);
    const apiSecret = `secret-${crypto.randomUUID()}`;
    await owner.post("/api/keys/exchange", {
      venue: "bybit",
      environment: "demo",
      label: "demo",
      apiKey: "bybit-key-0001",
      apiSecret,
    });
    const ownerId = await userId(owner);
    let found: Record<string, unknown> | undefined;
    for (let page = 1; !found; page++) {
      const reply = await admin.get(`/api/admin/users?page=${page}&pageSize=50`);
      expect(reply.status).toBe(200);
      expect(reply.text).not.toContain(apiSecret);
      expect(reply.text).not.toContain("bybit-key-0001");
      const items = reply.body.items as Record<string, unknown>[];
      if (items.length === 0) break;
      found = items.find((item) => item.id === ownerId);
    }
    expect(found).toMatchObject({
      exchangeKeys: [{ venue: "bybit", environment: "demo", label: "demo", status: "verified" }],
      aiKeys: [],
    });
    expect((await admin.get("/api/admin/users?pageSize=1000")).status).toBe(400);
  });

  it("disabling stops portfolios, revokes sessions and tokens, and refuses sign-in until re-enabled", async () => {
    const stoppedFor: string[] = [];
    const app = testApp({
      portfolios: {
        stopPortfoliosOfUser: async (id) => {
          stoppedFor.push(id);
        },
        stopPortfoliosUsingKey: async () => {},
      },
    });
    const admin = await signIn(app, "admin@ballast.test");
    const email = uniqueEmail();
    const user = await signIn(app, email);
    const token = (await user.post("/api/tokens", { name: "t", scopes: ["read"] })).body.token as string;
    const id = await userId(user);

    const disabled = await admin.post(`/api/admin/users/${id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id, enabled: false });
    expect(stoppedFor).toEqual([id]);
    expect((await user.get("/api/auth/me")).status).toBe(401);
    expect((await new Caller(app, { bearer: token }).get("/api/auth/me")).status).toBe(401);
    expect((await new Caller(app).post("/api/auth/dev", { email })).status).toBe(403);

    expect((await admin.post(`/api/admin/users/${id}/enable`)).body).toMatchObject({ enabled: true });
    expect((await signIn(app, email).then((again) => again.get("/api/auth/me"))).status).toBe(200);
    expect((await admin.post(`/api/admin/users/${crypto.randomUUID()}/disable`)).status).toBe(404);
    expect((await admin.post(`/api/admin/users/${await userId(admin)}/disable`)).status).toBe(409);
  });

  it("runs the secret rotation (nothing to do when every record has the current version)", async () => {
    const admin = await signIn(testApp(), "admin@ballast.test");
    const reply = await admin.post("/api/admin/secrets/rotate");
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ keyVersion: 1, done: true });
  });
});
