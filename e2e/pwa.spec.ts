import { expect, test } from "@playwright/test";
import { signInThroughApi, uniqueEmail } from "./support/sign-in.ts";

// The installable app: the manifest and its icons, the service worker taking control of the page, the app shell
// served from its cache when the network is gone, and the API never answered from a cache.

type Manifest = {
  name: string;
  short_name: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: { src: string; sizes: string; type: string; purpose?: string }[];
};

/** Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian). */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

test("the manifest names the app and its icons load at the sizes it states", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBe("/manifest.webmanifest");
  await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute("content", "#0969da");
  const appleIcon = await page.locator('link[rel="apple-touch-icon"]').getAttribute("href");

  const reply = await request.get(href ?? "");
  expect(reply.status()).toBe(200);
  const manifest = (await reply.json()) as Manifest;
  expect(manifest).toMatchObject({
    name: expect.stringContaining("Ballast"),
    short_name: "Ballast",
    start_url: "/",
    scope: "/",
    display: "standalone",
    theme_color: "#0969da",
    background_color: expect.stringMatching(/^#[0-9a-f]{6}$/),
  });
  const pngs = manifest.icons.filter((icon) => icon.type === "image/png");
  expect(pngs.map((icon) => `${icon.sizes} ${icon.purpose ?? "any"}`).sort()).toEqual([
    "192x192 any",
    "512x512 any",
    "512x512 maskable",
  ]);
  for (const icon of [...pngs, { src: appleIcon ?? "", sizes: "180x180", type: "image/png" }]) {
    const image = await request.get(icon.src);
    expect(image.status(), icon.src).toBe(200);
    expect(image.headers()["content-type"]).toBe("image/png");
    expect(pngSize(await image.body()), icon.src).toBe(icon.sizes);
  }
});

test("the service worker controls the page, serves the shell offline and leaves the API to the network", async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signInThroughApi(page, uniqueEmail("pwa"));
  await page.goto("/");
  const scriptURL = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL ?? null);
  expect(scriptURL).toMatch(/\/service-worker\.js$/);
  // Installed during the first visit; from the next load on it controls the page.
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toBe(scriptURL);

  const api: { url: string; fromServiceWorker: boolean }[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/api/"))
      api.push({ url: response.url(), fromServiceWorker: response.fromServiceWorker() });
  });
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(api.length).toBeGreaterThan(0);
  expect(api.filter((r) => r.fromServiceWorker)).toEqual([]);
  // Nothing from the API was put in a cache.
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  expect(cached).toContain("/");
  expect(cached.some((path) => path.startsWith("/_app/immutable/"))).toBe(true);
  expect(cached.filter((path) => path.startsWith("/api/"))).toEqual([]);

  // Offline: the shell still opens (from the cache), and the API's requests fail instead of showing old answers.
  const failedApi: string[] = [];
  page.on("requestfailed", (request) => {
    if (new URL(request.url()).pathname.startsWith("/api/")) failedApi.push(request.url());
  });
  await context.setOffline(true);
  const shell = await page.reload();
  expect(shell?.fromServiceWorker()).toBe(true);
  await expect(page.getByRole("alert").first()).toBeVisible();
  expect(failedApi.length).toBeGreaterThan(0);
  await page.screenshot({ path: "artifacts/screenshots/pwa-offline-phone.png", fullPage: true });
  await context.setOffline(false);
  await context.close();
});
