import { describe, expect, it } from "vitest";
import { deriveHmacKey, hmacHex } from "../../../worker/exchanges/hmac-sha256.ts";

// RFC 4231 §4: the HMAC-SHA-256 test cases whose data is text (cases 3 and 4 sign bytes 0xdd/0xcd, which no UTF-8
// string carries). Cases 6 and 7 use a 131-byte key, hashed first, and case 7 signs three blocks of data.
const rfc4231 = [
  {
    name: "case 1",
    key: bytes(20, 0x0b),
    data: "Hi There",
    mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  },
  {
    name: "case 2",
    key: "Jefe",
    data: "what do ya want for nothing?",
    mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  },
  {
    name: "case 5 (truncated to 128 bits)",
    key: bytes(20, 0x0c),
    data: "Test With Truncation",
    mac: "a3b6167473100ee06e0c796c2955552b",
  },
  {
    name: "case 6",
    key: bytes(131, 0xaa),
    data: "Test Using Larger Than Block-Size Key - Hash Key First",
    mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  },
  {
    name: "case 7",
    key: bytes(131, 0xaa),
    data: "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
    mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
  },
];

function bytes(length: number, value: number): Uint8Array {
  return new Uint8Array(length).fill(value);
}

/** A small seeded generator (mulberry32), so every run checks the same cases. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const encoder = new TextEncoder();

async function webCryptoHex(key: Uint8Array, message: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
  return Array.from(signature, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("HMAC-SHA256", () => {
  for (const vector of rfc4231) {
    it(`reproduces RFC 4231 ${vector.name}`, () => {
      expect(hmacHex(deriveHmacKey(vector.key), vector.data).slice(0, vector.mac.length)).toBe(vector.mac);
    });
  }

  it("reproduces Binance's published signature B1 from the secret as text", () => {
    const key = deriveHmacKey("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j");
    expect(
      hmacHex(
        key,
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
      ),
    ).toBe("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
  });

  it("agrees with WebCrypto across key sizes, block boundaries and non-ASCII text", async () => {
    const next = random(42);
    // ASCII, then characters of one to four UTF-8 bytes (U+00FF is one char but two bytes; the emoji a surrogate pair).
    const alphabets = ['abcXYZ019=&-_.~{}":,', "aé€ÿ日😀"];
    let checked = 0;
    for (const keyLength of [1, 2, 10, 32, 63, 64, 65, 131, 200]) {
      const key = Uint8Array.from({ length: keyLength }, () => Math.floor(next() * 256));
      for (let messageLength = 0; messageLength <= 260; messageLength += keyLength % 2 === 0 ? 1 : 7) {
        for (const alphabet of alphabets) {
          const chars = Array.from(alphabet);
          let message = "";
          while (message.length < messageLength) message += chars[Math.floor(next() * chars.length)];
          expect(hmacHex(deriveHmacKey(key), message), `key ${keyLength} B, message ${JSON.stringify(message)}`).toBe(
            await webCryptoHex(key, message),
          );
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(2_000);
  });

  it("reuses one derived key for many messages, and leaves the caller's key bytes as they were", async () => {
    const secret = Uint8Array.from({ length: 64 }, (_, i) => i * 3);
    const key = deriveHmacKey(secret);
    expect(secret).toEqual(Uint8Array.from({ length: 64 }, (_, i) => i * 3));
    for (const message of ["first", "a".repeat(120), "", "second"]) {
      expect(hmacHex(key, message)).toBe(await webCryptoHex(secret, message));
    }
  });

  it("signs a lone surrogate the way TextEncoder encodes it (U+FFFD)", async () => {
    const key = deriveHmacKey("secret");
    expect(hmacHex(key, "a\ud800b")).toBe(await webCryptoHex(encoder.encode("secret"), "a\ud800b"));
  });
});
