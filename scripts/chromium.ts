// Browser tests use Debian's Chromium, never a downloaded browser. On a machine without it we install it with apt
// when we are root (this project's machines are); otherwise we stop with a one-line instruction.
import { existsSync } from "node:fs";
import { offlineEnv, runStatus } from "./process.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function ensureChromium(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (existsSync(CHROMIUM_PATH)) return { ok: true };
  const instruction = "install Debian's Chromium first: sudo apt-get install -y chromium";
  if (process.getuid?.() !== 0) return { ok: false, reason: instruction };
  console.log("Chromium is missing: installing Debian's chromium package with apt-get");
  const env = offlineEnv({ DEBIAN_FRONTEND: "noninteractive" });
  if ((await runStatus("apt-get", ["update", "-qq"], env)) !== 0) return { ok: false, reason: instruction };
  if ((await runStatus("apt-get", ["install", "-y", "-qq", "chromium"], env)) !== 0)
    return { ok: false, reason: instruction };
  return existsSync(CHROMIUM_PATH) ? { ok: true } : { ok: false, reason: instruction };
}
