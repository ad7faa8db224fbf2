import { createHmac, timingSafeEqual, webcrypto } from "node:crypto";
import { type Context, Hono } from "hono";
import * as z from "zod";
import type { SimState } from "../state.ts";

/**
 * Stand-ins for where Ballast's notifications go, each recording what it received for tests and the demo:
 * - signed webhook receivers at /hooks/<id>, which check `Ballast-Signature` with their secret and can answer 500 a
 *   number of times first (retries);
 * - Telegram's Bot API at /bot<token>/<method> (sendMessage, setWebhook, answerCallbackQuery) for registered tokens,
 *   which can press a recorded message's button: it builds the Update and posts it to the webhook the bot set, with
 *   its secret token;
 * - a Web Push service at /push/<id> for subscriptions it created, which checks the VAPID JWT and decrypts the
 *   RFC 8291 payload with the subscription's private key.
 * Controlled under /control/hooks, /control/telegram and /control/push.
 */

type Hook = { id: string; secret: string; failuresLeft: number; failStatus: number; received: HookDelivery[] };
type HookDelivery = { verified: boolean; eventId: string | null; body: unknown; status: number };
type Bot = {
  token: string;
  messages: { chat_id: string; text: string; reply_markup?: unknown }[];
  answers: { callback_query_id: string; text?: string }[];
  webhook: { url: string; secretToken: string } | null;
};
type PushSub = {
  id: string;
  privateKey: webcrypto.CryptoKey;
  publicRaw: Uint8Array;
  auth: Uint8Array;
  failuresLeft: number;
  received: { payload: unknown; vapidVerified: boolean; status: number }[];
};
type Book = { hooks: Map<string, Hook>; bots: Map<string, Bot>; push: Map<string, PushSub>; updateId: number };

const books = new WeakMap<SimState, Book>();

function bookOf(state: SimState): Book {
  let book = books.get(state);
  if (!book) {
    book = { hooks: new Map(), bots: new Map(), push: new Map(), updateId: 1 };
    books.set(state, book);
  }
  return book;
}

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const fromB64u = (text: string) => new Uint8Array(Buffer.from(text, "base64url"));
const subtle = webcrypto.subtle;

async function bodyOf<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T> | Response> {
  const parsed = schema.safeParse(await c.req.json().catch(() => ({})));
  if (!parsed.success) return c.json({ error: "bad_request", message: z.prettifyError(parsed.error) }, 400);
  return parsed.data;
}

function verifySignature(secret: string, header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match?.[1] || !match[2]) return false;
  const expected = createHmac("sha256", secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], "hex"));
}

