import { version } from "$app/env";
import { assets, immutable } from "$app/manifest";
import { self as sw } from "$app/service-worker";
import { handlePushEvents } from "../lib/notifications/push-events.ts";

/**
 * Makes Ballast installable and lets it open without a network: the single-page fallback at "/" is cached at install
 * under this build's version and the built scripts, styles and static files as they are first used, navigations go
 * to the network first and fall back to the cached shell, and the shell's files are served from the cache.
 * Nothing under /api/ is ever touched here: the API (balances, orders, portfolio state) is network only, so the UI
 * never shows a stale figure as if it were current; offline, its requests fail and the pages show their error states.
 */

const CACHE = `ballast-shell-${version}`;
const SHELL = "/";
// Paths come relative to the base path, which is where this script is served from. `_headers` is the host's header
// rules, not a file it serves.
const ASSETS = [...immutable, ...assets]
  .filter((file) => file.path !== "_headers" && !file.path.endsWith("/_headers"))
  .map((file) => new URL(file.path, sw.location.href).pathname);
const CACHED = new Set(ASSETS);

// Only the shell at install: the build's files are cached as the app first uses them (below), so installing is one
// request, not a burst of every chunk at once (which a small server, like wrangler dev, may drop).
sw.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.add(SHELL))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // Not ours to answer: the API (network only, never cached) and other origins (Google sign-in).
  if (url.origin !== sw.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => fromCache(SHELL)));
    return;
  }
  if (CACHED.has(url.pathname))
    event.respondWith(fromCache(url.pathname).catch(() => fetchAndKeep(request, url.pathname)));
});

/** A file of this build, from the network, kept for the next (offline) load. */
async function fetchAndKeep(request: Request, path: string): Promise<Response> {
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    await cache.put(path, response.clone());
  }
  return response;
}

// Web Push notifications (the Notifications page subscribes this browser): shown, and a click opens their page.
handlePushEvents(sw);

async function fromCache(path: string): Promise<Response> {
  const cache = await caches.open(CACHE);
  const response = await cache.match(path);
  if (!response) throw new Error(`${path} is not cached`);
  return response;
}
