import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

type OpenApiDoc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>>;
};

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 and describes every route with responses including errors", async () => {
    const res = await exports.default.fetch("http://localhost/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/health");
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.keys(operation.responses).filter((s) => /^2\d\d$/.test(s));
        expect(success, `${method} ${path} documents its success`).toHaveLength(1);
        const errorStatuses = Object.keys(operation.responses).filter((s) => Number(s) >= 400);
        expect(errorStatuses.length, `${method} ${path} documents its errors`).toBeGreaterThan(0);
        for (const status of errorStatuses) {
          const description = operation.responses[status]?.description ?? "";
          expect(description, `${method} ${path} says what its ${status} means`).toMatch(/\w{3,}.*\w/);
          expect(description, `${method} ${path} says what its ${status} means`).not.toBe("Error");
        }
      }
    }
  });

  it("serves an interactive reference page that loads the local Scalar bundle", async () => {
    const res = await exports.default.fetch("http://localhost/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("/vendor/scalar/standalone.js");
    expect(html).toContain("/api/openapi.json");
  });
});
