import { env } from "cloudflare:workers";
import { createRoute } from "@hono/zod-openapi";
import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import * as z from "../../shared/api/zod.ts";
import { createApp } from "../../worker/app.ts";

type Envelope = { error: { code: string; message: string; details?: unknown; requestId?: string } };

// A test-only app: the real middleware and error handling, plus routes that fail on purpose.
function appWithFailingRoutes() {
  const app = createApp();
  app.get("/api/test/boom", () => {
    throw new Error("database password is hunter2");
  });
  app.get("/api/test/query", () => {
    throw new DrizzleQueryError(
      'insert into "sessions" ("token_hash") values (?)',
      ["sealed-hunter2"],
      new Error("UNIQUE"),
    );
  });
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/test/echo",
      request: {
        query: z.object({ market: z.enum(["spot", "linear"]) }),
        body: { content: { "application/json": { schema: z.object({ quantity: z.string().min(1) }) } } },
      },
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json({ ok: true }, 200),
  );
  return app;
}

describe("error envelope for failures", () => {
  it("answers an unexpected exception with 500, a request id, and no internals", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await appWithFailingRoutes().request("/api/test/boom", {}, env);
    expect(res.status).toBe(500);
    const body = (await res.json()) as Envelope;
    expect(body.error.code).toBe("internal_error");
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/);
    // The log line carries the request id so support can find the stack.
    const logged = errors.mock.calls.map((call) => String(call[0])).join("\n");
    expect(logged).toContain(body.error.requestId);
    errors.mockRestore();
  });

  it("logs a failed query without its parameters", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await appWithFailingRoutes().request("/api/test/query", {}, env);
    expect(res.status).toBe(500);
    const logged = errors.mock.calls.map((call) => String(call[0])).join("\n");
    expect(logged).toContain('insert into \\"sessions\\"');
    expect(logged).toContain("UNIQUE");
    expect(logged).not.toContain("hunter2");
    errors.mockRestore();
  });

  it("answers zod validation failures with 400 validation_failed and the failing fields", async () => {
    const res = await appWithFailingRoutes().request(
      "/api/test/echo?market=margin",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ quantity: "1" }) },
      env,
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as Envelope;
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toContain("query.market");
  });

  it("answers a malformed JSON body with 400, not 500", async () => {
    const res = await appWithFailingRoutes().request(
      "/api/test/echo?market=spot",
      { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" },
      env,
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as Envelope).error.code).toBe("validation_failed");
  });
});
