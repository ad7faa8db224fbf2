import { describe, expect, it } from "vitest";
import { resolveBaseUrls } from "../../../worker/exchanges/endpoints.ts";
import { ExchangeError } from "../../../worker/exchanges/errors.ts";

describe("resolveBaseUrls", () => {
  it("maps environments to the venues' official hosts", () => {
    expect(resolveBaseUrls("binance", "live", null, { allowLocalUrls: false })).toEqual({
      spot: "https://api.binance.com",
      linear: "https://fapi.binance.com",
    });
    expect(resolveBaseUrls("binance", "demo", null, { allowLocalUrls: false }).linear).toBe(
      "https://demo-fapi.binance.com",
    );
    expect(resolveBaseUrls("bybit", "testnet", null, { allowLocalUrls: false }).spot).toBe(
      "https://api-testnet.bybit.com",
    );
  });

  it("accepts a custom URL on a known venue host over https", () => {
    expect(resolveBaseUrls("bybit", "custom", "https://api.bybit.nl/", { allowLocalUrls: false })).toEqual({
      spot: "https://api.bybit.nl",
      linear: "https://api.bybit.nl",
    });
  });

  it("refuses other hosts, plain http and loopback unless local URLs are allowed", () => {
    const attempt =
      (url: string, allowLocalUrls = false) =>
      () =>
        resolveBaseUrls("binance", "custom", url, { allowLocalUrls });
    expect(attempt("https://evil.example.com")).toThrow(ExchangeError);
    expect(attempt("http://api.binance.com")).toThrow(/not allowed/);
    expect(attempt("http://169.254.169.254")).toThrow(/not allowed/);
    expect(attempt("http://127.0.0.1:8790")).toThrow(/not allowed/);
    expect(resolveBaseUrls("binance", "custom", "http://127.0.0.1:8790", { allowLocalUrls: true }).spot).toBe(
      "http://127.0.0.1:8790",
    );
    expect(attempt("not a url")).toThrow(/valid http\(s\) base URL/);
  });
});