export function notificationRoutes(state: SimState): Hono {
  const app = new Hono();
  const book = () => bookOf(state);

  // ---- webhooks ------------------------------------------------------------------------------------------------
  app.post("/control/hooks", async (c) => {
    const body = await bodyOf(
      c,
      z.object({
        secret: z.string().min(1).max(200),
        failures: z.number().int().min(0).max(20).default(0),
        failStatus: z.number().int().min(400).max(599).default(500),
      }),
    );
    if (body instanceof Response) return body;
    const id = crypto.randomUUID();
    book().hooks.set(id, {
      id,
      secret: body.secret,
      failuresLeft: body.failures,
      failStatus: body.failStatus,
      received: [],
    });
    return c.json({ id, url: `${new URL(c.req.url).origin}/hooks/${id}` }, 201);
  });
  app.get("/control/hooks/:id", (c) => {
    const hook = book().hooks.get(c.req.param("id"));
    return hook ? c.json({ received: hook.received }) : c.json({ error: "not_found" }, 404);
  });
  app.post("/hooks/:id", async (c) => {
    const hook = book().hooks.get(c.req.param("id"));
    if (!hook) return c.json({ error: "not_found" }, 404);
    const raw = await c.req.text();
    const verified = verifySignature(hook.secret, c.req.header("ballast-signature"), raw);
    const status = !verified ? 401 : hook.failuresLeft > 0 ? hook.failStatus : 200;
    if (verified && hook.failuresLeft > 0) hook.failuresLeft -= 1;
    let body: unknown = null;
    try {
      body = JSON.parse(raw);
    } catch {}
    hook.received.push({ verified, eventId: c.req.header("ballast-event-id") ?? null, body, status });
    return c.json({ received: status === 200 }, status as 200);
  });

  // ---- Telegram Bot API ------------------------------------------------------------------------------------------
  app.post("/control/telegram/bots", (c) => {
    const token = `${100000 + book().bots.size}:${b64u(webcrypto.getRandomValues(new Uint8Array(24)))}`;
    book().bots.set(token, { token, messages: [], answers: [], webhook: null });
    return c.json({ token }, 201);
  });
  app.get("/control/telegram/bots/:token", (c) => {
    const bot = book().bots.get(c.req.param("token"));
    if (!bot) return c.json({ error: "not_found" }, 404);
    return c.json({ messages: bot.messages, answers: bot.answers, webhook: bot.webhook });
  });
  /** Presses a button of a recorded message: answers the Update (and the secret token) and posts it to the webhook. */
  app.post("/control/telegram/press", async (c) => {
    const body = await bodyOf(
      c,
      z.object({
        token: z.string().max(200),
        message: z.number().int().min(-1).default(-1),
        button: z.number().int().min(0).max(7).default(0),
        post: z.boolean().default(true),
      }),
    );
    if (body instanceof Response) return body;
    const bot = book().bots.get(body.token);
    const message = bot?.messages.at(body.message);
    const markup = message?.reply_markup as { inline_keyboard?: { callback_data: string }[][] } | undefined;
    const button = markup?.inline_keyboard?.[0]?.[body.button];
    if (!bot || !message || !button) return c.json({ error: "not_found", message: "no such message or button" }, 404);
    const update = {
      update_id: book().updateId++,
      callback_query: {
        id: String(book().updateId * 1000),
        from: { id: Number(message.chat_id) || 1, is_bot: false, first_name: "Demo" },
        chat_instance: "1",
        data: button.callback_data,
        message: {
          message_id: bot.messages.indexOf(message) + 1,
          date: 0,
          chat: { id: Number(message.chat_id) || 1, type: "private" },
        },
      },
    };
    let delivered: number | null = null;
    if (body.post && bot.webhook) {
      const response = await fetch(bot.webhook.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": bot.webhook.secretToken },
        body: JSON.stringify(update),
      }).catch(() => null);
      delivered = response?.status ?? null;
    }
    return c.json({ update, secretToken: bot.webhook?.secretToken ?? null, delivered });
  });
  app.post("/:bot{bot[0-9]+:[A-Za-z0-9_-]+}/:method", async (c) => {
    const bot = book().bots.get(c.req.param("bot").slice(3));
    if (!bot) return c.json({ ok: false, error_code: 401, description: "Unauthorized" }, 401);
    const params = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    switch (c.req.param("method")) {
      case "sendMessage": {
        if (typeof params.chat_id !== "string" && typeof params.chat_id !== "number")
          return c.json({ ok: false, error_code: 400, description: "Bad Request: chat not found" }, 400);
        bot.messages.push({
          chat_id: String(params.chat_id),
          text: String(params.text ?? ""),
          reply_markup: params.reply_markup,
        });
        return c.json({
          ok: true,
          result: { message_id: bot.messages.length, date: Math.floor(Date.now() / 1000), text: params.text },
        });
      }
      case "setWebhook":
        bot.webhook = { url: String(params.url ?? ""), secretToken: String(params.secret_token ?? "") };
        return c.json({ ok: true, result: true, description: "Webhook was set" });
      case "answerCallbackQuery":
        bot.answers.push({
          callback_query_id: String(params.callback_query_id ?? ""),
          text: params.text as string | undefined,
        });
        return c.json({ ok: true, result: true });
      default:
        return c.json({ ok: false, error_code: 404, description: "Not Found" }, 404);
    }
  });

  // ---- Web Push service ------------------------------------------------------------------------------------------
  app.post("/control/push/subscriptions", async (c) => {
    const body = await bodyOf(c, z.object({ failures: z.number().int().min(0).max(20).default(0) }));
    if (body instanceof Response) return body;
    const pair = (await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
      "deriveBits",
    ])) as webcrypto.CryptoKeyPair;
    const publicRaw = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
    const auth = webcrypto.getRandomValues(new Uint8Array(16));
    const id = crypto.randomUUID();
    book().push.set(id, {
      id,
      privateKey: pair.privateKey,
      publicRaw,
      auth,
      failuresLeft: body.failures,
      received: [],
    });
    const endpoint = `${new URL(c.req.url).origin}/push/${id}`;
    return c.json({ endpoint, expirationTime: null, keys: { p256dh: b64u(publicRaw), auth: b64u(auth) } }, 201);
  });
  app.get("/control/push/subscriptions/:id", (c) => {
    const sub = book().push.get(c.req.param("id"));
    return sub ? c.json({ received: sub.received }) : c.json({ error: "not_found" }, 404);
  });
  app.post("/push/:id", async (c) => {
    const sub = book().push.get(c.req.param("id"));
    if (!sub) return c.text("Gone", 410);
    const vapidVerified = await verifyVapid(c.req.header("authorization"), new URL(c.req.url).origin);
    if (!vapidVerified || c.req.header("content-encoding") !== "aes128gcm") {
      sub.received.push({ payload: null, vapidVerified, status: 401 });
      return c.text("Unauthorized", 401);
    }
    if (sub.failuresLeft > 0) {
      sub.failuresLeft -= 1;
      sub.received.push({ payload: null, vapidVerified, status: 503 });
      return c.text("Unavailable", 503);
    }
    const payload = await decryptPayload(sub, new Uint8Array(await c.req.arrayBuffer())).catch(() => null);
    const status = payload === null ? 400 : 201;
    sub.received.push({ payload, vapidVerified, status });
    return c.body(null, status);
  });

  return app;
}

