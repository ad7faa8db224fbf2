import type { MiddlewareHandler } from "hono";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/context.ts";
import { RATE_PRESETS, type RatePreset } from "./presets.ts";

/**
 * Route middleware (createRoute `middleware`): counts the request against a named preset and answers 429 with
 * Retry-After, in the error envelope, once the subject is over it. Runs after `authenticate`.
 */
export function rateLimit(preset: RatePreset): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = preset === "login" ? null : c.var.principal?.user.id;
    const subject = user ? `user:${user}` : `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
    const remaining = await enforceRateLimit(c.env.RATE_LIMITER, preset, subject, c.var.identity.now());
    c.header("RateLimit-Remaining", String(remaining));
    await next();
  };
}

/**
 * Counts one request of `subject` (a user, an IP, a portfolio) against a named preset, for limits a service applies
 * once it knows what the request is; throws the 429 `rate_limited` error with Retry-After when over, else answers how
 * many requests are left.
 */
export async function enforceRateLimit(
  limiters: Env["RATE_LIMITER"],
  preset: RatePreset,
  subject: string,
  now: Date,
): Promise<number> {
  const rule = RATE_PRESETS[preset];
  const decision = await limiters.getByName(`${preset}:${subject}`).consume(rule, now.getTime());
  if (decision.allowed) return decision.remaining;
  const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  throw new ApiError(
    "rate_limited",
    `Too many requests (${preset}: ${rule.limit} per ${rule.periodMs / 1000} s). Try again in ${retryAfterSeconds} s.`,
    {
      details: { preset, limit: rule.limit, retryAfterSeconds },
      headers: { "Retry-After": String(retryAfterSeconds) },
    },
  );
}
