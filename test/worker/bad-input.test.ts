import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_REQUEST_BODY_BYTES } from "../../worker/http/request-body-limit.ts";
import {
  alternatives,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  operations,
  type Parameter,
  types,
} from "../support/openapi-document.ts";
import { Caller, ORIGIN, type Reply, signIn, testApp, testClock } from "./identity/support.ts";

/**
 * Every route in the OpenAPI document, including ones added later, is sent what a careless client or an attacker
 * would send. Whatever it is, the answer is a 4xx in the error envelope, never a 5xx, and a protected route tells an
 * anonymous caller only 401.
 */

const doc = (await (await exports.default.fetch(`${ORIGIN}/api/openapi.json`)).json()) as OpenApiDocument;
const all = operations(doc);

// Rate limits count per minute; the clock moves a minute per request so every answer is the route's own.
const clock = testClock();
const app = testApp({
  now: () => {
    clock.advance(60_000);
    return clock.now();
  },
  verifyExchangeKey: async () => ({ outcome: "unavailable", reason: "not asked in this test" }),
  outboundFetch: async () => new Response("{}", { status: 503 }),
});

type Attempt = {
  name: string;
  contentType: string | null;
  body: string | null;
  path?: string;
  expect: number;
  /** The validation message must name this input (`query.limit`), so the 400 is about what was sent wrong. */
  names?: string;
};

