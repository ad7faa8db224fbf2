import { deriveHmacKey, type HmacKey, hmacHex } from "./hmac-sha256.ts";

/**
 * HMAC-SHA256 request signing, synchronous (./hmac-sha256.ts says why not WebCrypto). Each secret's keyed hash
 * states are derived once and cached per isolate, keyed by the secret the way imported CryptoKeys were: at most 256
 * secrets, the whole cache dropped when it is full.
 */
const keys = new Map<string, HmacKey>();
const MAX_CACHED_KEYS = 256;

function hmacKey(secret: string): HmacKey {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    key = deriveHmacKey(secret);
    keys.set(secret, key);
  }
  return key;
}

/** Lowercase hex HMAC-SHA256 of `payload`, the form both Binance and Bybit expect. */
export function hmacSha256Hex(secret: string, payload: string): string {
  return hmacHex(hmacKey(secret), payload);
}

/**
 * encodeURIComponent, skipped for text it would leave unchanged (symbols, decimals, client ids): in workerd the
 * call costs more than reading the few characters of a typical value.
 */
export function percentEncode(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (URI_UNRESERVED[text.charCodeAt(i)] !== 1) return encodeURIComponent(text);
  }
  return text;
}

/** 1 for the characters encodeURIComponent keeps as they are (ECMA-262 uriUnreserved), by char code. */
const URI_UNRESERVED = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()") {
  URI_UNRESERVED[char.charCodeAt(0)] = 1;
}
