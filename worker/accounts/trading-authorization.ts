import { eq } from "drizzle-orm";
import type { Context } from "hono";
import type { TradingSettings } from "../../shared/api/accounts.ts";
import type { Principal } from "../auth/context.ts";
import { requireScope } from "../auth/guards.ts";
import type { Database } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/context.ts";

/**
 * Order-creating and futures-setting actions: the `trade` scope for API tokens and, when the user turned on
 * "2FA for trading" (and has 2FA), a code confirmed in the last minutes. API tokens cannot confirm a code, so with
 * that setting on they cannot trade at all.
 */
export async function requireTrading(c: Context<AppEnv>, db: Database): Promise<Principal> {
  const principal = requireScope(c, "trade");
  if (!principal.user.twoFactorEnabled) return principal;
  const settings = await tradingSettings(db, principal.user.id);
  if (!settings.twoFactorForTrading) return principal;
  if (principal.kind === "token")
    throw new ApiError(
      "two_factor_required",
      "2FA for trading is on: trade from a browser session after confirming your code, or turn the setting off.",
      { status: 403 },
    );
  if ((principal.elevatedUntil?.getTime() ?? 0) > c.var.identity.now().getTime()) return principal;
  throw new ApiError(
    "two_factor_required",
    "Confirm this trade with your authenticator code first (POST /api/auth/2fa/verify).",
    { status: 403 },
  );
}

export async function tradingSettings(db: Database, userId: string): Promise<TradingSettings> {
  const row = await db
    .select({ twoFactorForTrading: users.twoFactorForTrading })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  return { twoFactorForTrading: row?.twoFactorForTrading ?? false };
}

/** Turning 2FA-for-trading on needs 2FA itself; turning it off is allowed any time (the route asks for a code). */
export async function saveTradingSettings(
  db: Database,
  principal: Principal,
  settings: TradingSettings,
): Promise<TradingSettings> {
  if (settings.twoFactorForTrading && !principal.user.twoFactorEnabled)
    throw new ApiError("conflict", "Turn on two-factor authentication first, then require it for trading.");
  await db
    .update(users)
    .set({ twoFactorForTrading: settings.twoFactorForTrading })
    .where(eq(users.id, principal.user.id));
  return settings;
}
