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
    const rule = RATE_PRESETS[preset];
    const user = preset === "login" ? null : c.var.principal?.user.id;
    const subject = user ? `user:${user}` : `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
    const limiter = c.env.RATE_LIMITER.getByName(`${preset}:${subject}`);
    const decision = await limiter.consume(rule, c.var.identity.now().getTime());
    if (!decision.allowed) {
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
    c.header("RateLimit-Remaining", String(decision.remaining));
    await next();
  };
}
