// Prints the worker bundle's raw and gzip size, as `wrangler deploy --dry-run` builds it. Goal: ≤ 130 KB gzip.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { offlineEnv, run } from "../scripts/process.ts";

const outdir = path.resolve("dist/bundle");
await run("wrangler", ["deploy", "--dry-run", "--outdir", outdir], offlineEnv());

let raw = 0;
let gzip = 0;
for (const name of readdirSync(outdir)) {
  if (!name.endsWith(".js")) continue;
  const bytes = readFileSync(path.join(outdir, name));
  raw += statSync(path.join(outdir, name)).size;
  gzip += gzipSync(bytes, { level: 9 }).length;
}
const kb = (n: number) => (n / 1024).toFixed(1);
console.log(`worker bundle: ${kb(raw)} KiB raw, ${kb(gzip)} KiB gzip (goal ≤ 130 KB gzip)`);