describe("bad input", () => {
  it("bounds every string, number and list a route reads (length, range, item count)", () => {
    const unbounded = all.flatMap((op) => [
      ...op.parameters.flatMap((p) => unboundedIn(p.schema, `${op.method} ${op.template} ${p.in}.${p.name}`)),
      ...(op.body ? unboundedIn(op.body, `${op.method} ${op.template} body`) : []),
    ]);
    expect(unbounded).toEqual([]);
    expect(all.filter((op) => op.body).length).toBeGreaterThanOrEqual(15);
  });

  it("answers anonymous callers of protected routes 401, whatever they send", async () => {
    const anonymous = new Caller(app);
    let checked = 0;
    for (const op of all.filter((o) => o.security.length > 0)) {
      for (const attempt of badAttempts(op)) {
        const reply = await send(anonymous, op, attempt);
        expect(reply.status, `${label(op)} ${attempt.name}`).toBe(401);
        expect(envelope(reply).code, `${label(op)} ${attempt.name}`).toBe("unauthorized");
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("answers API tokens 403 on session-only routes and on routes needing a scope they lack, before validation", async () => {
    const owner = await signIn(app);
    const created = await owner.post("/api/tokens", { name: "read only", scopes: ["read"] });
    const token = (created.body as { token: string }).token;
    const readOnly = new Caller(app, { bearer: token });
    let checked = 0;
    for (const op of all.filter((o) => o.security.length > 0)) {
      const tokenScopes = op.security.find((requirement) => requirement.bearerToken)?.bearerToken;
      if (tokenScopes?.every((scope) => scope === "read")) continue;
      for (const attempt of badAttempts(op)) {
        const reply = await send(readOnly, op, attempt);
        expect(reply.status, `${label(op)} ${attempt.name}`).toBe(403);
        expect(envelope(reply).code).toBe("forbidden");
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("answers signed-in users 403 on administrators' routes, before validation", async () => {
    const user = await signIn(app);
    const adminRoutes = all.filter(forAdmins);
    for (const op of adminRoutes) {
      for (const attempt of badAttempts(op)) {
        const reply = await send(user, op, attempt);
        expect(reply.status, `${label(op)} ${attempt.name}`).toBe(403);
        expect(envelope(reply).message).toBe("Only administrators can do this.");
      }
    }
    expect(adminRoutes.length).toBeGreaterThanOrEqual(3);
  });

  it.each(all.map((op) => [label(op), op] as const))(
    "answers a signed-in caller's bad input to %s with the right 4xx in the envelope, never a 5xx",
    async (_, op) => {
      // A session of its own per route: sign-out and session routes must not end the one another route uses.
      const caller = await signIn(app, forAdmins(op) ? ADMIN : undefined);
      for (const attempt of badAttempts(op)) {
        const reply = await send(caller, op, attempt);
        const what = `${label(op)} ${attempt.name}: ${reply.text.slice(0, 300)}`;
        expect(reply.status, what).toBe(attempt.expect);
        expect(envelope(reply).message.length, what).toBeGreaterThan(0);
        if (attempt.names) expect(envelope(reply).message, what).toContain(attempt.names);
      }
      // A body sent to a route that takes none is ignored: the answer may be anything but a server error.
      if (!op.body && op.method !== "GET") {
        const reply = await send(caller, op, {
          name: "stray body",
          contentType: "text/plain",
          body: "hello",
          expect: 0,
        });
        expect(reply.status, `${label(op)} stray body`).toBeLessThan(500);
      }
    },
  );

  it("refuses a streamed body over the limit with 413 before reading it all", async () => {
    const caller = await signIn(app);
    const chunk = new TextEncoder().encode(`"${"x".repeat(16 * 1024)}",`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 4 * MAX_REQUEST_BODY_BYTES) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const request = new Request(`${ORIGIN}/api/portfolios`, {
      method: "POST",
      headers: {
        cookie: `ballast_session=${caller.auth.cookie}`,
        origin: ORIGIN,
        "content-type": "application/json",
        "cf-connecting-ip": caller.ip,
      },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const response = await app.fetch(request);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
    expect(sent).toBeLessThan(4 * MAX_REQUEST_BODY_BYTES);
  });
});

/** What a careless client or an attacker sends a route, and the status each deserves from a caller allowed to use it. */
function badAttempts(op: Operation): Attempt[] {
  const attempts: Attempt[] = [];
  if (op.body) {
    const json = "application/json";
    attempts.push(
      { name: "text/plain body", contentType: "text/plain", body: "hello", expect: 415 },
      { name: "form body", contentType: "application/x-www-form-urlencoded", body: "a=1&b=2", expect: 415 },
      { name: "XML body", contentType: "application/xml", body: "<a>1</a>", expect: 415 },
      { name: "body without Content-Type", contentType: null, body: "{}", expect: 415 },
      { name: "malformed JSON", contentType: json, body: '{"a": 1,', expect: 400 },
      { name: "JSON array", contentType: json, body: "[1,2,3]", expect: 400 },
      { name: "wrong types", contentType: json, body: JSON.stringify(wrongTypes(op.body)), expect: 400 },
      {
        name: "body over the size limit",
        contentType: json,
        body: JSON.stringify({ padding: "x".repeat(MAX_REQUEST_BODY_BYTES) }),
        expect: 413,
      },
    );
    if (sizable(op.body))
      attempts.push({
        name: "oversized values",
        contentType: json,
        body: JSON.stringify(oversized(op.body)),
        expect: 400,
      });
  }
  for (const param of op.parameters.filter((p) => p.in === "query" || p.in === "path")) {
    for (const [name, value] of badValues(param)) {
      attempts.push({
        name: `${param.in} ${param.name} ${name}`,
        contentType: op.body ? "application/json" : null,
        body: op.body ? JSON.stringify(wrongTypes(op.body)) : null,
        path: pathFor(
          op,
          param.in === "path" ? { [param.name]: value } : {},
          param.in === "query" ? param : null,
          value,
        ),
        expect: 400,
        names: `${param.in === "path" ? "param" : "query"}.${param.name}`,
      });
    }
  }
  return attempts;
}

function badValues(param: Parameter): [string, string][] {
  const schema = param.schema;
  const values: [string, string][] = [["oversized", "x".repeat((schema.maxLength ?? 256) + 1)]];
  if (types(schema).some((t) => t === "number" || t === "integer")) {
    values.push(["not a number", "many"], ["out of range", String((schema.maximum ?? 1e300) * 10 + 1)]);
  }
  if (schema.enum) values.push(["not one of its values", "nonsense"]);
  if (schema.pattern) values.push(["off its pattern", "bad value!"]);
  return values;
}

async function send(caller: Caller, op: Operation, attempt: Attempt): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (attempt.contentType) headers["content-type"] = attempt.contentType;
  return rawCall(caller, op.method, attempt.path ?? pathFor(op, {}, null, ""), attempt.body, headers);
}

/** Caller.call always sends JSON; these attempts need the exact bytes and Content-Type (or none). */
async function rawCall(
  caller: Caller,
  method: string,
  path: string,
  body: string | null,
  extra: Record<string, string>,
): Promise<Reply> {
  const headers = new Headers({ "cf-connecting-ip": caller.ip, origin: ORIGIN, ...extra });
  if (caller.auth.cookie) headers.set("cookie", `ballast_session=${caller.auth.cookie}`);
  if (caller.auth.bearer) headers.set("authorization", `Bearer ${caller.auth.bearer}`);
  const init: RequestInit = { method, headers };
  if (body !== null && method !== "GET") {
    // A Request given a string body adds text/plain; build from bytes so "no Content-Type" really has none.
    init.body = new TextEncoder().encode(body);
  }
  const response = await caller.app.fetch(new Request(`${ORIGIN}${path}`, init));
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // asserted by envelope()
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/**
 * The route's path with a plausible value in every path parameter and required query parameter, so the one input an
 * attempt gets wrong is the one refused (query parameters are checked before path parameters).
 */
function pathFor(op: Operation, overrides: Record<string, string>, query: Parameter | null, value: string): string {
  let path = op.template;
  for (const param of op.parameters.filter((p) => p.in === "path")) {
    const chosen = overrides[param.name] ?? plausible(param.schema);
    path = path.replace(`{${param.name}}`, encodeURIComponent(chosen));
  }
  const search = new URLSearchParams();
  for (const param of op.parameters.filter((p) => p.in === "query" && p.required && p !== query))
    search.set(param.name, plausible(param.schema));
  if (query) search.set(query.name, value);
  return search.size ? `${path}?${search}` : path;
}

function plausible(schema: JsonSchema): string {
  if (schema.enum) return String(schema.enum[0]);
  if (schema.pattern?.includes("A-Z0-9")) return "BTCUSDT";
  return "a1b2c3";
}

function wrongTypes(schema: JsonSchema): unknown {
  const object = alternatives(doc, schema).find((s) => s.properties);
  if (!object?.properties) return 42;
  return Object.fromEntries(
    Object.entries(object.properties).map(([name, property]) => [name, wrongTypeFor(property)]),
  );
}

function wrongTypeFor(schema: JsonSchema): unknown {
  const kinds = alternatives(doc, schema).flatMap(types);
  if (kinds.includes("string")) return kinds.includes("number") ? { nested: true } : 12345;
  if (kinds.includes("number") || kinds.includes("integer")) return "not a number";
  if (kinds.includes("boolean")) return "yes";
  if (kinds.includes("array")) return { not: "a list" };
  if (kinds.includes("object")) return "not an object";
  return { unexpected: true };
}

/** Every field one past its bound: a string one character too long, a number past its maximum, a list too long. */
function oversized(schema: JsonSchema, depth = 0): unknown {
  const branch = alternatives(doc, schema).find((s) => types(s).some((t) => t !== "null")) ?? schema;
  const kinds = types(branch);
  if (branch.properties) {
    return Object.fromEntries(
      Object.entries(branch.properties).map(([name, property]) => [name, oversized(property, depth + 1)]),
    );
  }
  // A string bounded by its pattern alone is refused well before 100 characters.
  if (kinds.includes("string")) return "9".repeat(Math.min((branch.maxLength ?? 99) + 1, 5000));
  if (kinds.includes("integer") || kinds.includes("number")) return (branch.maximum ?? 1e300) * 10 + 1;
  if (kinds.includes("array") && branch.items) {
    const count = Math.min((branch.maxItems ?? 100) + 1, 200);
    return Array.from({ length: count }, () => (depth > 3 ? 1 : oversized(branch.items as JsonSchema, depth + 1)));
  }
  return true;
}

/** Whether a body has anything that can be too big (a string, a number, a list); a body of flags cannot. */
function sizable(schema: JsonSchema): boolean {
  return alternatives(doc, schema).some(
    (branch) =>
      types(branch).some((t) => ["string", "number", "integer", "array"].includes(t)) ||
      Object.values(branch.properties ?? {}).some(sizable),
  );
}

/** Where a value could be unboundedly large: a string with no length limit, a number with no range, a list with no cap. */
function unboundedIn(schema: JsonSchema, where: string): string[] {
  return alternatives(doc, schema).flatMap((branch) => {
    if (branch.enum || branch.const !== undefined) return [];
    const kinds = types(branch);
    const found: string[] = [];
    if (kinds.includes("string") && branch.maxLength === undefined && !boundedPattern(branch.pattern))
      found.push(`${where}: string without maxLength`);
    if ((kinds.includes("number") || kinds.includes("integer")) && branch.maximum === undefined)
      found.push(`${where}: number without maximum`);
    if (kinds.includes("array")) {
      if (branch.maxItems === undefined) found.push(`${where}: list without maxItems`);
      if (branch.items) found.push(...unboundedIn(branch.items, `${where}[]`));
    }
    for (const [name, property] of Object.entries(branch.properties ?? {}))
      found.push(...unboundedIn(property, `${where}.${name}`));
    if (typeof branch.additionalProperties === "object")
      found.push(...unboundedIn(branch.additionalProperties, `${where}.*`));
    return found;
  });
}

/** An anchored pattern whose every repetition has an upper bound (`{1,36}`, `?`) limits the length by itself. */
function boundedPattern(pattern: string | undefined): boolean {
  if (!pattern?.startsWith("^") || !pattern.endsWith("$")) return false;
  return !/[*+]|\{\d+,\}/.test(pattern.replaceAll(/\\./g, ""));
}

function envelope(reply: Reply): { code: string; message: string } {
  const error = (reply.body as { error?: { code?: unknown; message?: unknown } }).error;
  if (typeof error?.code !== "string" || typeof error.message !== "string")
    throw new Error(`not the error envelope (${reply.status}): ${reply.text.slice(0, 200)}`);
  return { code: error.code, message: error.message };
}

/** The administrator ADMIN_EMAILS names in the test bindings (vitest.config.ts). */
const ADMIN = "admin@ballast.test";

function forAdmins(op: Operation): boolean {
  return op.security.some((requirement) => requirement.sessionCookie?.includes("admin"));
}

function label(op: Operation): string {
  return `${op.method} ${op.template}`;
}
