import { describe, expect, it } from "vitest";
import {
  type CustomUrlPolicy,
  customBaseUrlFor,
  marketBaseUrl,
  resolveBaseUrls,
} from "../../../worker/exchanges/endpoints.ts";
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
    const nl = "https://api.bybit.nl/";
    expect(resolveBaseUrls("bybit", "custom", { spot: nl, linear: nl }, { allowLocalUrls: false })).toEqual({
      spot: "https://api.bybit.nl",
      linear: "https://api.bybit.nl",
    });
  });

  it("refuses other hosts, plain http and loopback unless local URLs are allowed", () => {
    const attempt =
      (url: string, allowLocalUrls = false) =>
      () =>
        resolveBaseUrls("binance", "custom", { spot: url, linear: null }, { allowLocalUrls });
    expect(attempt("https://evil.example.com")).toThrow(ExchangeError);
    expect(attempt("http://api.binance.com")).toThrow(/not allowed/);
    expect(attempt("http://169.254.169.254")).toThrow(/not allowed/);
    expect(attempt("http://127.0.0.1:8790")).toThrow(/not allowed/);
    expect(attempt("http://127.0.0.1:8790", true)()).toEqual({ spot: "http://127.0.0.1:8790", linear: null });
    expect(attempt("not a url")).toThrow(/valid http\(s\) base URL/);
  });

  it("gives a custom Binance key each market's own URL, and refuses a market it has none for", () => {
    const policy = { allowLocalUrls: true };
    const urls = resolveBaseUrls(
      "binance",
      "custom",
      { spot: "https://api1.binance.com/", linear: "http://localhost:8790" },
      policy,
    );
    expect(urls).toEqual({ spot: "https://api1.binance.com", linear: "http://localhost:8790" });
    const spotOnly = resolveBaseUrls("binance", "custom", { spot: "https://api.binance.com", linear: null }, policy);
    expect(marketBaseUrl("binance", spotOnly, "spot")).toBe("https://api.binance.com");
    expect(() => marketBaseUrl("binance", spotOnly, "linear")).toThrow(
      expect.objectContaining({ kind: "not_supported", message: expect.stringMatching(/no futures base URL/) }),
    );
    expect(() => resolveBaseUrls("binance", "custom", { spot: null, linear: null }, policy)).toThrow(
      /needs a base URL/,
    );
    expect(() =>
      resolveBaseUrls("bybit", "custom", { spot: "https://api.bybit.com", linear: "https://api.bybit.nl" }, policy),
    ).toThrow(/one host/);
    expect(() =>
      resolveBaseUrls("binance", "custom", { spot: "https://api.binance.com", linear: "https://evil.example" }, policy),
    ).toThrow(/not allowed/);
  });

  it("refuses a venue host on a non-default port; listed host:port entries and loopback keep their ports", () => {
    const custom = (url: string, policy: CustomUrlPolicy = {}) => customBaseUrlFor("binance", url, policy);
    expect(() => custom("https://api.binance.com:22")).toThrow(
      'Custom base URL https://api.binance.com:22 is not allowed: Binance\'s API hosts are only reached on the default https port (443); remove ":22".',
    );
    expect(() => customBaseUrlFor("bybit", "https://api.bybit.nl:8443", {})).toThrow(/default https port/);
    // An explicit :443 is the default port, which URL parsing drops.
    expect(custom("https://api.binance.com:443/")).toBe("https://api.binance.com");
    expect(custom("https://api.binance.com:8443", { extraHosts: ["api.binance.com:8443"] })).toBe(
      "https://api.binance.com:8443",
    );
    expect(custom("http://127.0.0.1:8790", { extraHosts: ["127.0.0.1:8790"] })).toBe("http://127.0.0.1:8790");
    expect(custom("http://localhost:49152", { allowLocalUrls: true })).toBe("http://localhost:49152");
  });
});
