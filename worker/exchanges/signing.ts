/** HMAC-SHA256 request signing with WebCrypto; imported keys are cached per isolate (importKey costs CPU). */
const keys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 256;
const encoder = new TextEncoder();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(secret, key);
  }
  return key;
}

/** Lowercase hex HMAC-SHA256 of `payload`, the form both Binance and Bybit expect. */
export async function hmacSha256Hex(secret: string, payload: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(payload));
  let hex = "";
  for (const byte of new Uint8Array(signature)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
