import { describe, expect, it } from "vitest";
import { hmacSha256Hex, percentEncode } from "../../../worker/exchanges/signing.ts";

// Official Binance example key pair (rest-api.md, "SIGNED Endpoint Examples"), see ../shared/exchanges.md §1.3.
const BINANCE_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

describe("hmacSha256Hex", () => {
  it("reproduces Binance vector B1", async () => {
    const payload =
      "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    expect(await hmacSha256Hex(BINANCE_SECRET, payload)).toBe(
      "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
    );
  });

  it("reproduces the derived Bybit compact-JSON vector", async () => {
    expect(await hmacSha256Hex("YYYYYYYYYY", '1658385579423XXXXXXXXXX5000{"category":"option"}')).toBe(
      "83b83af0cf1c2181c7ea8acf8d6cfc276444d27e65685fc1e246105073ca5446",
    );
  });

  it("gives the same answer from the cached key", async () => {
    const first = await hmacSha256Hex("secret-a", "payload");
    expect(await hmacSha256Hex("secret-a", "payload")).toBe(first);
    expect(await hmacSha256Hex("secret-b", "payload")).not.toBe(first);
  });
});

describe("percentEncode", () => {
  it("gives exactly encodeURIComponent's output", () => {
    const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));
    const samples = [...ascii, "", "BTCUSDT", "95000.10", "bench-1_x.~*'()!", "a b", "１２３", "x&y=z", "😀", "ÿ"];
    for (const text of samples) expect(percentEncode(text)).toBe(encodeURIComponent(text));
  });

  it("throws on a lone surrogate like encodeURIComponent", () => {
    expect(() => percentEncode("a\ud800")).toThrow(URIError);
  });
});
