import { env } from "cloudflare:workers";
import { createApp } from "../../../worker/app.ts";
import type { IdentityDeps } from "../../../worker/auth/context.ts";

export const ORIGIN = "http://localhost";

/** A clock tests move by hand: TOTP steps, idle expiry and rate-limit windows without sleeping. */
export function testClock(start = new Date()) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

export const uniqueEmail = (tag = "user") => `${tag}-${crypto.randomUUID().slice(0, 8)}@ballast.test`;
export const uniqueIp = () => `10.${rand()}.${rand()}.${rand()}`;
const rand = () => Math.floor(Math.random() * 250) + 1;

export type Reply = { status: number; body: Record<string, unknown>; text: string; headers: Headers };

type CallOptions = { body?: unknown; origin?: string | null; headers?: Record<string, string> };

/** One caller: an IP, optionally a session cookie or a Bearer token. */
export class Caller {
  readonly app: TestApp;
  readonly auth: { cookie?: string; bearer?: string };
  readonly ip: string;

  constructor(app: TestApp, auth: { cookie?: string; bearer?: string } = {}, ip = uniqueIp()) {
    this.app = app;
    this.auth = auth;
    this.ip = ip;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers = new Headers({ "cf-connecting-ip": this.ip, ...options.headers });
    if (this.auth.cookie) headers.set("cookie", `ballast_session=${this.auth.cookie}`);
    if (this.auth.bearer) headers.set("authorization", `Bearer ${this.auth.bearer}`);
    const origin = options.origin === undefined ? ORIGIN : options.origin;
    if (origin && method !== "GET") headers.set("origin", origin);
    if (options.body !== undefined) headers.set("content-type", "application/json");
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const res = await this.app.fetch(new Request(`${ORIGIN}${path}`, { method, headers, body }));
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON (never expected from /api)
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  get = (path: string, options?: CallOptions) => this.call("GET", path, options);
  post = (path: string, body?: unknown, options?: CallOptions) => this.call("POST", path, { ...options, body });
  put = (path: string, body?: unknown, options?: CallOptions) => this.call("PUT", path, { ...options, body });
  delete = (path: string, options?: CallOptions) => this.call("DELETE", path, options);
}

export type TestApp = { fetch(request: Request): Promise<Response>; env: Env };

/** The real app with test doubles for the outside world, over the test bindings (optionally overridden). */
export function testApp(identity: Partial<IdentityDeps> = {}, overrides: Record<string, string> = {}): TestApp {
  const app = createApp(identity);
  const testEnv = { ...env, ...overrides } as Env;
  return { fetch: async (request) => app.fetch(request, testEnv), env: testEnv };
}

export function sessionCookie(reply: Reply): string {
  const match = /ballast_session=([^;]*)/.exec(reply.headers.get("set-cookie") ?? "");
  if (!match?.[1]) throw new Error(`no session cookie in ${reply.status} ${reply.text}`);
  return match[1];
}

/** Signs in through the development route and returns a caller holding the session cookie. */
export async function signIn(app: TestApp, email = uniqueEmail(), code?: string): Promise<Caller> {
  const anonymous = new Caller(app);
  const reply = await anonymous.post("/api/auth/dev", { email, ...(code ? { code } : {}) });
  if (reply.status !== 200) throw new Error(`sign-in failed: ${reply.status} ${reply.text}`);
  return new Caller(app, { cookie: sessionCookie(reply) });
}

export async function userId(caller: Caller): Promise<string> {
  const me = await caller.get("/api/auth/me");
  return (me.body.user as { id: string }).id;
}

/**
 * Storage is shared by every test file, so this is the first account of the whole suite: sessions.test.ts checks that
 * being first made it no admin (only ADMIN_EMAILS, admin@ballast.test here, are).
 */
export const founder = await signIn(testApp(), "founder@ballast.test");
