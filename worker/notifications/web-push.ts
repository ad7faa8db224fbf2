import { base64UrlDecode, base64UrlEncode } from "../auth/encoding.ts";

/**
 * Web Push with WebCrypto only: the payload encrypted per RFC 8291 (aes128gcm content coding, RFC 8188; ECDH P-256
 * with the browser's key, HKDF keyed by its auth secret) and the push service told who we are with a VAPID JWT (RFC
 * 8292, ES256). One record: payloads are a few hundred bytes, far below the 4096-byte record size.
 */

export type PushSubscriptionKeys = { endpoint: string; p256dh: string; auth: string };
export type VapidKeys = { publicKey: string; privateKey: () => string; subject: string };

const RECORD_SIZE = 4096;
const encoder = new TextEncoder();

/** For tests (the RFC 8291 vector): the sender's key pair and salt, which are random otherwise. */
export type EncryptionFixtures = { senderPrivate: string; senderPublic: string; salt: string };

export async function encryptPayload(
  plaintext: Uint8Array,
  subscription: Pick<PushSubscriptionKeys, "p256dh" | "auth">,
  fixtures?: EncryptionFixtures,
): Promise<Uint8Array> {
  const receiverPublic = base64UrlDecode(subscription.p256dh);
  const authSecret = base64UrlDecode(subscription.auth);
  const sender = fixtures ? await importEcdhPair(fixtures.senderPrivate, fixtures.senderPublic) : await newEcdhPair();
  const salt = fixtures ? base64UrlDecode(fixtures.salt) : crypto.getRandomValues(new Uint8Array(16));
  const receiverKey = await crypto.subtle.importKey(
    "raw",
    receiverPublic,
    { name: "ECDH", namedCurve: "P-256" },
    false,
    [],
  );
  const ecdhSecret = new Uint8Array(
    // workerd reads `public`, as the spec names it; its type declaration spells the field `$public`.
    await crypto.subtle.deriveBits(
      { name: "ECDH", public: receiverKey } as unknown as SubtleCryptoDeriveKeyAlgorithm,
      sender.privateKey,
      256,
    ),
  );
  // RFC 8291 §3.4: IKM from the shared secret keyed by the auth secret, bound to both public keys.
  const keyInfo = concat(encoder.encode("WebPush: info\0"), receiverPublic, sender.publicRaw);
  const ikm = await hkdf(authSecret, ecdhSecret, keyInfo, 32);
  const cek = await hkdf(salt, ikm, encoder.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, encoder.encode("Content-Encoding: nonce\0"), 12);
  // The padding delimiter 0x02 marks the last (only) record.
  const padded = concat(plaintext, new Uint8Array([2]));
  const aesKey = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce }, aesKey, padded));
  const header = new Uint8Array(16 + 4 + 1 + sender.publicRaw.length);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = sender.publicRaw.length;
  header.set(sender.publicRaw, 21);
  return concat(header, ciphertext);
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`, the JWT's audience the push service's origin, valid 12 hours. */
export async function vapidAuthorization(endpoint: string, vapid: VapidKeys, now: Date): Promise<string> {
  const header = base64UrlEncode(encoder.encode(JSON.stringify({ typ: "JWT", alg: "ES256" })));
  const claims = {
    aud: new URL(endpoint).origin,
    exp: Math.floor(now.getTime() / 1000) + 12 * 3600,
    sub: vapid.subject,
  };
  const body = base64UrlEncode(encoder.encode(JSON.stringify(claims)));
  const key = await importSigningKey(vapid.privateKey(), vapid.publicKey);
  // WebCrypto's ECDSA signature is r || s (IEEE P1363), which is JWS's ES256 form as it is.
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    encoder.encode(`${header}.${body}`),
  );
  return `vapid t=${header}.${body}.${base64UrlEncode(new Uint8Array(signature))}, k=${vapid.publicKey}`;
}

export async function pushRequest(
  subscription: PushSubscriptionKeys,
  vapid: VapidKeys,
  payload: unknown,
  now: Date,
): Promise<Request> {
  const body = await encryptPayload(encoder.encode(JSON.stringify(payload)), subscription);
  return new Request(subscription.endpoint, {
    method: "POST",
    headers: {
      authorization: await vapidAuthorization(subscription.endpoint, vapid, now),
      "content-encoding": "aes128gcm",
      "content-type": "application/octet-stream",
      ttl: "86400",
      urgency: "high",
    },
    body,
    redirect: "manual",
  });
}

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, length * 8));
}

async function newEcdhPair(): Promise<{ privateKey: CryptoKey; publicRaw: Uint8Array }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, [
    "deriveBits",
  ])) as CryptoKeyPair;
  return {
    privateKey: pair.privateKey,
    publicRaw: new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer),
  };
}

async function importEcdhPair(
  privateKey: string,
  publicKey: string,
): Promise<{ privateKey: CryptoKey; publicRaw: Uint8Array }> {
  const key = await crypto.subtle.importKey(
    "jwk",
    ecJwk(privateKey, publicKey),
    { name: "ECDH", namedCurve: "P-256" },
    false,
    ["deriveBits"],
  );
  return { privateKey: key, publicRaw: base64UrlDecode(publicKey) };
}

function importSigningKey(privateKey: string, publicKey: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("jwk", ecJwk(privateKey, publicKey), { name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
  ]);
}

/** A P-256 private key as JWK from its scalar and uncompressed public point (0x04 || x || y). */
function ecJwk(privateKey: string, publicKey: string): JsonWebKey {
  const point = base64UrlDecode(publicKey);
  if (point.length !== 65 || point[0] !== 4) throw new Error("a P-256 public key is 65 bytes starting with 0x04");
  return {
    kty: "EC",
    crv: "P-256",
    d: privateKey,
    x: base64UrlEncode(point.slice(1, 33)),
    y: base64UrlEncode(point.slice(33, 65)),
    ext: true,
  };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
