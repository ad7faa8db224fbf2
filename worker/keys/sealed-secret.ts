import { base64UrlDecode, base64UrlEncode } from "../auth/encoding.ts";
import { ApiError } from "../http/api-error.ts";
import type { Keyring } from "./keyring.ts";

/** What a ciphertext is bound to: moving it to another user, kind or record makes decryption fail. */
export type SecretBinding = {
  userId: string;
  kind: "exchange_key" | "ai_key" | "totp_secret" | "notification_channel";
  recordId: string;
};

/** Stored form: `<iv>.<ciphertext+tag>` (base64url) plus the master key version it was sealed with. */
export type SealedSecret = { sealed: string; keyVersion: number };

export class SecretUnreadableError extends Error {
  override readonly name = "SecretUnreadableError";
}

/** AES-256-GCM with a fresh random 96-bit IV per record. */
export async function sealSecret(keyring: Keyring, binding: SecretBinding, plaintext: string): Promise<SealedSecret> {
  const keyVersion = keyring.currentVersion;
  const key = await keyring.dataKey(keyVersion);
  if (!key) throw new SecretUnreadableError(`master key version ${keyVersion} is not configured`);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(binding) },
    key,
    new TextEncoder().encode(plaintext),
  );
  return { sealed: `${base64UrlEncode(iv)}.${base64UrlEncode(new Uint8Array(ciphertext))}`, keyVersion };
}

/** Throws SecretUnreadableError when the record was altered, moved, or sealed with an unknown master version. */
export async function openSecret(keyring: Keyring, binding: SecretBinding, secret: SealedSecret): Promise<string> {
  const key = await keyring.dataKey(secret.keyVersion);
  if (!key) throw new SecretUnreadableError(`master key version ${secret.keyVersion} is not configured`);
  const [iv, ciphertext] = secret.sealed.split(".");
  if (!iv || !ciphertext) throw new SecretUnreadableError("malformed sealed secret");
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64UrlDecode(iv), additionalData: additionalData(binding) },
      key,
      base64UrlDecode(ciphertext),
    );
    return new TextDecoder().decode(plaintext);
  } catch {
    throw new SecretUnreadableError(`${binding.kind} ${binding.recordId} failed authentication`);
  }
}

/** Routes call this: stored secrets need MASTER_KEY, and saying so beats a generic 500. */
export function requireKeyring(keyring: Keyring | null): Keyring {
  if (keyring) return keyring;
  throw new ApiError("internal_error", "Secret storage is not configured on this server (MASTER_KEY is missing).", {
    status: 500,
  });
}

function additionalData(binding: SecretBinding): Uint8Array {
  return new TextEncoder().encode(`ballast/v1|${binding.userId}|${binding.kind}|${binding.recordId}`);
}
