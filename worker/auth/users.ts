import { eq } from "drizzle-orm";
import type { User } from "../../shared/api/auth.ts";
import type { Database } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";

export type UserRow = typeof users.$inferSelect;

type SignInIdentity = { email: string; googleSub?: string };

/** Finds or creates the account for a verified identity. First sign-in creates it; disabled accounts are refused. */
export async function resolveSignInUser(
  db: Database,
  identity: SignInIdentity,
  options: { adminEmails: string[]; now: Date },
): Promise<UserRow> {
  const email = identity.email.toLowerCase();
  const existing = await findSignInUser(db, email, identity.googleSub);
  const user = existing ?? (await createUser(db, email, identity.googleSub, options));
  if (!user.enabled) throw new ApiError("forbidden", "This account is disabled. Contact an administrator.");
  return promoteOrLink(db, user, identity.googleSub, options.adminEmails);
}

export async function findUser(db: Database, id: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export function toUserView(user: UserRow): User {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    enabled: user.enabled,
    twoFactorEnabled: user.totpEnabled,
    createdAt: user.createdAt.toISOString(),
  };
}

async function findSignInUser(db: Database, email: string, googleSub?: string): Promise<UserRow | undefined> {
  if (googleSub) {
    const bySub = await db.select().from(users).where(eq(users.googleSub, googleSub)).get();
    if (bySub) return bySub;
  }
  return db.select().from(users).where(eq(users.email, email)).get();
}

async function createUser(
  db: Database,
  email: string,
  googleSub: string | undefined,
  options: { adminEmails: string[]; now: Date },
): Promise<UserRow> {
  // Admins come only from ADMIN_EMAILS, never from being first: on a fresh deploy with Google sign-in open to anyone,
  // "first" is whoever signs in before the owner does.
  const role = options.adminEmails.includes(email) ? "admin" : "user";
  await db
    .insert(users)
    .values({
      id: crypto.randomUUID(),
      email,
      googleSub: googleSub ?? null,
      role,
      enabled: true,
      createdAt: options.now,
    })
    .onConflictDoNothing({ target: users.email });
  const created = await db.select().from(users).where(eq(users.email, email)).get();
  if (!created) throw new Error("user insert did not persist");
  return created;
}

async function promoteOrLink(
  db: Database,
  user: UserRow,
  googleSub: string | undefined,
  adminEmails: string[],
): Promise<UserRow> {
  const promote = user.role !== "admin" && adminEmails.includes(user.email);
  const link = googleSub !== undefined && user.googleSub === null;
  if (!promote && !link) return user;
  const [updated] = await db
    .update(users)
    .set({ ...(promote ? { role: "admin" as const } : {}), ...(link ? { googleSub } : {}) })
    .where(eq(users.id, user.id))
    .returning();
  return updated ?? user;
}
