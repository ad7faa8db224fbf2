import { describe, expect, it } from "vitest";
import { bybitPreSign, encodeQuery, signBybit } from "../../../../worker/exchanges/bybit/signing.ts";

// The three DERIVED Bybit rows of exchanges.md §3.2 (apiKey XXXXXXXXXX, secret YYYYYYYYYY; openssl and WebCrypto agree).
const apiKey = "XXXXXXXXXX";
const secret = "YYYYYYYYYY";

describe("Bybit V5 signing", () => {
  it("signs a GET query string (derived vector 1)", async () => {
    const payload = encodeQuery({ category: "option", symbol: "BTC-29JUL22-25000-C" });
    const input = { timestamp: 1658384314791, apiKey, recvWindow: 5000, payload };
    expect(bybitPreSign(input)).toBe("1658384314791XXXXXXXXXX5000category=option&symbol=BTC-29JUL22-25000-C");
    expect(await signBybit(secret, input)).toBe("37813c67fafb3017e92354eb88f218e7e52a98f9f5eb74cfcf0b21f17edb143b");
  });

  it("signs the docs' POST body with its space (derived vector 2)", async () => {
    const input = { timestamp: 1658385579423, apiKey, recvWindow: 5000, payload: '{"category": "option"}' };
    expect(await signBybit(secret, input)).toBe("4cbc693a498014a4d2c81ae4b7e33a28715cd1b6eec43163dc9b15acfa3c8763");
  });

  it("signs compact JSON as sent (derived vector 3): whitespace changes the signature", async () => {
    const input = {
      timestamp: 1658385579423,
      apiKey,
      recvWindow: 5000,
      payload: JSON.stringify({ category: "option" }),
    };
    expect(await signBybit(secret, input)).toBe("83b83af0cf1c2181c7ea8acf8d6cfc276444d27e65685fc1e246105073ca5446");
  });

  it("encodes queries in insertion order and skips undefined values", () => {
    expect(encodeQuery({ category: "linear", symbol: undefined, settleCoin: "USDT", cursor: "a=b&c" })).toBe(
      "category=linear&settleCoin=USDT&cursor=a%3Db%26c",
    );
  });
});
