import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { accountsApp, addFault, clearFaults, dumpAccount, errorOf, holdPrice, trader, VENUES } from "./support.ts";

const ORDER_PATH = { binance: "POST /fapi/v1/order", bybit: "POST /v5/order/create" } as const;
const ORDER_READ_PATH = { binance: "GET /fapi/v1/order", bybit: "GET /v5/order/realtime" } as const;

type Order = { clientOrderId: string; status: string };

describe.each(VENUES)("%s idempotent order creation", (venue) => {
  it("replays the first answer for the same key and body, and never places a second order", async () => {
    const app = accountsApp();
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const { user, keyId, account } = await trader(app, venue);
    const url = `/api/keys/${keyId}/futures/positions`;
    const body = { symbol: "SOLUSDT", side: "long", quantity: "1" };
    const headers = { "idempotency-key": `open-${crypto.randomUUID()}` };
    const first = await user.post(url, body, { headers });
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get("idempotent-replay")).toBeNull();
    const second = await user.post(url, body, { headers });
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replay")).toBe("true");
    expect(second.body).toEqual(first.body);
    expect((await dumpAccount(account.apiKey)).orders).toHaveLength(1);

    const reused = await user.post(url, { ...body, quantity: "2" }, { headers });
    expect(reused.status).toBe(409);
    expect(errorOf(reused).code).toBe("idempotency_key_reused");

    // Without a key, each request is a new order.
    expect((await user.post(url, body)).status).toBe(200);
    expect((await dumpAccount(account.apiKey)).orders).toHaveLength(2);
  });

  it("finds the earlier order by its derived client id when the stored answer is lost", async () => {
    const app = accountsApp();
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const { user, keyId, account } = await trader(app, venue);
    const url = `/api/keys/${keyId}/futures/positions`;
    const body = { symbol: "SOLUSDT", side: "short", quantity: "1" };
    const key = `lost-${crypto.randomUUID()}`;
    const first = await user.post(url, body, { headers: { "idempotency-key": key } });
    expect(first.status, first.text).toBe(200);
    await env.DB.prepare("DELETE FROM idempotency_keys WHERE key = ?").bind(key).run();
    const retry = await user.post(url, body, { headers: { "idempotency-key": key } });
    expect(retry.status, retry.text).toBe(200);
    expect((retry.body.order as Order).clientOrderId).toBe((first.body.order as Order).clientOrderId);
    expect((await dumpAccount(account.apiKey)).orders).toHaveLength(1);
  });

  it("answers 409 idempotency_in_progress while the same key is still being processed", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, venue);
    const userId = ((await user.get("/api/auth/me")).body.user as { id: string }).id;
    const key = `busy-${crypto.randomUUID()}`;
    const url = `/api/keys/${keyId}/futures/positions/close`;
    const body = { symbol: "SOLUSDT", type: "market" };
    // The hash the route computes for this request (method, path, zod-parsed body).
    const digest = await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(`POST ${url}\n${JSON.stringify(body)}`),
    );
    const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    await env.DB.prepare(
      "INSERT INTO idempotency_keys (user_id, key, request_hash, status, created_at) VALUES (?, ?, ?, 'pending', ?)",
    )
      .bind(userId, key, hash, Date.now())
      .run();
    const reply = await user.post(url, body, { headers: { "idempotency-key": key } });
    expect(reply.status, reply.text).toBe(409);
    expect(errorOf(reply).code).toBe("idempotency_in_progress");
  });

  it("resolves an unconfirmed order by asking for it before answering", async () => {
    const app = accountsApp();
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const { user, keyId, account } = await trader(app, venue);
    try {
      await addFault(venue, {
        type: "error_after_accept",
        pathPrefix: ORDER_PATH[venue],
        status: 500,
        apiKey: account.apiKey,
      });
      const reply = await user.post(`/api/keys/${keyId}/futures/positions`, {
        symbol: "SOLUSDT",
        side: "long",
        quantity: "1",
      });
      expect(reply.status, reply.text).toBe(200);
      expect((reply.body.order as Order).status).toBe("filled");
      expect((await dumpAccount(account.apiKey)).orders).toHaveLength(1);
    } finally {
      await clearFaults();
    }
  });

  it("answers 502 exchange_unknown_outcome naming the client order id when the order cannot be found yet", async () => {
    const app = accountsApp();
    await holdPrice(venue, "linear", "SOLUSDT", "100");
    const { user, keyId, account } = await trader(app, venue);
    try {
      await addFault(venue, {
        type: "error_after_accept",
        pathPrefix: ORDER_PATH[venue],
        status: 500,
        apiKey: account.apiKey,
      });
      // Every order lookup fails too (each getOrder is retried by the transport).
      await addFault(
        venue,
        {
          type: "error_after_accept",
          pathPrefix: ORDER_READ_PATH[venue],
          status: 503,
          apiKey: account.apiKey,
        },
        12,
      );
      const reply = await user.post(`/api/keys/${keyId}/futures/positions`, {
        symbol: "SOLUSDT",
        side: "long",
        quantity: "1",
      });
      expect(reply.status, reply.text).toBe(502);
      const error = errorOf(reply);
      expect(error.code).toBe("exchange_unknown_outcome");
      expect(error.message).toContain(error.details?.clientOrderId as string);
      expect(error.message).toContain("reconciled");
      await clearFaults();
      // The venue did accept it: the client id in the answer is what reconciliation looks for.
      const orders = (await dumpAccount(account.apiKey)).orders;
      expect(orders.map((o) => o.clientOrderId)).toEqual([error.details?.clientOrderId]);
    } finally {
      await clearFaults();
    }
  });
});
