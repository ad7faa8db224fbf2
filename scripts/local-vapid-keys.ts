// The local Web Push (VAPID) key pair for `npm start`: made once per state directory and kept there, so browsers that
// subscribed keep receiving pushes after a restart. Local only; a deployment sets its own pair as Worker settings.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export type VapidPair = { publicKey: string; privateKey: string };

export async function localVapidKeys(stateDir: string): Promise<VapidPair> {
  const file = path.join(stateDir, "vapid-keys.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as VapidPair;
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const publicKey = Buffer.from(await crypto.subtle.exportKey("raw", pair.publicKey)).toString("base64url");
  const { d } = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const keys = { publicKey, privateKey: d ?? "" };
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}
