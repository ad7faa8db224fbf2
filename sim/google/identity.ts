/**
 * A stand-in for Google's OpenID provider: one RS256 key pair generated at start, its JWKS (the shape of
 * https://www.googleapis.com/oauth2/v3/certs) and real signed ID tokens, so the worker verifies them exactly as it
 * verifies Google's.
 */

export const GOOGLE_ISSUER = "https://accounts.google.com";

export type Jwk = { kty: string; alg: string; use: string; kid: string; n: string; e: string };

export type IdTokenInput = {
  email: string;
  aud: string;
  sub?: string;
  expiresInSeconds?: number;
  issuer?: string;
  emailVerified?: boolean;
  /** Seconds since the epoch (default now); lets tests mint tokens issued in the past. */
  issuedAt?: number;
};

export type GoogleIdentity = {
  jwks(): { keys: Jwk[] };
  signIdToken(input: IdTokenInput): Promise<string>;
};

function base64url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64url");
}

/** A stable subject per email, like Google's numeric `sub` (21 digits). */
async function subjectFor(email: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(email)));
  const digits = Array.from(digest.slice(0, 21), (byte) => String(byte % 10)).join("");
  return `1${digits.slice(1)}`;
}

export async function createGoogleIdentity(): Promise<GoogleIdentity> {
  const keyPair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const exported = await crypto.subtle.exportKey("jwk", keyPair.publicKey);
  const kid = Buffer.from(crypto.getRandomValues(new Uint8Array(20))).toString("hex");
  const jwk: Jwk = { kty: "RSA", alg: "RS256", use: "sig", kid, n: exported.n ?? "", e: exported.e ?? "" };

  return {
    jwks: () => ({ keys: [jwk] }),
    async signIdToken(input) {
      const iat = input.issuedAt ?? Math.floor(Date.now() / 1000);
      const header = { alg: "RS256", kid, typ: "JWT" };
      const payload = {
        iss: input.issuer ?? GOOGLE_ISSUER,
        azp: input.aud,
        aud: input.aud,
        sub: input.sub ?? (await subjectFor(input.email)),
        email: input.email,
        email_verified: input.emailVerified ?? true,
        iat,
        exp: iat + (input.expiresInSeconds ?? 3600),
      };
      const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
      const signature = await crypto.subtle.sign(
        "RSASSA-PKCS1-v1_5",
        keyPair.privateKey,
        new TextEncoder().encode(signingInput),
      );
      return `${signingInput}.${base64url(new Uint8Array(signature))}`;
    },
  };
}
