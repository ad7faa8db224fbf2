import * as z from "./zod.ts";

export const Role = z.enum(["user", "admin"]).openapi("Role");
export type Role = z.infer<typeof Role>;

export const User = z
  .object({
    id: z.string(),
    email: z.email(),
    role: Role,
    enabled: z.boolean(),
    twoFactorEnabled: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .openapi("User");
export type User = z.infer<typeof User>;

const TwoFactorCode = z
  .string()
  .trim()
  .min(6)
  .max(24)
  .openapi({ description: "A 6-digit authenticator code or a one-time recovery code", example: "123456" });

export const GoogleSignIn = z
  .object({
    idToken: z.string().min(20).max(8192).openapi({ description: "The Google ID token (JWT) from Google Identity" }),
    code: TwoFactorCode.optional().openapi({ description: "Required when the account has 2FA enabled" }),
  })
  .openapi("GoogleSignIn");

export const DevSignIn = z
  .object({
    email: z.email().max(254),
    code: TwoFactorCode.optional(),
  })
  .openapi("DevSignIn");

export const SignInOptions = z
  .object({
    googleClientId: z
      .string()
      .nullable()
      .openapi({ description: "For Google Identity Services; null when not set up" }),
    devLogin: z.boolean().openapi({ description: "Whether POST /api/auth/dev exists (local development only)" }),
  })
  .openapi("SignInOptions");

export const SignedIn = z.object({ user: User }).openapi("SignedIn");

export const Me = z
  .object({
    user: User,
    authenticatedBy: z.enum(["session", "token"]),
    scopes: z.array(z.enum(["read", "trade"])),
  })
  .openapi("Me");

export const SignedOut = z.object({ signedOut: z.literal(true) }).openapi("SignedOut");

export const Session = z
  .object({
    id: z.string(),
    createdAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    userAgent: z.string().nullable(),
    current: z.boolean(),
  })
  .openapi("Session");
export type Session = z.infer<typeof Session>;

export const SessionList = z.object({ sessions: z.array(Session) }).openapi("SessionList");

export const Revoked = z.object({ revoked: z.literal(true) }).openapi("Revoked");

export const ResourceId = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const TokenScope = z.enum(["read", "trade"]).openapi("TokenScope");
export type TokenScope = z.infer<typeof TokenScope>;

export const ApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(TokenScope),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
  })
  .openapi("ApiToken");
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiTokenList = z.object({ tokens: z.array(ApiToken) }).openapi("ApiTokenList");

export const CreateApiToken = z
  .object({
    name: z.string().trim().min(1).max(64),
    scopes: z.array(TokenScope).min(1).max(2),
    expiresInDays: z.number().int().min(1).max(3650).optional().openapi({ description: "Omit for no expiry" }),
  })
  .openapi("CreateApiToken");

export const CreatedApiToken = z
  .object({
    apiToken: ApiToken,
    token: z.string().openapi({ description: "Shown only in this response; store it now" }),
  })
  .openapi("CreatedApiToken");

export const TwoFactorStatus = z
  .object({ enabled: z.boolean(), recoveryCodesLeft: z.number().int() })
  .openapi("TwoFactorStatus");

export const TwoFactorSetup = z
  .object({
    secret: z.string().openapi({ description: "Base32 secret, for manual entry" }),
    otpauthUri: z.string().openapi({ description: "otpauth:// URI; render it as a QR code for authenticator apps" }),
  })
  .openapi("TwoFactorSetup");

export const TwoFactorCodeBody = z.object({ code: TwoFactorCode }).openapi("TwoFactorCode");

export const TwoFactorEnabled = z
  .object({
    enabled: z.literal(true),
    recoveryCodes: z.array(z.string()).openapi({ description: "One-time codes, shown only in this response" }),
    revokedSessions: z
      .number()
      .int()
      .openapi({ description: "Your other sessions, signed out because they began without the second factor" }),
    revokedApiTokens: z
      .number()
      .int()
      .openapi({ description: "Your API tokens, revoked for the same reason: create new ones if you need them" }),
  })
  .openapi("TwoFactorEnabled");

export const TwoFactorDisabled = z.object({ enabled: z.literal(false) }).openapi("TwoFactorDisabled");

export const TwoFactorVerified = z
  .object({ verifiedUntil: z.iso.datetime().openapi({ description: "Sensitive actions are allowed until then" }) })
  .openapi("TwoFactorVerified");
