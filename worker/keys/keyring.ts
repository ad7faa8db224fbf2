/**
 * The master secrets (Worker secrets MASTER_KEY and MASTER_KEY_PREVIOUS) behind the stored-secret encryption.
 * Each record stores the version of the master it was sealed with, so the master can be rotated: put the old one in
 * MASTER_KEY_PREVIOUS ("1:old-secret"), the new one in MASTER_KEY with a higher MASTER_KEY_VERSION, then run the
 * rotation (POST /api/admin/secrets/rotate), after which MASTER_KEY_PREVIOUS can be removed.
 */
export type Keyring = {
  readonly currentVersion: number;
  /** Every configured version, current included. */
  readonly versions: readonly number[];
  /** The AES-256-GCM data key of a master version, or null when that version is not configured. */
  dataKey(version: number): Promise<CryptoKey | null>;
};

const HKDF_SALT = new TextEncoder().encode("ballast/stored-secrets");

export function createKeyring(currentVersion: number, currentMaster: string, previous = ""): Keyring {
  // Held only in this closure: the Config object that carries the keyring can be logged without leaking them.
  const masters = new Map<number, string>(parsePrevious(previous));
  masters.set(currentVersion, currentMaster);
  const derived = new Map<number, Promise<CryptoKey>>();
  return {
    currentVersion,
    versions: [...masters.keys()].sort((a, b) => a - b),
    async dataKey(version) {
      const master = masters.get(version);
      if (master === undefined) return null;
      let key = derived.get(version);
      if (!key) {
        key = deriveDataKey(master, version);
        derived.set(version, key);
      }
      return key;
    },
  };
}

function parsePrevious(previous: string): [number, string][] {
  return previous
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(":");
      const version = Number(entry.slice(0, colon));
      if (colon < 1 || !Number.isInteger(version) || version < 1)
        throw new Error("MASTER_KEY_PREVIOUS entries look like <version>:<secret>");
      return [version, entry.slice(colon + 1)];
    });
}

async function deriveDataKey(master: string, version: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(master), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: new TextEncoder().encode(`aes-256-gcm/v${version}`) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}
