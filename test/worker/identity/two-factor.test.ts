import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { base32Encode } from "../../../worker/auth/encoding.ts";
import { hotp, matchTotp, totpAt, totpStep } from "../../../worker/auth/totp.ts";
import { Caller, sessionCookie, signIn, testApp, testClock, uniqueEmail, userId } from "./support.ts";

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

  it("answers 424 when the stored authenticator secret no longer decrypts, and a recovery code still signs in", async () => {
    const { app, clock, email, user, secret, recoveryCodes } = await enableTwoFactor();
    const id = await userId(user);
    const stored = await env.DB.prepare("SELECT totp_secret_sealed AS sealed FROM users WHERE id = ?")
      .bind(id)
      .first<{ sealed: string }>();
    const [iv = "", ciphertext = ""] = (stored?.sealed ?? "").split(".");
    const damaged = `${iv}.${ciphertext[0] === "A" ? "B" : "A"}${ciphertext.slice(1)}`;
    await env.DB.prepare("UPDATE users SET totp_secret_sealed = ? WHERE id = ?").bind(damaged, id).run();
    clock.advance(30_000);
    const refused = await new Caller(app).post("/api/auth/dev", { email, code: await totpAt(secret, clock.now()) });
    expect(refused.status).toBe(424);
    expect(refused.body.error).toMatchObject({
      code: "two_factor_unreadable",
      message: expect.stringContaining("Use a recovery code instead"),
    });
    expect(refused.text).not.toContain(secret);
    expect((await new Caller(app).post("/api/auth/dev", { email, code: recoveryCodes[0] ?? "" })).status).toBe(200);
  });

  it("refuses setup while 2FA is on", async () => {
    const { user } = await enableTwoFactor();
    expect((await user.post("/api/auth/2fa/setup")).status).toBe(409);
  });

  it("is not needed for sensitive actions when 2FA is off", async () => {
    const user = await signIn(testApp());
    expect((await user.post("/api/tokens", { name: "ci", scopes: ["read"] })).status).toBe(200);
  });

  it("turning it on signs out the other sessions and revokes the API tokens, keeping this session", async () => {
    const clock = testClock(new Date("2026-03-01T12:00:00Z"));
    const app = testApp({ now: clock.now });
    const email = uniqueEmail("2fa-revoke");
    const user = await signIn(app, email);
    const otherDevice = await signIn(app, email);
    const created = await user.post("/api/tokens", { name: "bot", scopes: ["read"] });
    const bot = new Caller(app, { bearer: created.body.token as string });
    expect((await bot.get("/api/auth/me")).status).toBe(200);

    const setup = await user.post("/api/auth/2fa/setup");
    const enabled = await user.post("/api/auth/2fa/enable", {
      code: await totpAt(setup.body.secret as string, clock.now()),
    });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ enabled: true, revokedSessions: 1, revokedApiTokens: 1 });
    expect((await otherDevice.get("/api/auth/me")).status).toBe(401);
    expect((await bot.get("/api/auth/me")).status).toBe(401);
    // This session stays, and its code just proved possession: a new token needs no second code for a while.
    expect((await user.get("/api/sessions")).body.sessions).toHaveLength(1);
    expect((await user.post("/api/tokens", { name: "bot 2", scopes: ["read"] })).status).toBe(200);
  });
});

/** A 6-digit code the authenticator shows at none of the steps accepted around `at`. */
async function wrongTotp(secret: string, at: Date): Promise<string> {
  const steps = [-30_000, 0, 30_000].map((offset) => totpAt(secret, new Date(at.getTime() + offset)));
  const valid = new Set(await Promise.all(steps));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, "0");
    if (!valid.has(code)) return code;
  }
}

