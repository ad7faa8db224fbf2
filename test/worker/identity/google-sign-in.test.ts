import { describe, expect, it } from "vitest";
import { base64UrlEncode } from "../../../worker/auth/encoding.ts";
import { type Jwk, type Jwks, verifyGoogleIdToken } from "../../../worker/auth/google-id-token.ts";
import { Caller, sessionCookie, testApp, uniqueEmail } from "./support.ts";

const CLIENT_ID = "ballast-test.apps.googleusercontent.com";

/** A local stand-in for Google: an RSA key pair, its JWKS, and ID tokens signed with it. */
async function localGoogle(kid = "test-key-1") {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const publicJwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as Jwk;
  const jwks: Jwks = { keys: [{ ...publicJwk, kid, alg: "RS256", use: "sig" }] };
  const encode = (value: unknown) => base64UrlEncode(new TextEncoder().encode(JSON.stringify(value)));
  const mint = async (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const body = {
      iss: "https://accounts.google.com",
      aud: CLIENT_ID,
      sub: `google-${crypto.randomUUID()}`,
      email: uniqueEmail("google"),
      email_verified: true,
      iat: now,
      exp: now + 3600,
      ...claims,
    };
    const signingInput = `${encode({ alg: "RS256", typ: "JWT", kid, ...header })}.${encode(body)}`;
    const signature = await crypto.subtle.sign(
      "RSASSA-PKCS1-v1_5",
      pair.privateKey,
      new TextEncoder().encode(signingInput),
    );
    return `${signingInput}.${base64UrlEncode(new Uint8Array(signature))}`;
  };
  return { jwks, mint };
}

describe("Google ID token verification", () => {
  it("accepts a valid token and reports the account", async () => {
    const google = await localGoogle();
    const token = await google.mint({ sub: "sub-1", email: "Someone@Example.com" });
    const identity = await verifyGoogleIdToken(token, {
      clientId: CLIENT_ID,
      now: new Date(),
      fetchJwks: async () => google.jwks,
    });
    expect(identity).toEqual({ sub: "sub-1", email: "someone@example.com" });
  });

  it.each([
    ["another audience", { aud: "someone-else.apps.googleusercontent.com" }, /another application/],
    ["another issuer", { iss: "https://evil.example" }, /not issued by Google/],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 3600 }, /expired/],
    ["an unverified email", { email_verified: false }, /not verified/],
  ])("refuses %s", async (_name, claims, message) => {
    const google = await localGoogle();
    const options = { clientId: CLIENT_ID, now: new Date(), fetchJwks: async () => google.jwks };
    await expect(verifyGoogleIdToken(await google.mint(claims), options)).rejects.toThrow(message);
  });

  it("refuses a token signed by another key, and one that is not RS256", async () => {
    const google = await localGoogle();
    const impostor = await localGoogle();
    const options = { clientId: CLIENT_ID, now: new Date(), fetchJwks: async () => google.jwks };
    await expect(verifyGoogleIdToken(await impostor.mint(), options)).rejects.toThrow(/signature/);
    await expect(verifyGoogleIdToken(await google.mint({}, { alg: "HS256" }), options)).rejects.toThrow(/RS256/);
  });

  it("refreshes the JWKS once when the key id is unknown (Google rotated its keys)", async () => {
    const google = await localGoogle("new-key");
    const refreshes: boolean[] = [];
    const identity = await verifyGoogleIdToken(await google.mint({ sub: "sub-2" }), {
      clientId: CLIENT_ID,
      now: new Date(),
      fetchJwks: async (refresh) => {
        refreshes.push(refresh);
        return refresh ? google.jwks : { keys: [] };
      },
    });
    expect(identity.sub).toBe("sub-2");
    expect(refreshes).toEqual([false, true]);
  });
});

describe("POST /api/auth/google", () => {
  it("creates the user on first sign-in, sets a secure session cookie, and finds them again next time", async () => {
    const google = await localGoogle();
    const urls: string[] = [];
    const app = testApp({
      googleJwks: async (url) => {
        urls.push(url);
        return google.jwks;
      },
    });
    const email = uniqueEmail("google");
    const sub = `google-${crypto.randomUUID()}`;
    const first = await new Caller(app).post("/api/auth/google", { idToken: await google.mint({ sub, email }) });
    expect(first.status).toBe(200);
    expect(first.body.user).toMatchObject({ email, role: "user", enabled: true, twoFactorEnabled: false });
    const cookie = first.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(urls[0]).toBe("https://www.googleapis.com/oauth2/v3/certs");

    const me = await new Caller(app, { cookie: sessionCookie(first) }).get("/api/auth/me");
    expect(me.body.user).toMatchObject({ email });
    const again = await new Caller(app).post("/api/auth/google", { idToken: await google.mint({ sub, email }) });
    expect((again.body.user as { id: string }).id).toBe((first.body.user as { id: string }).id);
  });

  it("makes ADMIN_EMAILS admins and refuses a bad token with 401 in the envelope", async () => {
    const google = await localGoogle();
    const app = testApp({ googleJwks: async () => google.jwks });
    const admin = await new Caller(app).post("/api/auth/google", {
      idToken: await google.mint({ email: "admin@ballast.test" }),
    });
    expect(admin.body.user).toMatchObject({ role: "admin" });
    const bad = await new Caller(app).post("/api/auth/google", { idToken: `${await google.mint()}x` });
    expect(bad.status).toBe(401);
    expect((bad.body.error as { code: string }).code).toBe("unauthorized");
  });

  it("grants admin only through ADMIN_EMAILS: none without it, and a listed account on its next sign-in", async () => {
    const google = await localGoogle();
    const email = uniqueEmail("owner");
    const unlisted = testApp({ googleJwks: async () => google.jwks }, { ADMIN_EMAILS: "" });
    const first = await new Caller(unlisted).post("/api/auth/google", { idToken: await google.mint({ email }) });
    expect(first.body.user).toMatchObject({ email, role: "user" });
    const listed = testApp({ googleJwks: async () => google.jwks }, { ADMIN_EMAILS: `other@ballast.test, ${email}` });
    const again = await new Caller(listed).post("/api/auth/google", { idToken: await google.mint({ email }) });
    expect(again.body.user).toMatchObject({ email, role: "admin" });
  });
});
