import { describe, expect, it } from "vitest";
import { base32Encode } from "../../../worker/auth/encoding.ts";
import { hotp, matchTotp, totpAt, totpStep } from "../../../worker/auth/totp.ts";
import { Caller, sessionCookie, signIn, testApp, testClock, uniqueEmail } from "./support.ts";

// RFC 6238 Appendix B uses the ASCII secret "12345678901234567890"; its 8-digit values end in these 6 digits.
const RFC_SECRET = base32Encode(new TextEncoder().encode("12345678901234567890"));

describe("TOTP (RFC 6238, fixed clocks)", () => {
  it("matches the RFC 6238 SHA-1 test vectors", async () => {
    expect(await totpAt(RFC_SECRET, new Date(59_000))).toBe("287082");
    expect(await totpAt(RFC_SECRET, new Date(1_111_111_109_000))).toBe("081804");
    expect(await totpAt(RFC_SECRET, new Date(1_234_567_890_000))).toBe("005924");
    expect(await totpAt(RFC_SECRET, new Date(2_000_000_000_000))).toBe("279037");
  });

  it("accepts ±1 step, not ±2, and never a step at or before the last used one", async () => {
    const at = new Date(1_234_567_890_000);
    const step = totpStep(at);
    for (const offset of [-1, 0, 1])
      expect(await matchTotp(RFC_SECRET, await hotp(RFC_SECRET, step + offset), at, null)).toBe(step + offset);
    for (const offset of [-2, 2])
      expect(await matchTotp(RFC_SECRET, await hotp(RFC_SECRET, step + offset), at, null)).toBeNull();
    expect(await matchTotp(RFC_SECRET, await hotp(RFC_SECRET, step), at, step)).toBeNull();
    expect(await matchTotp(RFC_SECRET, "12345", at, null)).toBeNull();
  });
});

describe("2FA through the API", () => {
  async function enableTwoFactor() {
    const clock = testClock(new Date("2026-03-01T12:00:00Z"));
    const app = testApp({ now: clock.now });
    const email = uniqueEmail("2fa");
    const user = await signIn(app, email);
    const setup = await user.post("/api/auth/2fa/setup");
    expect(setup.status).toBe(200);
    const secret = setup.body.secret as string;
    expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Ballast:.*secret=.*issuer=Ballast/);
    const wrong = await user.post("/api/auth/2fa/enable", { code: "000000" });
    expect(wrong.status).toBe(400);
    const enabled = await user.post("/api/auth/2fa/enable", { code: await totpAt(secret, clock.now()) });
    expect(enabled.status).toBe(200);
    const recoveryCodes = enabled.body.recoveryCodes as string[];
    expect(recoveryCodes).toHaveLength(10);
    return { app, clock, email, user, secret, recoveryCodes };
  }

  it("is required at sign-in once enabled, and a code cannot be used twice", async () => {
    const { app, clock, email, secret } = await enableTwoFactor();
    const anonymous = new Caller(app);
    const without = await anonymous.post("/api/auth/dev", { email });
    expect(without.status).toBe(401);
    expect((without.body.error as { code: string }).code).toBe("two_factor_required");

    clock.advance(30_000);
    const code = await totpAt(secret, clock.now());
    const signedIn = await anonymous.post("/api/auth/dev", { email, code });
    expect(signedIn.status).toBe(200);
    expect(sessionCookie(signedIn)).toBeTruthy();
    const replay = await new Caller(app).post("/api/auth/dev", { email, code });
    expect(replay.status).toBe(401);
  });

  it("guards sensitive actions until a fresh code is given, and lets a recovery code in exactly once", async () => {
    const { app, clock, email, user, secret, recoveryCodes } = await enableTwoFactor();
    // Enabling just proved possession, so this session may act for a few minutes; later it must confirm again.
    clock.advance(11 * 60_000);
    const blocked = await user.post("/api/tokens", { name: "ci", scopes: ["read"] });
    expect(blocked.status).toBe(403);
    expect((blocked.body.error as { code: string }).code).toBe("two_factor_required");

    const verified = await user.post("/api/auth/2fa/verify", { code: await totpAt(secret, clock.now()) });
    expect(verified.status).toBe(200);
    expect((await user.post("/api/tokens", { name: "ci", scopes: ["read"] })).status).toBe(200);

    const recovery = recoveryCodes[0] ?? "";
    expect((await new Caller(app).post("/api/auth/dev", { email, code: recovery })).status).toBe(200);
    expect((await new Caller(app).post("/api/auth/dev", { email, code: recovery })).status).toBe(401);
    const status = await user.get("/api/auth/2fa");
    expect(status.body).toEqual({ enabled: true, recoveryCodesLeft: 9 });
  });

  it("is disabled only with a valid code", async () => {
    const { clock, user, secret } = await enableTwoFactor();
    expect((await user.post("/api/auth/2fa/disable", { code: "123456" })).status).toBe(401);
    clock.advance(30_000);
    const disabled = await user.post("/api/auth/2fa/disable", { code: await totpAt(secret, clock.now()) });
    expect(disabled.status).toBe(200);
    expect((await user.get("/api/auth/2fa")).body).toEqual({ enabled: false, recoveryCodesLeft: 0 });
  });

  it("refuses setup while 2FA is on", async () => {
    const { user } = await enableTwoFactor();
    expect((await user.post("/api/auth/2fa/setup")).status).toBe(409);
  });

  it("is not needed for sensitive actions when 2FA is off", async () => {
    const user = await signIn(testApp());
    expect((await user.post("/api/tokens", { name: "ci", scopes: ["read"] })).status).toBe(200);
  });
});
