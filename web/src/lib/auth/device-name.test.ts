import { describe, expect, it } from "vitest";
import { deviceOf } from "./device-name.ts";

describe("deviceOf", () => {
  it("names browsers and their systems from real User-Agent strings", () => {
    const cases: [string, string, string][] = [
      [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Chrome",
        "Linux",
      ],
      [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Edge",
        "Windows",
      ],
      ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox", "macOS"],
      [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Safari",
        "iOS",
      ],
      [
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Chrome",
        "Android",
      ],
      [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
        "Headless Chrome",
        "Linux",
      ],
    ];
    for (const [agent, browser, os] of cases) expect(deviceOf(agent), agent).toEqual({ kind: "browser", browser, os });
  });

  it("tells a script from a browser: the demo seeding signs in from Node, whose fetch sends `node`", () => {
    expect(deviceOf("node")).toEqual({ kind: "script", name: "node" });
    expect(deviceOf("curl/8.5.0")).toEqual({ kind: "script", name: "curl" });
    expect(deviceOf("python-requests/2.32.3")).toEqual({ kind: "script", name: "python-requests" });
  });

  it("shows anything else as sent, and nothing as unknown", () => {
    expect(deviceOf("SomeKiosk/1.0")).toEqual({ kind: "other", userAgent: "SomeKiosk/1.0" });
    expect(deviceOf(null)).toEqual({ kind: "unknown" });
    expect(deviceOf("  ")).toEqual({ kind: "unknown" });
  });
});
