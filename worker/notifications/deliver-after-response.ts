import type { Context } from "hono";
import { openDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/context.ts";
import { deliverInBackground } from "./delivery.ts";

/**
 * A route that queued notifications of a user (a key saved unverified) has them delivered once it has answered,
 * through the request's waitUntil. Without an execution context (the app called directly, as in some tests) they
 * wait for the cron like before.
 */
export function deliverAfterResponse(c: Context<AppEnv>, userId: string): void {
  let waitUntil: ((promise: Promise<unknown>) => void) | null = null;
  try {
    const context = c.executionCtx;
    waitUntil = (promise) => context.waitUntil(promise);
  } catch {
    // Hono throws when the app was called without one.
  }
  if (!waitUntil) return;
  const deps = { db: openDatabase(c.env.DB), config: c.var.config, fetch, log: c.var.log };
  deliverInBackground(waitUntil, deps, userId);
}
