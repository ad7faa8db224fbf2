import { asc, eq, inArray } from "drizzle-orm";
import type { AdminUser, AdminUserPage } from "../../shared/api/admin.ts";
import type { User } from "../../shared/api/auth.ts";
import { revokeAllApiTokens } from "../auth/api-tokens.ts";
import { revokeAllSessions } from "../auth/sessions.ts";
import { toUserView } from "../auth/users.ts";
import type { Database } from "../db/client.ts";
import { aiKeys, exchangeKeys, users } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import type { PortfolioControl } from "../keys/portfolio-control.ts";

export async function listUsers(db: Database, page: number, pageSize: number): Promise<AdminUserPage> {
  const [total, rows] = await Promise.all([
    db.$count(users),
    db
      .select()
      .from(users)
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .all(),
  ]);
  const ids = rows.map((row) => row.id);
  // Only metadata columns are selected: the sealed secrets never leave the database here.
  const [exchange, ai] = ids.length
    ? await Promise.all([
        db
          .select({
            id: exchangeKeys.id,
            userId: exchangeKeys.userId,
            venue: exchangeKeys.venue,
            environment: exchangeKeys.environment,
            label: exchangeKeys.label,
            status: exchangeKeys.status,
          })
          .from(exchangeKeys)
          .where(inArray(exchangeKeys.userId, ids))
          .all(),
        db
          .select({ userId: aiKeys.userId, provider: aiKeys.provider, status: aiKeys.status })
          .from(aiKeys)
          .where(inArray(aiKeys.userId, ids))
          .all(),
      ])
    : [[], []];
  const items: AdminUser[] = rows.map((row) => ({
    ...toUserView(row),
    exchangeKeys: exchange.filter((k) => k.userId === row.id).map(({ userId: _, ...key }) => key),
    aiKeys: ai.filter((k) => k.userId === row.id).map(({ userId: _, ...key }) => key),
  }));
  return { items, total, page, pageSize };
}

/**
 * Disabling stops the user's portfolios and signs them out everywhere (sessions and API tokens). Sessions and tokens
 * of a disabled user are also refused at lookup, so a failure half-way cannot leave access open.
 */
export async function setUserEnabled(
  db: Database,
  portfolios: PortfolioControl,
  actingAdminId: string,
  userId: string,
  enabled: boolean,
): Promise<User> {
  if (!enabled && userId === actingAdminId) throw new ApiError("conflict", "You cannot disable your own account.");
  const [row] = await db.update(users).set({ enabled }).where(eq(users.id, userId)).returning();
  if (!row) throw new ApiError("not_found", "No such user.");
  if (!enabled) {
    await portfolios.stopPortfoliosOfUser(userId);
    await revokeAllSessions(db, userId);
    await revokeAllApiTokens(db, userId);
  }
  return toUserView(row);
}
