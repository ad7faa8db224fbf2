import { ApiError } from "../http/api-error.ts";
import { base64UrlDecode } from "./encoding.ts";

export type Jwk = JsonWebKey & { kid?: string };
export type Jwks = { keys: Jwk[] };

export type GoogleIdentity = { sub: string; email: string };

const ISSUERS = new Set(["accounts.google.com", "https://accounts.google.com"]);
/** Tolerated clock difference between Google and us. */
const SKEW_SECONDS = 60;

type VerifyOptions = {
  clientId: string;
  now: Date;
  /** `refresh: true` is asked once when the token's `kid` is unknown (Google rotated its keys). */
  fetchJwks: (refresh: boolean) => Promise<Jwks>;
};

/** Verifies a Google ID token: RS256 signature against Google's JWKS, issuer, audience, expiry, verified email. */
export async function verifyGoogleIdToken(idToken: string, options: VerifyOptions): Promise<GoogleIdentity> {
  if (!options.clientId)
    throw new ApiError("unauthorized", "Google sign-in is not configured on this server (GOOGLE_CLIENT_ID).");
  const [headerPart, payloadPart, signaturePart] = idToken.split(".");
  if (!headerPart || !payloadPart || !signaturePart) throw invalid("it is not a JWT");
  const header = decodeJson(headerPart);
  if (header.alg !== "RS256" || typeof header.kid !== "string") throw invalid("it is not signed with RS256");

  const jwk = await findKey(header.kid, options.fetchJwks);
  const key = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
    "verify",
  ]);
  const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
  const valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, base64UrlDecode(signaturePart), signed);
  if (!valid) throw invalid("the signature does not match Google's keys");

  const claims = decodeJson(payloadPart);
  const nowSeconds = options.now.getTime() / 1000;
  if (typeof claims.iss !== "string" || !ISSUERS.has(claims.iss)) throw invalid("it was not issued by Google");
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(options.clientId)) throw invalid("it was issued for another application");
  if (typeof claims.exp !== "number" || claims.exp + SKEW_SECONDS < nowSeconds) throw invalid("it has expired");
  if (typeof claims.iat === "number" && claims.iat - SKEW_SECONDS > nowSeconds) throw invalid("it is not valid yet");
  if (typeof claims.sub !== "string" || typeof claims.email !== "string") throw invalid("it carries no account");
  if (claims.email_verified !== true && claims.email_verified !== "true")
    throw invalid("its email address is not verified by Google");
  return { sub: claims.sub, email: claims.email.toLowerCase() };
}

async function findKey(kid: string, fetchJwks: VerifyOptions["fetchJwks"]): Promise<Jwk> {
  const cached = (await fetchJwks(false)).keys.find((key) => key.kid === kid);
  if (cached) return cached;
  const fresh = (await fetchJwks(true)).keys.find((key) => key.kid === kid);
  if (fresh) return fresh;
  throw invalid("it was signed by an unknown key");
}

function decodeJson(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64UrlDecode(part)));
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the uniform error below
  }
  throw invalid("it is malformed");
}

function invalid(reason: string): ApiError {
  return new ApiError("unauthorized", `The Google sign-in token was refused: ${reason}.`);
}