/** RFC 8292: `vapid t=<ES256 JWT>, k=<key>`, the JWT signed by k, for this origin, not expired. */
async function verifyVapid(header: string | undefined, origin: string): Promise<boolean> {
  const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(header ?? "");
  if (!match?.[1] || !match[2] || !match[3] || !match[4]) return false;
  const key = await subtle
    .importKey("raw", fromB64u(match[4]), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"])
    .catch(() => null);
  if (!key) return false;
  const ok = await subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    fromB64u(match[3]),
    new TextEncoder().encode(`${match[1]}.${match[2]}`),
  );
  const claims = JSON.parse(Buffer.from(match[2], "base64url").toString()) as { aud?: string; exp?: number };
  return ok && claims.aud === origin && (claims.exp ?? 0) * 1000 > Date.now();
}

/** RFC 8291 from the receiving end: the sender's key and salt from the header, the same HKDF steps. */
async function decryptPayload(sub: PushSub, body: Uint8Array): Promise<unknown> {
  const salt = body.slice(0, 16);
  const idLength = body[20] ?? 0;
  const senderPublic = body.slice(21, 21 + idLength);
  const ciphertext = body.slice(21 + idLength);
  const senderKey = await subtle.importKey("raw", senderPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const secret = new Uint8Array(await subtle.deriveBits({ name: "ECDH", public: senderKey }, sub.privateKey, 256));
  const info = (text: string) => new TextEncoder().encode(text);
  const hkdf = async (s: Uint8Array, ikm: Uint8Array, i: Uint8Array, length: number) =>
    new Uint8Array(
      await subtle.deriveBits(
        { name: "HKDF", hash: "SHA-256", salt: s, info: i },
        await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]),
        length * 8,
      ),
    );
  const keyInfo = new Uint8Array([...info("WebPush: info\0"), ...sub.publicRaw, ...senderPublic]);
  const ikm = await hkdf(sub.auth, secret, keyInfo, 32);
  const cek = await hkdf(salt, ikm, info("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, info("Content-Encoding: nonce\0"), 12);
  const key = await subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, ciphertext));
  const end = padded.lastIndexOf(2);
  return JSON.parse(new TextDecoder().decode(padded.slice(0, end)));
}
