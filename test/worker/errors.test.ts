import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

type Envelope = { error: { code: string; message: string; requestId?: string } };

describe("error envelope", () => {
  it("answers unknown API routes with 404 not_found", async () => {
    const res = await exports.default.fetch("http://localhost/api/nope");
    expect(res.status).toBe(404);
    const body = (await res.json()) as Envelope;
    expect(body.error.code).toBe("not_found");
    expect(body.error.message).toContain("/api/nope");
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("answers a wrong method with 404 in the same envelope", async () => {
    const res = await exports.default.fetch("http://localhost/api/health", { method: "DELETE" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as Envelope).error.code).toBe("not_found");
  });
});
