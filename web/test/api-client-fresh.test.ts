import { readFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import { describe, expect, it } from "vitest";

const committed = (name: string) => readFileSync(new URL(`../src/lib/api/${name}`, import.meta.url), "utf8");
const HINT = "the generated API client is stale: run `npm run api:generate` and commit the result";

// Loaded by URL so the web typecheck does not pull workerd-typed worker sources into its program.
const appModule = new URL("../../worker/app.ts", import.meta.url).href;
const { createApp } = (await import(/* @vite-ignore */ appModule)) as {
  createApp: () => { openApiDocument: () => unknown };
};

describe("generated API client", () => {
  const document = createApp().openApiDocument();

  it("matches the worker's current OpenAPI document", () => {
    expect(JSON.parse(committed("openapi.json")), HINT).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it("has types generated from that document", async () => {
    const ast = await openapiTS(JSON.parse(committed("openapi.json")));
    const expected = astToString(ast);
    const actual = committed("schema.d.ts");
    // openapi-typescript's CLI adds a banner comment; compare the generated body.
    expect(actual.endsWith(expected) || actual.includes(expected.trim()), HINT).toBe(true);
  });
});
