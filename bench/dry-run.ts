// `wrangler deploy --dry-run`: the Worker's bundle exactly as a deploy would upload it (wrangler.toml's minify and
// [alias]), for the benches that measure or run that bundle.
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { offlineEnv } from "../scripts/process.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * Bundles into `outdir` (with `--metafile` when asked); resolves with wrangler's output, shown only on failure.
 * Static assets are not part of the bundle, so an empty folder stands in for web/build: the benches run without
 * building the web app first.
 */
export function dryRun(outdir: string, { metafile = false } = {}): Promise<string> {
  const assets = path.join(outdir, "no-assets");
  mkdirSync(assets, { recursive: true });
  const args = ["deploy", "--dry-run", "--outdir", outdir, "--assets", assets, ...(metafile ? ["--metafile"] : [])];
  return new Promise((resolve, reject) => {
    execFile("wrangler", args, { cwd: ROOT, env: offlineEnv() }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrangler deploy --dry-run failed:\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}
