// After `vite build`: puts the SHA-256 of every inline script of the built pages (SvelteKit's bootstrap) into the
// UI's Content-Security-Policy, so script-src needs no 'unsafe-inline'. web/static/_headers holds the placeholder.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const BUILD = path.resolve(import.meta.dirname, "../web/build");
const PLACEHOLDER = "'inline-script-hashes'";

const pages = readdirSync(BUILD, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".html"));
const hashes = new Set<string>();
for (const page of pages) {
  const html = readFileSync(path.join(BUILD, page), "utf8");
  for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
    hashes.add(
      `'sha256-${createHash("sha256")
        .update(match[1] ?? "", "utf8")
        .digest("base64")}'`,
    );
  }
}

const headersFile = path.join(BUILD, "_headers");
const headers = readFileSync(headersFile, "utf8");
if (!headers.includes(PLACEHOLDER)) {
  console.error(
    `${headersFile} has no ${PLACEHOLDER} in its script-src: the built pages' inline scripts would be blocked`,
  );
  process.exit(1);
}
writeFileSync(headersFile, headers.replace(PLACEHOLDER, [...hashes].join(" ")));
console.log(`script-src: ${hashes.size} inline script hash(es) from ${pages.length} page(s)`);
