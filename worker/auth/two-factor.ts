import { and, eq, isNull, lt, ne, or } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { apiTokens, recoveryCodes, sessions, users } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import { fieldIssue } from "../http/field-issue.ts";
import type { Keyring } from "../keys/keyring.ts";
import { openSecret, type SecretBinding, SecretUnreadableError, sealSecret } from "../keys/sealed-secret.ts";
import { totpSecretUnreadable } from "../keys/unreadable-key.ts";
import { base32Encode, sha256Hex } from "./encoding.ts";
import { ELEVATION_MS } from "./sessions.ts";
import { matchTotp, newTotpSecret, otpauthUri } from "./totp.ts";
import { type TwoFactorAttempts, twoFactorLocked } from "./two-factor-lockout.ts";
import type { UserRow } from "./users.ts";

const RECOVERY_CODE_COUNT = 10;

const binding = (userId: string): SecretBinding => ({ userId, kind: "totp_secret", recordId: userId });

/** Stores a new pending secret (replacing any earlier pending one) and returns what the authenticator app needs. */
export async function beginTwoFactorSetup(
  db: Database,
  keyring: Keyring,
  user: UserRow,
): Promise<{ secret: string; otpauthUri: string }> {
  if (user.totpEnabled) throw new ApiError("conflict", "Two-factor authentication is already on; disable it first.");
  const secret = newTotpSecret();
  const sealed = await sealSecret(keyring, binding(user.id), secret);
  await db
    .update(users)
    .set({ totpSecretSealed: sealed.sealed, totpKeyVersion: sealed.keyVersion, totpLastStep: null })
    .where(eq(users.id, user.id));
  return { secret, otpauthUri: otpauthUri(secret, user.email) };
}

const CODE_NOT_VALID = "That code is not valid. Check the time on your device and try again.";

/**
 * Turns 2FA on after a valid code for the pending secret; answers the one-time recovery codes. Whoever else was
 * signed in, or holds an API token, got in without the second factor: those sessions and tokens are revoked in the
 * same batch, and the session that turned it on stays, elevated (its code just proved possession).
 */
export async function enableTwoFactor(
  db: Database,
  keyring: Keyring,
  user: UserRow,
  code: string,
  context: { sessionId: string; now: Date },
) {
  if (user.totpEnabled) throw new ApiError("conflict", "Two-factor authentication is already on.");
  if (!user.totpSecretSealed) throw new ApiError("conflict", "Start the setup first (POST /api/auth/2fa/setup).");
  if (!(await acceptTotp(db, keyring, user, code, context.now)))
    throw fieldIssue("json.code", "code_not_valid", CODE_NOT_VALID, { summary: CODE_NOT_VALID });
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((c) => sha256Hex(normalizeRecoveryCode(c))));
  const elevatedUntil = new Date(context.now.getTime() + ELEVATION_MS);
  const [, , , revokedSessions, revokedTokens] = await db.batch([
    db.update(users).set({ totpEnabled: true }).where(eq(users.id, user.id)),
    db.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id)),
    db.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId: user.id, codeHash, usedAt: null }))),
    db
      .delete(sessions)
      .where(and(eq(sessions.userId, user.id), ne(sessions.id, context.sessionId)))
      .returning({ id: sessions.id }),
    db.delete(apiTokens).where(eq(apiTokens.userId, user.id)).returning({ id: apiTokens.id }),
    db.update(sessions).set({ elevatedUntil }).where(eq(sessions.id, context.sessionId)),
  ]);
  return { recoveryCodes: codes, revokedSessions: revokedSessions.length, revokedApiTokens: revokedTokens.length };
}

export async function disableTwoFactor(
  db: Database,
  keyring: Keyring,
  attempts: TwoFactorAttempts,
  user: UserRow,
  code: string,
  now: Date,
) {
  if (!user.totpEnabled) throw new ApiError("conflict", "Two-factor authentication is not on.");
  await requireTwoFactorCode(db, keyring, attempts, user, code, now);
  await db.batch([
    db
      .update(users)
      .set({ totpEnabled: false, totpSecretSealed: null, totpKeyVersion: null, totpLastStep: null })
      .where(eq(users.id, user.id)),
    db.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id)),
  ]);
}

export async function twoFactorStatus(db: Database, user: UserRow) {
  const left = await db.$count(recoveryCodes, and(eq(recoveryCodes.userId, user.id), isNull(recoveryCodes.usedAt)));
  return { enabled: user.totpEnabled, recoveryCodesLeft: user.totpEnabled ? left : 0 };
}

/**
 * Accepts a current authenticator code or an unused recovery code, each at most once; throws otherwise. Every try
 * counts against the account's lockout before the code is looked at, so a locked account refuses even a right one.
 */
export async function requireTwoFactorCode(
  db: Database,
  keyring: Keyring,
  attempts: TwoFactorAttempts,
  user: UserRow,
  code: string,
  now: Date,
): Promise<void> {
  const { lockedUntil } = await attempts.begin(user.id, now);
  const accepted = /^\d{6}$/.test(code)
    ? await acceptTotp(db, keyring, user, code, now)
    : await consumeRecoveryCode(db, user.id, code, now);
  if (accepted) return attempts.succeeded(user.id);
  if (lockedUntil !== null) throw twoFactorLocked(lockedUntil, now);
  throw new ApiError("unauthorized", "The two-factor code is not valid or was already used.");
}

async function acceptTotp(db: Database, keyring: Keyring, user: UserRow, code: string, now: Date): Promise<boolean> {
  if (!user.totpSecretSealed || user.totpKeyVersion === null) return false;
  const sealed = { sealed: user.totpSecretSealed, keyVersion: user.totpKeyVersion };
  const secret = await openSecret(keyring, binding(user.id), sealed).catch((error: unknown) => {
    if (error instanceof SecretUnreadableError) throw totpSecretUnreadable();
    throw error;
  });
  const step = await matchTotp(secret, code, now, user.totpLastStep);
  if (step === null) return false;
  // Conditional update: of two concurrent requests with the same code, only one moves the step forward.
  const moved = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return moved.length === 1;
}

async function consumeRecoveryCode(db: Database, userId: string, code: string, now: Date): Promise<boolean> {
  const used = await db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, await sha256Hex(normalizeRecoveryCode(code))),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ userId: recoveryCodes.userId });
  return used.length === 1;
}

/** 16 base32 characters (80 bits) in groups of four: xxxx-xxxx-xxxx-xxxx. */
function newRecoveryCode(): string {
  const text = base32Encode(crypto.getRandomValues(new Uint8Array(10))).toLowerCase();
  return text.match(/.{4}/g)?.join("-") ?? text;
}

function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z2-7]/g, "");
}
