/**
 * What signed a session in, from its User-Agent, in words a person recognises: a browser on an operating system
 * ("Chrome on Linux"), or a program (the demo seeding of `npm start` signs in from Node, whose fetch sends "node").
 * Only the common cases: anything else is shown as sent.
 */
export type Device =
  | { kind: "browser"; browser: string; os: string | null }
  | { kind: "script"; name: string }
  | { kind: "other"; userAgent: string }
  | { kind: "unknown" };

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
const BROWSERS: [RegExp, string][] = [
  [/\bEdgA?\//, "Edge"],
  [/\bOPR\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\bYaBrowser\//, "Yandex Browser"],
  [/\b(Firefox|FxiOS)\//, "Firefox"],
  [/\bHeadlessChrome\//, "Headless Chrome"],
  [/\b(Chrome|CriOS|Chromium)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
];

const SYSTEMS: [RegExp, string][] = [
  [/\bAndroid\b/, "Android"],
  [/\biPhone\b/, "iOS"],
  [/\biPad\b/, "iPadOS"],
  [/\bWindows\b/, "Windows"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
];

// HTTP libraries and command-line tools, by the product name they send first.
const SCRIPTS =
  /^(node|undici|curl|wget|python-requests|python-urllib|python-httpx|aiohttp|axios|got|okhttp|go-http-client|httpie|postmanruntime|insomnia|openapi-fetch|deno|bun)\b/i;

export function deviceOf(userAgent: string | null | undefined): Device {
  const agent = userAgent?.trim();
  if (!agent) return { kind: "unknown" };
  const script = SCRIPTS.exec(agent);
  if (script) return { kind: "script", name: script[1] ?? agent };
  const browser = BROWSERS.find(([pattern]) => pattern.test(agent))?.[1];
  if (!browser) return { kind: "other", userAgent: agent };
  return { kind: "browser", browser, os: SYSTEMS.find(([pattern]) => pattern.test(agent))?.[1] ?? null };
}