describe("2FA lockout per account", () => {
  const WRONG_RECOVERY = "aaaa-bbbb-cccc-dddd";

  async function twoFactorUser() {
    const clock = testClock(new Date("2026-03-01T12:00:00Z"));
    const app = testApp({ now: clock.now });
    const email = uniqueEmail("2fa-lock");
    const user = await signIn(app, email);
    const secret = (await user.post("/api/auth/2fa/setup")).body.secret as string;
    const enabled = await user.post("/api/auth/2fa/enable", { code: await totpAt(secret, clock.now()) });
    expect(enabled.status).toBe(200);
    // Sign-in attempts from a new IP each time: the per-IP sign-in limit never sees two.
    const signInFromNewIp = async (code: string) => new Caller(app).post("/api/auth/dev", { email, code });
    const freshCode = async () => {
      clock.advance(30_000);
      return totpAt(secret, clock.now());
    };
    return { clock, user, secret, recoveryCodes: enabled.body.recoveryCodes as string[], signInFromNewIp, freshCode };
  }

  it("locks sign-in codes after 5 wrong ones from rotating IPs; a right code is refused until the lock ends", async () => {
    const { clock, user, secret, recoveryCodes, signInFromNewIp, freshCode } = await twoFactorUser();
    const wrongCode = await wrongTotp(secret, clock.now());
    for (const code of [wrongCode, WRONG_RECOVERY, wrongCode, WRONG_RECOVERY]) {
      const wrong = await signInFromNewIp(code);
      expect(wrong.status).toBe(401);
      expect((wrong.body.error as { code: string }).code).toBe("unauthorized");
    }
    const fifth = await signInFromNewIp(WRONG_RECOVERY);
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get("retry-after")).toBe("900");
    expect(fifth.body.error).toMatchObject({
      code: "two_factor_locked",
      message: expect.stringMatching(/^Too many wrong two-factor codes for this account: .*15 min/),
      details: { retryAfterSeconds: 900 },
    });

    // The right code, and an unused recovery code, are refused while it lasts (and the recovery code is not spent).
    const right = await signInFromNewIp(await freshCode());
    expect(right.status).toBe(429);
    expect(right.headers.get("retry-after")).toBe("870");
    expect((right.body.error as { code: string }).code).toBe("two_factor_locked");
    expect((await signInFromNewIp(recoveryCodes[0] ?? "")).status).toBe(429);
    expect((await user.get("/api/auth/2fa")).body).toMatchObject({ recoveryCodesLeft: 10 });

    clock.advance(15 * 60_000);
    const after = await signInFromNewIp(await freshCode());
    expect(after.status).toBe(200);
  });

  it("counts wrong codes across sign-in, verify and disable, and lengthens each lockout in a row", async () => {
    const { clock, user, secret, signInFromNewIp, freshCode } = await twoFactorUser();
    expect((await signInFromNewIp(WRONG_RECOVERY)).status).toBe(401);
    expect((await signInFromNewIp(WRONG_RECOVERY)).status).toBe(401);
    expect((await user.post("/api/auth/2fa/verify", { code: WRONG_RECOVERY })).status).toBe(401);
    expect((await user.post("/api/auth/2fa/verify", { code: await wrongTotp(secret, clock.now()) })).status).toBe(401);
    const locked = await user.post("/api/auth/2fa/disable", { code: WRONG_RECOVERY });
    expect(locked.status).toBe(429);
    expect((locked.body.error as { code: string }).code).toBe("two_factor_locked");
    expect((await user.post("/api/auth/2fa/verify", { code: await freshCode() })).status).toBe(429);
    expect((await user.post("/api/auth/2fa/disable", { code: await freshCode() })).status).toBe(429);

    // The second lockout in a row lasts twice as long.
    clock.advance(15 * 60_000);
    for (let i = 0; i < 4; i++) expect((await signInFromNewIp(WRONG_RECOVERY)).status).toBe(401);
    const again = await signInFromNewIp(WRONG_RECOVERY);
    expect(again.status).toBe(429);
    expect(again.headers.get("retry-after")).toBe("1800");

    // A right code once it ends clears the count: the next wrong one is just wrong.
    clock.advance(30 * 60_000);
    expect((await user.post("/api/auth/2fa/verify", { code: await freshCode() })).status).toBe(200);
    expect((await signInFromNewIp(WRONG_RECOVERY)).status).toBe(401);
  });
});
